// Builds @tidings/sdk for Node 20+: regenerates the API types from the server's OpenAPI document, then compiles the
// sources twice with tsc — ES modules into dist/esm and CommonJS into dist/cjs (marked so by its own package.json).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.join(import.meta.dirname, '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const run = (...args: string[]) => execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });

run('--import', 'tsx', path.join('scripts', 'openapi-types.ts'));
rmSync(path.join(root, 'dist'), { recursive: true, force: true });
run(tsc, '-p', 'tsconfig.json');
run(tsc, '-p', 'tsconfig.cjs.json');
mkdirSync(path.join(root, 'dist', 'cjs'), { recursive: true });
writeFileSync(path.join(root, 'dist', 'cjs', 'package.json'), '{ "type": "commonjs" }\n');
