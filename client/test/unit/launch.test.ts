import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { neutralDirectory, pythonEnvironment } from '../../src/launch';
import { createProcessRunner } from '../../src/process';

/** A workspace that runs code if anything imports from it: each module writes a marker file. */
function hostileWorkspace(root: string, markers: string): string {
  const workspace = path.join(root, 'workspace');
  mkdirSync(path.join(workspace, 'amct_lsp'), { recursive: true });
  const plant = (file: string, name: string): void =>
    writeFileSync(file, `open(${JSON.stringify(path.join(markers, name))}, 'w').close()\n`);
  for (const name of ['json', 'argparse', 'runpy', 'encodings_extra', 'typing']) {
    plant(path.join(workspace, `${name}.py`), name);
  }
  plant(path.join(workspace, 'amct_lsp', '__init__.py'), 'amct_lsp');
  return workspace;
}

describe('launch: no workspace module is importable', () => {
  let root: string;
  let markers: string;
  let cwd: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'amct-launch-'));
    markers = path.join(root, 'markers');
    mkdirSync(markers);
  });
  afterEach(() => {
    process.chdir(cwd);
    rmSync(root, { recursive: true, force: true });
  });
  cwd = process.cwd();

  it('sets safe-path startup and UTF-8 pipes without dropping the rest of the environment', () => {
    const env = pythonEnvironment({ PATH: '/bin', PYTHONSTARTUP: '/ws/evil.py' });
    assert.equal(env.PATH, '/bin');
    assert.equal(env.PYTHONSAFEPATH, '1');
    assert.equal(env.PYTHONIOENCODING, 'utf-8');
    assert.equal(env.PYTHONSTARTUP, undefined);
  });

  it('uses an empty folder in global storage, and a private temporary folder when that one is not empty', async () => {
    const storage = path.join(root, 'storage');
    const dir = await neutralDirectory(storage);
    assert.equal(dir, path.join(storage, 'run'));
    assert.deepEqual(readdirSync(dir), []);
    writeFileSync(path.join(dir, 'json.py'), '');
    const other = await neutralDirectory(storage);
    assert.notEqual(other, dir);
    assert.deepEqual(readdirSync(other), []);
    rmSync(other, { recursive: true });
  });

  it('runs `python -c` and `python -m` without importing the workspace, even when the host runs inside it', async function () {
    this.timeout(20_000);
    const workspace = hostileWorkspace(root, markers);
    // The extension host's own working directory is the workspace, as vscode-languageclient would make it.
    process.chdir(workspace);
    const run = createProcessRunner(await neutralDirectory(path.join(root, 'storage')));
    const probe = await run('python3', ['-c', 'import json, argparse, runpy, typing\ntry:\n import amct_lsp\nexcept ImportError: pass']);
    assert.equal(probe.code, 0, probe.stderr);
    const module = await run('python3', ['-m', 'json.tool', '--help']);
    assert.equal(module.code, 0, module.stderr);
    assert.deepEqual(readdirSync(markers), []);
    // The control: run plainly in the workspace, the same imports do run the planted code.
    const { spawnSync } = await import('node:child_process');
    spawnSync('python3', ['-c', 'import json'], { cwd: workspace });
    assert.ok(existsSync(path.join(markers, 'json')), 'the control run should have imported the planted json.py');
  });
});
