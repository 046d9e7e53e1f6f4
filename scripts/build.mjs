// Build: type-check with tsc, then bundle src/cli/main.ts with esbuild into
// dist/ (ESM, code splitting). Each command stays a lazily imported chunk,
// so `kite --help` loads one small file instead of dozens of modules.
// dockerode is bundled into the chunk of the commands that talk to Docker,
// without the parts kite never uses (see scripts/stubs/): importing it
// then costs ~15 ms instead of ~80 ms, and ~25 MiB less memory.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';

const UNUSED = resolve('scripts/stubs/unused-transport.cjs');
const NO_DEBUG = resolve('scripts/stubs/no-debug.cjs');
/** per package, the relative requires that resolve to the stub */
const DROPPED = { dockerode: ['./session', './buildkit'], 'docker-modem': ['./ssh'] };
const dropUnusedTransports = {
  name: 'drop-unused-transports',
  setup(b) {
    b.onResolve({ filter: /^\.\/(session|buildkit|ssh)$/ }, (args) => {
      const pkg = /node_modules[\\/]([^\\/]+)[\\/]lib$/.exec(args.resolveDir)?.[1];
      return DROPPED[pkg]?.includes(args.path) ? { path: UNUSED } : undefined;
    });
    // docker-modem's request log would print X-Registry-Auth headers (DEBUG=modem)
    b.onResolve({ filter: /^debug$/ }, (args) => (/node_modules[\\/]docker-modem[\\/]/.test(args.resolveDir + '/') ? { path: NO_DEBUG } : undefined));
  },
};

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { 'cli/main': 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [dropUnusedTransports],
  // CommonJS packages (commander, semver, simple-git) call require(): give them one
  banner: { js: "import { createRequire as __kiteCreateRequire } from 'node:module'; const require = __kiteCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
// `kite --version` loads this one file alone (bin/kite.js): no chunks, no banner
await build({
  entryPoints: { 'cli/version': 'src/cli/version.ts' },
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
