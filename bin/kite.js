#!/usr/bin/env node
// `kite --version` (or `-v`) alone is answered without loading the command tree.
import { VERSION } from '../dist/cli/version.js';

const [, , first, ...rest] = process.argv;
if ((first === '--version' || first === '-v') && rest.length === 0) process.stdout.write(`${VERSION}\n`);
else await (await import('../dist/cli/main.js')).main(process.argv);
