import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import {
  choosePython,
  describeAction,
  environmentAction,
  environmentPipArgs,
  environmentPython,
  explainSetupFailure,
  findBasePython,
  isRecentEnough,
  noPythonMessage,
  parseManifest,
  parsePythonVersion,
  parseStamp,
  probePython,
  pythonCandidates,
  PYTHON_VERSION_SCRIPT,
  venvArgs,
} from '../../src/environment';
import type { ProcessRunner, RunResult } from '../../src/install';

/** A fake machine: command → what `python -c PYTHON_VERSION_SCRIPT` prints (or a spawn error when absent). */
function machine(pythons: Record<string, Partial<RunResult>>, calls: string[] = []): ProcessRunner {
  return async (command) => {
    calls.push(command);
    const result = pythons[command];
    if (result === undefined) {
      return { code: null, stdout: '', stderr: '', spawnError: { code: 'ENOENT', message: `spawn ${command} ENOENT` } };
    }
    return { code: 0, stdout: '', stderr: '', ...result };
  };
}

describe('which Python can host the server', () => {
  it('parses the version line and needs 3.10 or newer', () => {
    assert.deepEqual(parsePythonVersion('3.11.7\n/usr/bin/python3.11\n'), [3, 11, 7]);
    assert.deepEqual(parsePythonVersion('3.7.5\n'), [3, 7, 5]);
    assert.equal(parsePythonVersion('Python was not found; run without arguments to install from the Microsoft Store'), undefined);
    assert.equal(isRecentEnough([3, 10, 0]), true);
    assert.equal(isRecentEnough([3, 9, 18]), false);
    assert.equal(isRecentEnough([4, 0, 0]), true);
    assert.equal(isRecentEnough([2, 7, 18]), false);
    assert.equal(isRecentEnough(undefined), false);
  });

  it('uses a probe script that Python 2 can run, so an old Python reports its version instead of failing', () => {
    assert.ok(!PYTHON_VERSION_SCRIPT.includes('f"') && !PYTHON_VERSION_SCRIPT.includes("f'"), 'no f-strings');
    assert.match(PYTHON_VERSION_SCRIPT, /sys\.version_info/);
    assert.match(PYTHON_VERSION_SCRIPT, /sys\.executable/);
  });

  it('tries python3 first, then versioned names newest first, then python, then the Python extension', () => {
    const candidates = pythonCandidates('/home/u/.conda/envs/tf/bin/python');
    assert.deepEqual(candidates.slice(0, 6), ['python3', 'python3.13', 'python3.12', 'python3.11', 'python3.10', 'python']);
    assert.equal(candidates[candidates.length - 1], '/home/u/.conda/envs/tf/bin/python');
    assert.equal(new Set(candidates).size, candidates.length);
    assert.ok(!pythonCandidates(undefined).includes(''));
    assert.ok(!pythonCandidates('  ').includes('  '));
  });

  it('probes one command and reports sys.executable', async () => {
    const probe = await probePython(machine({ python3: { stdout: '3.12.1\n/opt/py/bin/python3.12\n' } }), 'python3');
    assert.deepEqual(probe, { command: 'python3', version: [3, 12, 1], executable: '/opt/py/bin/python3.12' });
    const missing = await probePython(machine({}), 'python3.13');
    assert.equal(missing.version, undefined);
    assert.match(missing.error ?? '', /ENOENT/);
    const shim = await probePython(
      machine({ 'python3.13': { code: 127, stderr: "pyenv: python3.13: command not found\n" } }),
      'python3.13',
    );
    assert.equal(shim.version, undefined);
    assert.match(shim.error ?? '', /command not found/);
  });

  it('stops at the first Python >= 3.10 the bundled wheels cover', async () => {
    const calls: string[] = [];
    const run = machine(
      {
        python3: { stdout: '3.7.5\n/usr/bin/python3.7\n' },
        'python3.12': { stdout: '3.12.3\n/usr/bin/python3.12\n' },
        'python3.11': { stdout: '3.11.9\n/usr/bin/python3.11\n' },
      },
      calls,
    );
    const search = await findBasePython(run, pythonCandidates(), ['3.10', '3.11', '3.12', '3.13']);
    assert.deepEqual(search.chosen, { executable: '/usr/bin/python3.12', version: [3, 12, 3], offline: true });
    assert.deepEqual(calls, ['python3', 'python3.13', 'python3.12']);
  });

  it('prefers a covered version over an uncovered newer one, and falls back to an uncovered one online', () => {
    const py314 = { command: 'python3', version: [3, 14, 0] as const, executable: '/usr/bin/python3.14' };
    const py310 = { command: 'python3.10', version: [3, 10, 12] as const, executable: '/usr/bin/python3.10' };
    const py37 = { command: 'python', version: [3, 7, 5] as const, executable: '/usr/bin/python3.7' };
    const bundled = ['3.10', '3.11', '3.12', '3.13'];
    assert.deepEqual(choosePython([py314, py310, py37], bundled), {
      executable: '/usr/bin/python3.10',
      version: [3, 10, 12],
      offline: true,
    });
    assert.deepEqual(choosePython([py37, py314], bundled), { executable: '/usr/bin/python3.14', version: [3, 14, 0], offline: false });
    assert.equal(choosePython([py37, { command: 'python3.13', error: 'ENOENT' }], bundled), undefined);
  });
});

