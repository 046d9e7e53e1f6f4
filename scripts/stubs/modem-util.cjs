// node's util for docker-modem inside kite's bundle, with inspect() a no-op:
// the modem formats every request with util.inspect (depth 4, hidden
// properties) only to hand it to its debug log, which the bundle silences
// (no-debug.cjs). That formatting cost ~9 ms of CPU per command.
module.exports = { ...require('node:util'), inspect: () => '' };
