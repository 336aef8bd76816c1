import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PYTHON_VERSION_SCRIPT, STAMP_FILE } from '../../src/environment';
import { PROBE_SCRIPT, type ProcessRunner, type RunResult } from '../../src/install';
import { ENV_DIR_NAME, ensureEnvironment, type ProvisionInput } from '../../src/provision';

interface FakeMachine {
  /** command → version output of the Python probe. */
  pythons: Record<string, string>;
  pipResult?: Partial<RunResult>;
  calls: Array<[string, readonly string[]]>;
}

const ok = (stdout = ''): RunResult => ({ code: 0, stdout, stderr: '' });

/**
 * A fake machine behind the ProcessRunner: Pythons answer the version probe, `-m venv DIR` creates DIR/bin/python,
 * pip "installs" by writing a marker, and the server probe succeeds only in an environment pip installed into.
 */
function fakeRunner(machine: FakeMachine): ProcessRunner {
  return async (command, args) => {
    machine.calls.push([command, args]);
    if (args[0] === '-c' && args[1] === PYTHON_VERSION_SCRIPT) {
      const out = machine.pythons[command];
      return out === undefined
        ? { code: null, stdout: '', stderr: '', spawnError: { code: 'ENOENT', message: `spawn ${command} ENOENT` } }
        : ok(out);
    }
    if (args[0] === '-m' && args[1] === 'venv') {
      const dir = args[args.length - 1];
      fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'bin', 'python'), '');
      return ok();
    }
    if (args[1] === 'install') {
      if (machine.pipResult !== undefined) {
        return { code: 1, stdout: '', stderr: '', ...machine.pipResult };
      }
      fs.writeFileSync(path.join(path.dirname(path.dirname(command)), 'installed'), '');
      return ok();
    }
    if (args[0] === '-c' && args[1] === PROBE_SCRIPT) {
      const installed = fs.existsSync(path.join(path.dirname(path.dirname(command)), 'installed'));
      return installed ? ok('0.2.0\n') : { code: 1, stdout: '', stderr: "No module named 'amct_lsp'" };
    }
    throw new Error(`unexpected process: ${command} ${args.join(' ')}`);
  };
}

