/**
 * Makes sure the private server environment exists and is current: `<global storage>/server-env`, a venv created
 * from a Python ≥ 3.10 found on this machine, with the server and its dependencies installed offline from the wheels
 * shipped in the VSIX. It never installs anything into the user's interpreter. A new environment is built in a
 * temporary sibling folder and renamed into place once the server imports in it, so a half-made one (or one being
 * made by another VS Code window) is never used. Processes go through the injected `ProcessRunner` (the neutral,
 * safe-path runner in the extension), so tests drive the whole flow with a fake.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import {
  type BasePython,
  describeAction,
  environmentAction,
  type EnvironmentAction,
  environmentPipArgs,
  environmentPython,
  type EnvironmentStamp,
  explainSetupFailure,
  findBasePython,
  formatVersion,
  noPythonMessage,
  parseManifest,
  parseStamp,
  pythonCandidates,
  type PythonProbe,
  STAMP_FILE,
  venvArgs,
  type WheelManifest,
} from './environment';
import { probeServer, type ProcessRunner } from './install';

export const ENV_DIR_NAME = 'server-env';
export const MANIFEST_FILE = 'manifest.json';
export const VENV_TIMEOUT_MS = 2 * 60_000;
export const PIP_TIMEOUT_MS = 10 * 60_000;

export interface ProvisionInput {
  run: ProcessRunner;
  /** The extension's global storage folder. */
  storageDir: string;
  /** The extension's `client/wheels` folder (the manifest, the wheels, pip's own wheel). */
  wheelDir: string;
  extensionVersion: string;
  /** The Python extension's interpreter, one more candidate to create the environment from (asked only then). */
  pythonExtension?: () => Promise<string | undefined>;
  log: (message: string) => void;
  /** pip's and venv's output as it arrives. */
  onOutput?: (chunk: string) => void;
  /** Called once when the environment must be built (so the caller can show progress). */
  onBuild?: (action: EnvironmentAction) => void;
}

export type ProvisionResult =
  | { kind: 'ready'; python: string; version: string; action: EnvironmentAction }
  | { kind: 'no-wheels'; message: string }
  | { kind: 'no-python'; message: string; probes: PythonProbe[] }
  | { kind: 'failed'; message: string };