describe('when to create or upgrade the environment', () => {
  const wanted = { extensionVersion: '0.2.0', build: 'abc123' };
  const stamp = { extensionVersion: '0.2.0', build: 'abc123', python: '/usr/bin/python3.11', pythonVersion: '3.11.7' };

  it('creates one when there is no stamp (none yet, or a half-made one)', () => {
    assert.deepEqual(environmentAction(undefined, wanted, undefined), { kind: 'create' });
  });

  it('uses it when the stamp matches and the server imports', () => {
    assert.deepEqual(environmentAction(stamp, wanted, true), { kind: 'use' });
  });

  it('upgrades it when the extension version or the wheel build differs', () => {
    assert.deepEqual(environmentAction({ ...stamp, extensionVersion: '0.1.0' }, wanted, undefined), {
      kind: 'upgrade',
      from: '0.1.0',
    });
    assert.deepEqual(environmentAction({ ...stamp, build: 'old' }, wanted, undefined), {
      kind: 'upgrade',
      from: '0.2.0 (build old)',
    });
  });

  it('repairs it when the stamp matches but its Python no longer runs the server', () => {
    const action = environmentAction(stamp, wanted, false);
    assert.equal(action.kind, 'repair');
    assert.match(action.kind === 'repair' ? action.reason : '', /\/usr\/bin\/python3\.11/);
  });

  it('says why it builds, for the log', () => {
    assert.equal(describeAction({ kind: 'create' }), 'there is none yet');
    assert.equal(describeAction({ kind: 'upgrade', from: '0.1.0' }), 'it was made by amct-lsp 0.1.0');
    assert.equal(describeAction({ kind: 'repair', reason: 'its Python is gone' }), 'its Python is gone');
  });

  it('reads only complete stamps', () => {
    assert.deepEqual(parseStamp(JSON.stringify(stamp)), stamp);
    assert.equal(parseStamp(undefined), undefined);
    assert.equal(parseStamp('{"extensionVersion": "0.2.0"'), undefined);
    assert.equal(parseStamp('{"build": "abc"}'), undefined);
    assert.equal(parseStamp('null'), undefined);
  });

  it('reads the wheel manifest and rejects an incomplete one', () => {
    const manifest = {
      version: '0.2.0',
      target: 'linux-arm64',
      pythons: ['3.10', '3.11', '3.12', '3.13'],
      build: 'abc123',
      pip: 'pip-25.3-py3-none-any.whl',
    };
    assert.deepEqual(parseManifest(JSON.stringify(manifest)), manifest);
    assert.equal(parseManifest(JSON.stringify({ ...manifest, pip: '' })), undefined);
    assert.equal(parseManifest(JSON.stringify({ ...manifest, pythons: '3.10' })), undefined);
    assert.equal(parseManifest('not json'), undefined);
  });
});

