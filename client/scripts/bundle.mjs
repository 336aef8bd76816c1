// Bundles the extension into client/out/extension.js with esbuild (vscode-languageclient included, `vscode`
// provided by the host). `--watch` rebuilds on change; `--dev` keeps it unminified with source maps.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const watch = process.argv.includes('--watch');
const dev = watch || process.argv.includes('--dev');

const options = {
  entryPoints: [join(root, 'client', 'src', 'extension.ts')],
  outfile: join(root, 'client', 'out', 'extension.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  external: ['vscode'],
  minify: !dev,
  sourcemap: dev ? 'linked' : false,
  logLevel: 'info',
};

if (watch) {
  const context = await esbuild.context(options);
  await context.watch();
} else {
  await esbuild.build(options);
}