async function readText(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

export async function readManifest(wheelDir: string): Promise<WheelManifest | undefined> {
  const text = await readText(path.join(wheelDir, MANIFEST_FILE));
  return text === undefined ? undefined : parseManifest(text);
}

/** Removes what interrupted or superseded builds left behind (never the live environment). */
async function removeLeftovers(storageDir: string): Promise<void> {
  const cutoff = Date.now() - 60 * 60_000;
  let names: string[] = [];
  try {
    names = await fs.readdir(storageDir);
  } catch {
    return;
  }
  for (const name of names) {
    const full = path.join(storageDir, name);
    if (name.startsWith(`${ENV_DIR_NAME}.old-`)) {
      await fs.rm(full, { recursive: true, force: true }).catch(() => undefined);
    } else if (name.startsWith(`${ENV_DIR_NAME}.new-`)) {
      const stat = await fs.stat(full).catch(() => undefined);
      if (stat !== undefined && stat.mtimeMs < cutoff) {
        await fs.rm(full, { recursive: true, force: true }).catch(() => undefined);
      }
    }
  }
}

/** Puts the finished environment in place of the old one; false when another window got there first. */
async function swapIn(fresh: string, envDir: string, storageDir: string): Promise<boolean> {
  const old = await fs.mkdtemp(path.join(storageDir, `${ENV_DIR_NAME}.old-`));
  await fs.rm(old, { recursive: true, force: true });
  try {
    await fs.rename(envDir, old);
  } catch {
    // No previous environment.
  }
  try {
    await fs.rename(fresh, envDir);
  } catch {
    await fs.rm(fresh, { recursive: true, force: true }).catch(() => undefined);
    return false;
  } finally {
    await fs.rm(old, { recursive: true, force: true }).catch(() => undefined);
  }
  return true;
}

async function build(input: ProvisionInput, manifest: WheelManifest, base: BasePython): Promise<ProvisionResult | undefined> {
  const { run, storageDir, log } = input;
  const fresh = await fs.mkdtemp(path.join(storageDir, `${ENV_DIR_NAME}.new-`));
  const fail = async (message: string): Promise<ProvisionResult> => {
    await fs.rm(fresh, { recursive: true, force: true }).catch(() => undefined);
    return { kind: 'failed', message };
  };
  const venv = venvArgs(fresh);
  log(`Creating the server environment: ${base.executable} ${venv.join(' ')}`);
  const made = await run(base.executable, venv, { timeoutMs: VENV_TIMEOUT_MS, onOutput: input.onOutput });
  if (made.code !== 0) {
    return fail(explainSetupFailure('venv', made.stdout + made.stderr + (made.spawnError?.message ?? ''), base.offline));
  }
  const python = environmentPython(fresh);
  const pip = environmentPipArgs(path.join(input.wheelDir, manifest.pip), input.wheelDir, manifest.version, base.offline);
  log(`Installing the bundled wheels${base.offline ? ' (offline)' : ''}: ${python} ${pip.join(' ')}`);
  const installed = await run(python, pip, { timeoutMs: PIP_TIMEOUT_MS, onOutput: input.onOutput });
  if (installed.code !== 0) {
    return fail(explainSetupFailure('pip', installed.stdout + installed.stderr + (installed.spawnError?.message ?? ''), base.offline));
  }
  const probe = await probeServer(run, python);
  if (probe.kind !== 'ok') {
    log(`amct_lsp does not import in the new environment: ${probe.detail}`);
    return fail(explainSetupFailure('probe', probe.detail, base.offline));
  }
  const stamp: EnvironmentStamp = {
    extensionVersion: input.extensionVersion,
    build: manifest.build,
    python: base.executable,
    pythonVersion: formatVersion(base.version),
  };
  await fs.writeFile(path.join(fresh, STAMP_FILE), JSON.stringify(stamp, null, 2) + '\n');
  const envDir = path.join(storageDir, ENV_DIR_NAME);
  // Another VS Code window may have finished (and started its server from) the same environment meanwhile.
  const theirs = parseStamp(await readText(path.join(envDir, STAMP_FILE)));
  const finished =
    theirs !== undefined &&
    theirs.extensionVersion === stamp.extensionVersion &&
    theirs.build === stamp.build &&
    (await probeServer(run, environmentPython(envDir))).kind === 'ok';
  if (finished || !(await swapIn(fresh, envDir, storageDir))) {
    log('Another window finished the environment first; using it.');
    await fs.rm(fresh, { recursive: true, force: true }).catch(() => undefined);
  }
  return undefined;
}

/**
 * Returns the Python that runs the server, building or upgrading the environment first when its stamp is missing,
 * names another extension version or wheel build, or the server no longer imports in it.
 */
export async function ensureEnvironment(input: ProvisionInput): Promise<ProvisionResult> {
  const { run, storageDir, log } = input;
  const manifest = await readManifest(input.wheelDir);
  if (manifest === undefined) {
    return {
      kind: 'no-wheels',
      message:
        'AMCT: this build of the extension ships no server wheels (a development build?). Package it with "make vsix", ' +
        'or set "amct.interpreter" to a Python that has amct-lsp installed.',
    };
  }
  const envDir = path.join(storageDir, ENV_DIR_NAME);
  const python = environmentPython(envDir);
  const wanted = { extensionVersion: input.extensionVersion, build: manifest.build };
  const stamp = parseStamp(await readText(path.join(envDir, STAMP_FILE)));
  const matches = stamp !== undefined && stamp.extensionVersion === wanted.extensionVersion && stamp.build === wanted.build;
  const current = matches ? await probeServer(run, python) : undefined;
  const action = environmentAction(stamp, wanted, current === undefined ? undefined : current.kind === 'ok');
  if (action.kind === 'use' && current?.kind === 'ok') {
    return { kind: 'ready', python, version: current.version, action };
  }
  log(`Setting up the server environment in ${envDir}: ${describeAction(action)}.`);
  const search = await findBasePython(run, pythonCandidates(await input.pythonExtension?.()), manifest.pythons);
  for (const probe of search.probes) {
    const found = probe.version === undefined ? undefined : `Python ${formatVersion(probe.version)} (${probe.executable ?? probe.command})`;
    log(`  ${probe.command}: ${found ?? `not usable (${probe.error ?? 'no version'})`}`);
  }
  if (search.chosen === undefined) {
    return { kind: 'no-python', message: noPythonMessage(search.probes), probes: search.probes };
  }
  if (!search.chosen.offline) {
    log(
      `Python ${formatVersion(search.chosen.version)} is not among the bundled wheels' versions (${manifest.pythons.join(', ')}); ` +
        'pip may need a package index for what is missing.',
    );
  }
  input.onBuild?.(action);
  try {
    await fs.mkdir(storageDir, { recursive: true });
    await removeLeftovers(storageDir);
    const failure = await build(input, manifest, search.chosen);
    if (failure !== undefined) {
      return failure;
    }
  } catch (error) {
    // The file system said no (permissions, a full disk): say so rather than leave the status spinning.
    return { kind: 'failed', message: `could not write to ${storageDir} (${error instanceof Error ? error.message : String(error)})` };
  }
  const probe = await probeServer(run, python);
  if (probe.kind !== 'ok') {
    return { kind: 'failed', message: explainSetupFailure('probe', probe.detail, search.chosen.offline) };
  }
  log(`Server environment ready: amct-lsp ${probe.version} on Python ${formatVersion(search.chosen.version)}.`);
  return { kind: 'ready', python, version: probe.version, action };
}