describe('the venv and pip command lines', () => {
  it('makes a venv without pip and runs pip from its bundled wheel inside it', () => {
    assert.deepEqual(venvArgs('/s/server-env.new-1'), ['-m', 'venv', '--without-pip', '/s/server-env.new-1']);
    assert.equal(environmentPython('/s/env', 'linux'), path.join('/s/env', 'bin', 'python'));
    assert.equal(environmentPython('C:\\s\\env', 'win32'), path.join('C:\\s\\env', 'Scripts', 'python.exe'));
  });

  it('installs offline from the bundled wheels, ignoring the user pip configuration', () => {
    const args = environmentPipArgs('/ext/client/wheels/pip-25.3-py3-none-any.whl', '/ext/client/wheels', '0.2.0', true);
    assert.equal(args[0], path.join('/ext/client/wheels/pip-25.3-py3-none-any.whl', 'pip'));
    assert.equal(args[1], 'install');
    assert.equal(args[args.indexOf('--progress-bar') + 1], 'off');
    for (const flag of ['--no-index', '--isolated', '--only-binary=:all:', '--no-input', '--no-cache-dir']) {
      assert.ok(args.includes(flag), flag);
    }
    assert.equal(args[args.indexOf('--find-links') + 1], '/ext/client/wheels');
    assert.equal(args[args.length - 1], 'amct-lsp==0.2.0');
  });

  it('lets pip reach the user index only when the wheels do not cover the Python', () => {
    const args = environmentPipArgs('/w/pip.whl', '/w', '0.2.0', false);
    assert.ok(!args.includes('--no-index') && !args.includes('--isolated'));
    assert.equal(args[args.indexOf('--find-links') + 1], '/w');
  });
});

describe('the messages', () => {
  it('says exactly that no Python >= 3.10 exists, what was found, and how to fix it', () => {
    const message = noPythonMessage([
      { command: 'python3', version: [3, 7, 5], executable: '/usr/bin/python3.7' },
      { command: 'python3.13', error: 'spawn python3.13 ENOENT' },
      { command: 'python', version: [2, 7, 18], executable: 'python' },
    ]);
    assert.match(message, /needs Python 3\.10 or newer, and none was found/);
    assert.match(message, /python3 is 3\.7\.5 \(\/usr\/bin\/python3\.7\), python is 2\.7\.18\)/);
    assert.match(message, /apt install python3\.11/);
    assert.match(message, /amct\.interpreter/);
    assert.doesNotMatch(message, /network/i);
    assert.match(noPythonMessage([{ command: 'python3', error: 'ENOENT' }]), /no python3 or python runs here/);
  });

  it('explains setup failures in one line, offline problems without blaming the network', () => {
    assert.match(explainSetupFailure('venv', '/usr/bin/python3.12: No module named venv', true), /python3-venv/);
    assert.match(
      explainSetupFailure('pip', 'ERROR: Could not find a version that satisfies the requirement libcst', true),
      /VSIX built for it \(linux-x64 or linux-arm64\)/,
    );
    assert.doesNotMatch(explainSetupFailure('pip', 'ERROR: No matching distribution found for libcst', true), /network/);
    assert.match(explainSetupFailure('pip', 'Failed to establish a new connection', false), /not covered by the bundled wheels/);
    assert.match(explainSetupFailure('pip', 'OSError: [Errno 28] No space left on device', true), /disk is full/);
    assert.match(explainSetupFailure('probe', 'ImportError', true), /does not import/);
  });
});
