import * as assert from 'node:assert/strict';
import {
  explainPipFailure,
  INSTALL_ACTION,
  missingServerPrompt,
  pickWheel,
  pipInstallArgs,
  type ProcessRunner,
  probeServer,
  PROBE_SCRIPT,
  type RunResult,
  SELECT_ACTION,
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

describe('missingServerPrompt', () => {
  const wheel = '/ext/client/server-wheel/amct_lsp-0.1.0-py3-none-any.whl';

  it('shows nothing when the server imports', () => {
    assert.equal(missingServerPrompt({ kind: 'ok', version: '0.1.0' }, 'python3', wheel), undefined);
  });

  it('offers Install and Select when the module is missing and a wheel is bundled', () => {
    const prompt = missingServerPrompt({ kind: 'not-installed', detail: '' }, '/venv/bin/python', wheel);
    assert.deepEqual(prompt?.actions, [INSTALL_ACTION, SELECT_ACTION]);
    assert.deepEqual(prompt?.actions, ['Install amct-lsp', 'Select interpreter']);
    assert.match(prompt?.message ?? '', /not installed in \/venv\/bin\/python/);
  });

  it('offers only Select, with the pip command, when no wheel is bundled', () => {
    const prompt = missingServerPrompt({ kind: 'not-installed', detail: '' }, 'python3', undefined);
    assert.deepEqual(prompt?.actions, [SELECT_ACTION]);
    assert.match(prompt?.message ?? '', /python3 -m pip install amct-lsp/);
  });

  it('offers only Select when the interpreter cannot run (nothing to install into)', () => {
    const prompt = missingServerPrompt({ kind: 'no-interpreter', detail: 'ENOENT' }, '/gone/python', wheel);
    assert.deepEqual(prompt?.actions, [SELECT_ACTION]);
    assert.match(prompt?.message ?? '', /\/gone\/python/);
  });

  it('offers a reinstall when the package is there but does not import', () => {
    const prompt = missingServerPrompt({ kind: 'broken', detail: 'pygls missing' }, 'python3', wheel);
    assert.deepEqual(prompt?.actions, [INSTALL_ACTION, SELECT_ACTION]);
  });
});

describe('wheel and pip', () => {
  it('picks the newest amct_lsp wheel and ignores other files', () => {
    const files = [
      '/w/amct_lsp-0.9.0-py3-none-any.whl',
      '/w/amct_lsp-0.10.1-py3-none-any.whl',
      '/w/other-9.0-py3-none-any.whl',
      '/w/README.txt',
    ];
    assert.equal(pickWheel(files), '/w/amct_lsp-0.10.1-py3-none-any.whl');
    assert.equal(pickWheel(['/w/other-1.0-py3-none-any.whl']), undefined);
    assert.equal(pickWheel([]), undefined);
  });

  it('installs the wheel with pip of the same interpreter', () => {
    const args = pipInstallArgs('/w/amct_lsp-0.1.0-py3-none-any.whl');
    assert.deepEqual(args.slice(0, 3), ['-m', 'pip', 'install']);
    assert.equal(args[args.length - 1], '/w/amct_lsp-0.1.0-py3-none-any.whl');
    assert.ok(args.includes('--no-input'), 'pip must never wait for input in the background');
  });

  it('explains the usual pip failures in one line', () => {
    assert.match(explainPipFailure('error: externally-managed-environment\n× This environment is…'), /PEP 668/);
    assert.match(explainPipFailure('/usr/bin/python3: No module named pip'), /pip is not available/);
    assert.match(explainPipFailure('ERROR: Could not find a version that satisfies the requirement pygls'), /network/);
    assert.match(explainPipFailure("OSError: [Errno 13] Permission denied: '/usr/lib'"), /permission/);
    assert.match(explainPipFailure('something else'), /AMCT output/);
  });
});
