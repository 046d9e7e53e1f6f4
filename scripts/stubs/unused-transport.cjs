// Stands in, inside kite's bundle, for docker-modem's own SSH transport
// (docker-modem/lib/ssh, which loads ssh2). kite reaches servers through the
// system ssh instead. Anything that still calls it fails loudly rather than
// silently.
module.exports = function unusedTransport() {
  throw new Error('kite bundle: docker-modem SSH is not included');
};