describe('ensureEnvironment (the private server environment)', () => {
  let storage: string;
  let wheels: string;
  let logs: string[];

  beforeEach(() => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'amct-provision-'));
    storage = path.join(root, 'storage');
    wheels = path.join(root, 'ext', 'client', 'wheels');
    fs.mkdirSync(wheels, { recursive: true });
    fs.writeFileSync(
      path.join(wheels, 'manifest.json'),
      JSON.stringify({ version: '0.2.0', target: 'linux-x64', pythons: ['3.10', '3.11', '3.12', '3.13'], build: 'b1', pip: 'pip-25.3-py3-none-any.whl' }),
    );
    logs = [];
  });

  afterEach(() => fs.rmSync(path.dirname(storage), { recursive: true, force: true }));

  const input = (machine: FakeMachine, overrides: Partial<ProvisionInput> = {}): ProvisionInput => ({
    run: fakeRunner(machine),
    storageDir: storage,
    wheelDir: wheels,
    extensionVersion: '0.2.0',
    log: (message) => logs.push(message),
    ...overrides,
  });
  const envDir = (): string => path.join(storage, ENV_DIR_NAME);
  const stamp = (): Record<string, string> => JSON.parse(fs.readFileSync(path.join(envDir(), STAMP_FILE), 'utf8'));

  it('creates the environment from the first usable Python and installs the bundled wheels offline', async () => {
    const machine: FakeMachine = { pythons: { python3: '3.7.5\n/usr/bin/python3.7\n', 'python3.11': '3.11.7\n/usr/bin/python3.11\n' }, calls: [] };
    const built: string[] = [];
    const result = await ensureEnvironment(input(machine, { onBuild: (action) => built.push(action.kind) }));
    assert.equal(result.kind, 'ready');
    assert.equal(result.kind === 'ready' ? result.python : '', path.join(envDir(), 'bin', 'python'));
    assert.deepEqual(built, ['create']);
    assert.deepEqual(stamp(), { extensionVersion: '0.2.0', build: 'b1', python: '/usr/bin/python3.11', pythonVersion: '3.11.7' });
    // The venv is made by the real executable, pip runs from its wheel inside the new environment, offline.
    const venv = machine.calls.find(([, args]) => args[1] === 'venv');
    assert.equal(venv?.[0], '/usr/bin/python3.11');
    const pip = machine.calls.find(([, args]) => args[1] === 'install');
    assert.match(pip?.[0] ?? '', new RegExp(`${ENV_DIR_NAME}\\.new-[^/]+/bin/python$`));
    assert.equal(pip?.[1][0], path.join(wheels, 'pip-25.3-py3-none-any.whl', 'pip'));
    assert.ok(pip?.[1].includes('--no-index'));
    // Nothing but the version probe ever runs in the user's Pythons.
    const userPythons = ['python3', 'python3.11', '/usr/bin/python3.7'];
    for (const [command, args] of machine.calls) {
      if (userPythons.includes(command)) {
        assert.deepEqual(args, ['-c', PYTHON_VERSION_SCRIPT]);
      }
    }
    // No temporary folders stay behind.
    assert.deepEqual(fs.readdirSync(storage), [ENV_DIR_NAME]);
  });

  it('uses a current environment without creating anything', async () => {
    const machine: FakeMachine = { pythons: { python3: '3.12.1\n/usr/bin/python3.12\n' }, calls: [] };
    await ensureEnvironment(input(machine));
    machine.calls.length = 0;
    const built: string[] = [];
    const again = await ensureEnvironment(input(machine, { onBuild: (action) => built.push(action.kind) }));
    assert.deepEqual(again.kind === 'ready' ? again.action : undefined, { kind: 'use' });
    assert.deepEqual(built, []);
    assert.deepEqual(
      machine.calls.map(([command, args]) => [command, args[1]]),
      [[path.join(envDir(), 'bin', 'python'), PROBE_SCRIPT]],
    );
  });

  it('upgrades the environment when the extension version changes', async () => {
    const machine: FakeMachine = { pythons: { python3: '3.12.1\n/usr/bin/python3.12\n' }, calls: [] };
    await ensureEnvironment(input(machine, { extensionVersion: '0.1.0' }));
    fs.writeFileSync(path.join(envDir(), 'left-from-0.1.0'), '');
    const result = await ensureEnvironment(input(machine));
    assert.deepEqual(result.kind === 'ready' ? result.action : undefined, { kind: 'upgrade', from: '0.1.0' });
    assert.equal(stamp().extensionVersion, '0.2.0');
    assert.ok(!fs.existsSync(path.join(envDir(), 'left-from-0.1.0')), 'the old environment is replaced, not patched');
    assert.deepEqual(fs.readdirSync(storage), [ENV_DIR_NAME]);
  });

  it('repairs an environment whose server no longer imports', async () => {
    const machine: FakeMachine = { pythons: { python3: '3.12.1\n/usr/bin/python3.12\n' }, calls: [] };
    await ensureEnvironment(input(machine));
    fs.rmSync(path.join(envDir(), 'installed'));
    const result = await ensureEnvironment(input(machine));
    assert.equal(result.kind === 'ready' ? result.action.kind : result.kind, 'repair');
  });

  it('says which Pythons it found when none is 3.10 or newer, and creates nothing', async () => {
    const machine: FakeMachine = { pythons: { python3: '3.7.5\n/usr/bin/python3.7\n', python: '2.7.18\n/usr/bin/python2.7\n' }, calls: [] };
    const result = await ensureEnvironment(input(machine));
    assert.equal(result.kind, 'no-python');
    assert.match(result.kind === 'no-python' ? result.message : '', /python3 is 3\.7\.5 .*python is 2\.7\.18/);
    assert.ok(!fs.existsSync(envDir()));
  });

  it('leaves the previous environment alone when the install fails', async () => {
    const machine: FakeMachine = { pythons: { python3: '3.12.1\n/usr/bin/python3.12\n' }, calls: [] };
    await ensureEnvironment(input(machine, { extensionVersion: '0.1.0' }));
    machine.pipResult = { stderr: 'ERROR: Could not find a version that satisfies the requirement libcst' };
    const result = await ensureEnvironment(input(machine));
    assert.equal(result.kind, 'failed');
    assert.match(result.kind === 'failed' ? result.message : '', /do not fit this machine/);
    assert.equal(stamp().extensionVersion, '0.1.0');
    assert.deepEqual(fs.readdirSync(storage), [ENV_DIR_NAME]);
  });

  it('keeps the environment another window finished meanwhile (its server may be running from it)', async () => {
    const machine: FakeMachine = { pythons: { python3: '3.12.1\n/usr/bin/python3.12\n' }, calls: [] };
    const run = fakeRunner(machine);
    const racing: ProcessRunner = async (command, args, options) => {
      if (args[1] === 'install') {
        // The other window completes its environment while ours is being installed.
        fs.mkdirSync(path.join(envDir(), 'bin'), { recursive: true });
        fs.writeFileSync(path.join(envDir(), 'bin', 'python'), '');
        fs.writeFileSync(path.join(envDir(), 'installed'), '');
        fs.writeFileSync(path.join(envDir(), 'theirs'), '');
        fs.writeFileSync(
          path.join(envDir(), STAMP_FILE),
          JSON.stringify({ extensionVersion: '0.2.0', build: 'b1', python: '/usr/bin/python3.12', pythonVersion: '3.12.1' }),
        );
      }
      return run(command, args, options);
    };
    const result = await ensureEnvironment(input(machine, { run: racing }));
    assert.equal(result.kind, 'ready');
    assert.ok(fs.existsSync(path.join(envDir(), 'theirs')), 'the other window\'s environment stays');
    assert.deepEqual(fs.readdirSync(storage), [ENV_DIR_NAME]);
  });

  it('asks the Python extension for its interpreter only when it builds an environment', async () => {
    const machine: FakeMachine = { pythons: { '/conda/bin/python': '3.11.4\n/conda/bin/python3.11\n' }, calls: [] };
    let asked = 0;
    const pythonExtension = async (): Promise<string> => {
      asked++;
      return '/conda/bin/python';
    };
    const first = await ensureEnvironment(input(machine, { pythonExtension }));
    assert.equal(first.kind, 'ready');
    assert.equal(stamp().python, '/conda/bin/python3.11');
    await ensureEnvironment(input(machine, { pythonExtension }));
    assert.equal(asked, 1);
  });

  it('reports a storage folder it cannot write to instead of throwing', async () => {
    fs.mkdirSync(path.dirname(storage), { recursive: true });
    fs.writeFileSync(storage, 'a file where the folder should be');
    const machine: FakeMachine = { pythons: { python3: '3.12.1\n/usr/bin/python3.12\n' }, calls: [] };
    const result = await ensureEnvironment(input(machine));
    assert.equal(result.kind, 'failed');
    assert.match(result.kind === 'failed' ? result.message : '', /could not write to .*storage/);
  });

  it('reports a build without wheels instead of trying', async () => {
    fs.rmSync(path.join(wheels, 'manifest.json'));
    const machine: FakeMachine = { pythons: {}, calls: [] };
    const result = await ensureEnvironment(input(machine));
    assert.equal(result.kind, 'no-wheels');
    assert.deepEqual(machine.calls, []);
  });
});
