// `npm test`: bundles each client/test/unit/*.test.ts with esbuild into a temporary folder — `vscode` resolved to
// the mock in client/test/mock/vscode.ts — and runs them with mocha. The folder is removed afterwards.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const testDir = join(root, 'client', 'test', 'unit');
const mock = join(root, 'client', 'test', 'mock', 'vscode.ts');
const entries = readdirSync(testDir)
  .filter((name) => name.endsWith('.test.ts'))
  .map((name) => join(testDir, name));
const out = mkdtempSync(join(tmpdir(), 'amct-client-tests-'));

const mockVscode = {
  name: 'mock-vscode',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, () => ({ path: mock }));
  },
};

let status = 1;
try {
  await esbuild.build({
    entryPoints: entries,
    outdir: out,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['mocha'],
    plugins: [mockVscode],
    logLevel: 'warning',
  });
  const mocha = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');
  const files = readdirSync(out)
    .filter((name) => name.endsWith('.test.js'))
    .map((name) => join(out, name));
  const result = spawnSync(process.execPath, ['--enable-source-maps', mocha, '--reporter', 'spec', ...files], {
    stdio: 'inherit',
    cwd: root,
    env: { ...process.env, NODE_PATH: join(root, 'node_modules') },
  });
  status = result.status ?? 1;
} finally {
  rmSync(out, { recursive: true, force: true });
}
process.exit(status);
