// Stands in, inside kite's bundle, for parts of dockerode that kite never
// uses: the buildkit session and progress decoding (dockerode/lib/session and
// lib/buildkit, which load gRPC and protobufjs) and docker-modem's own SSH
// transport (docker-modem/lib/ssh,
// which loads ssh2). kite reaches servers through the system ssh instead.
// Anything that still calls them fails loudly rather than silently.
module.exports = function unusedTransport() {
  throw new Error('kite bundle: dockerode buildkit and docker-modem SSH are not included');
};
