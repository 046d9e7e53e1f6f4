// Build: type-check with tsc, then bundle src/cli/main.ts with esbuild into
// dist/ (ESM, code splitting). Each command stays a lazily imported chunk,
// so `kite --help` loads one small file instead of dozens of modules.
// docker-modem (the Engine API transport) is bundled into the chunk of the
// commands that talk to Docker, without its ssh2 transport, which kite never
// uses (see scripts/stubs/).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';

const UNUSED = resolve('scripts/stubs/unused-transport.cjs');
const NO_DEBUG = resolve('scripts/stubs/no-debug.cjs');
const MODEM_UTIL = resolve('scripts/stubs/modem-util.cjs');
/** per package, the relative requires that resolve to the stub */
const DROPPED = { 'docker-modem': ['./ssh'] };
const dropUnusedTransports = {
  name: 'drop-unused-transports',
  setup(b) {
    b.onResolve({ filter: /^\.\/ssh$/ }, (args) => {
      const pkg = /node_modules[\\/]([^\\/]+)[\\/]lib$/.exec(args.resolveDir)?.[1];
      return DROPPED[pkg]?.includes(args.path) ? { path: UNUSED } : undefined;
    });
    // docker-modem's request log would print X-Registry-Auth headers (DEBUG=modem)
    b.onResolve({ filter: /^debug$/ }, (args) => (/node_modules[\\/]docker-modem[\\/]/.test(args.resolveDir + '/') ? { path: NO_DEBUG } : undefined));
    // ...and the formatting of each request for that log is skipped
    b.onResolve({ filter: /^util$/ }, (args) => (/node_modules[\\/]docker-modem[\\/]/.test(args.resolveDir + '/') ? { path: MODEM_UTIL } : undefined));
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
  // less source for V8 to parse and compile on every start (Node 20 keeps no
  // compile cache for ES modules); names are kept, so stack traces still read
  minifyWhitespace: true,
  minifySyntax: true,
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
// The web UI (`kite web`, issue 13): plain TypeScript and CSS for the
// browser, minified into dist/web/ui/, served by kite itself. Its
// JavaScript must stay within the budget the README states (gzipped).
{
  const { readFileSync } = await import('node:fs');
  const { gzipSync } = await import('node:zlib');
  await build({
    entryPoints: { app: 'src/web/ui/main.ts' },
    outdir: 'dist/web/ui',
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome100', 'firefox100', 'safari15'],
    logLevel: 'warning',
  });
  await build({ entryPoints: { app: 'src/web/ui/app.css' }, outdir: 'dist/web/ui', bundle: true, minify: true, logLevel: 'warning' });
  const budget = /web UI's JavaScript budget: \*\*(\d+(?:\.\d+)?) kB\*\* gzipped/.exec(readFileSync('README.md', 'utf8'))?.[1];
  if (!budget) throw new Error("README.md states no web UI JavaScript budget (\"web UI's JavaScript budget: **N kB** gzipped\")");
  const size = gzipSync(readFileSync('dist/web/ui/app.js'), { level: 9 }).length / 1000;
  if (size > Number(budget)) {
    console.error(`dist/web/ui/app.js is ${size.toFixed(1)} kB gzipped, over the README's budget of ${budget} kB`);
    process.exit(1);
  }
}
