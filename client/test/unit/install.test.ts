import * as assert from 'node:assert/strict';
import {
  missingServerPrompt,
  type ProcessRunner,
  probeServer,
  PROBE_SCRIPT,
  type RunResult,
  SELECT_ACTION,
  USE_BUNDLED_ACTION,
} from '../../src/install';
import * as os from 'node:os';
import { createProcessRunner } from '../../src/process';

const runProcess = createProcessRunner(os.tmpdir());

function runner(result: Partial<RunResult>, calls: Array<[string, readonly string[]]> = []): ProcessRunner {
  return async (command, args) => {
    calls.push([command, args]);
    return { code: null, stdout: '', stderr: '', ...result };
  };
}

describe('probeServer', () => {
  it('runs `python -c "import amct_lsp"` in the chosen interpreter', async () => {
    const calls: Array<[string, readonly string[]]> = [];
    const probe = await probeServer(runner({ code: 0, stdout: '0.1.0\n' }, calls), '/venv/bin/python');
    assert.deepEqual(probe, { kind: 'ok', version: '0.1.0' });
    assert.deepEqual(calls, [['/venv/bin/python', ['-c', PROBE_SCRIPT]]]);
    assert.match(PROBE_SCRIPT, /^import amct_lsp;/);
  });

  it('tells a missing interpreter from a missing module from a broken install', async () => {
    const missingPython = await probeServer(
      runner({ spawnError: { code: 'ENOENT', message: 'spawn nope ENOENT' } }),
      'nope',
    );
    assert.equal(missingPython.kind, 'no-interpreter');
    const missingModule = await probeServer(
      runner({ code: 1, stderr: "ModuleNotFoundError: No module named 'amct_lsp'\n" }),
      'python3',
    );
    assert.equal(missingModule.kind, 'not-installed');
    const broken = await probeServer(runner({ code: 1, stderr: "ModuleNotFoundError: No module named 'pygls'\n" }), 'python3');
    assert.deepEqual(broken, { kind: 'broken', detail: "ModuleNotFoundError: No module named 'pygls'" });
    const slow = await probeServer(
      runner({ spawnError: { code: 'ETIMEDOUT', message: 'timed out after 30000 ms' } }),
      'python3',
    );
    assert.deepEqual(slow, { kind: 'broken', detail: 'timed out after 30000 ms' });
  });

  it('works against a real process', async () => {
    const node = process.execPath;
    const result = await runProcess(node, ['-e', 'process.stdout.write("hi"); process.exit(3)']);
    assert.deepEqual([result.code, result.stdout], [3, 'hi']);
    const missing = await runProcess('/definitely/not/a/python', ['-c', 'pass']);
    assert.equal(missing.spawnError?.code, 'ENOENT');
    const slow = await runProcess(node, ['-e', 'setTimeout(() => {}, 5000)'], { timeoutMs: 100 });
    assert.equal(slow.spawnError?.code, 'ETIMEDOUT');
  });
});

describe('missingServerPrompt (an amct.interpreter override)', () => {
  it('shows nothing when the server imports', () => {
    assert.equal(missingServerPrompt({ kind: 'ok', version: '0.1.0' }, 'python3'), undefined);
  });

  it('never offers to pip-install into the chosen interpreter: it says how, or offers the bundled server', () => {
    const prompt = missingServerPrompt({ kind: 'not-installed', detail: '' }, '/venv/bin/python');
    assert.deepEqual(prompt?.actions, [USE_BUNDLED_ACTION, SELECT_ACTION]);
    assert.deepEqual(prompt?.actions, ['Use the bundled server', 'Select interpreter']);
    assert.match(prompt?.message ?? '', /not installed in \/venv\/bin\/python \(the amct\.interpreter setting\)/);
    assert.match(prompt?.message ?? '', /"\/venv\/bin\/python -m pip install amct-lsp"/);
    assert.ok(!prompt?.actions.some((action) => /install/i.test(action)), 'no Install action');
  });

  it('names the interpreter that cannot run', () => {
    const prompt = missingServerPrompt({ kind: 'no-interpreter', detail: 'ENOENT' }, '/gone/python');
    assert.deepEqual(prompt?.actions, [USE_BUNDLED_ACTION, SELECT_ACTION]);
    assert.match(prompt?.message ?? '', /"\/gone\/python" \(the amct\.interpreter setting\) could not be run/);
  });

  it('points to the output when the package is there but does not import', () => {
    const prompt = missingServerPrompt({ kind: 'broken', detail: 'pygls missing' }, 'python3');
    assert.match(prompt?.message ?? '', /does not import in python3 .*see the AMCT output/);
    assert.deepEqual(prompt?.actions, [USE_BUNDLED_ACTION, SELECT_ACTION]);
  });
});
