// Build: type-check with tsc, then bundle src/cli/main.ts with esbuild into
// dist/ (ESM, code splitting). Each command stays a lazily imported chunk,
// so `kite --help` loads one small file instead of dozens of modules.
// dockerode (and ssh2 with its optional native binding) stay external and
// are loaded only by commands that talk to Docker.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

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
  external: ['dockerode', 'ssh2', 'cpu-features'],
  // CommonJS packages (commander, semver, simple-git) call require(): give them one
  banner: { js: "import { createRequire as __kiteCreateRequire } from 'node:module'; const require = __kiteCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
