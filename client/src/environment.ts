/**
 * The private server environment's pure decisions: which Python can host it (version ≥ 3.10, parsed from
 * `python -c`, candidates in a fixed order), whether the existing environment can be used or must be created or
 * upgraded (a stamp with the extension version and the build of the bundled wheels), the pip and venv command
 * lines, and the messages. No `vscode` and no file system here, so every rule is unit-tested; `provision.ts` does
 * the work with an injected `ProcessRunner`.
 */
import * as path from 'node:path';
import type { ProcessRunner } from './install';

/** The oldest Python the server runs on (pyproject's `requires-python`). */
export const MIN_PYTHON: readonly [number, number] = [3, 10];
export const PYTHON_PROBE_TIMEOUT_MS = 15_000;

/**
 * Prints `major.minor.micro` and the real executable (a pyenv shim or a venv's `python3` resolves to it). Written
 * so that Python 2 runs it too: an old interpreter must report its version, not a syntax error.
 */
export const PYTHON_VERSION_SCRIPT =
  "import sys; sys.stdout.write('%d.%d.%d\\n%s\\n' % (sys.version_info[0], sys.version_info[1], sys.version_info[2], sys.executable))";

export type PythonVersion = readonly [number, number, number];

/** What one candidate command turned out to be. */
export interface PythonProbe {
  command: string;
  /** Undefined when the command did not run or printed something unexpected. */
  version?: PythonVersion;
  /** `sys.executable`; falls back to the command. */
  executable?: string;
  error?: string;
}

/** The commands tried, in order: the usual names on PATH (newest first after `python3`), then the Python extension's. */
export function pythonCandidates(pythonExtension?: string): string[] {
  const names = ['python3', 'python3.13', 'python3.12', 'python3.11', 'python3.10', 'python'];
  const extra = ['/usr/local/bin/python3', '/usr/bin/python3'];
  const all = [...names, ...extra, ...(pythonExtension === undefined || pythonExtension.trim() === '' ? [] : [pythonExtension])];
  return [...new Set(all)];
}

/** Parses the first line of `PYTHON_VERSION_SCRIPT`'s output (`3.11.7`), or undefined. */
export function parsePythonVersion(stdout: string): PythonVersion | undefined {
  const match = /^\s*(\d+)\.(\d+)\.(\d+)/.exec(stdout);
  if (match === null) {
    return undefined;
  }
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

export function formatVersion(version: readonly number[]): string {
  return version.join('.');
}

/** `3.10` for `[3, 10, 4]`: the key the bundled wheels are listed by. */
export function minorVersion(version: PythonVersion): string {
  return `${version[0]}.${version[1]}`;
}

export function isRecentEnough(version: PythonVersion | undefined): boolean {
  return version !== undefined && (version[0] > MIN_PYTHON[0] || (version[0] === MIN_PYTHON[0] && version[1] >= MIN_PYTHON[1]));
}

export async function probePython(run: ProcessRunner, command: string): Promise<PythonProbe> {
  const result = await run(command, ['-c', PYTHON_VERSION_SCRIPT], { timeoutMs: PYTHON_PROBE_TIMEOUT_MS });
  if (result.spawnError !== undefined) {
    return { command, error: result.spawnError.message };
  }
  const version = result.code === 0 ? parsePythonVersion(result.stdout) : undefined;
  if (version === undefined) {
    const detail = result.stderr.trim().split('\n').pop() ?? '';
    return { command, error: detail || `exit code ${String(result.code)}` };
  }
  const executable = result.stdout.split('\n')[1]?.trim();
  return { command, version, executable: executable === undefined || executable === '' ? command : executable };
}

export interface BasePython {
  /** The interpreter that creates the environment (`sys.executable` of the winning candidate). */
  executable: string;
  version: PythonVersion;
  /** The bundled wheels cover this version, so the install needs no network. */
  offline: boolean;
}

export interface PythonSearch {
  chosen?: BasePython;
  /** Every candidate tried, in order, for the log and the "no Python" message. */
  probes: PythonProbe[];
}

/**
 * Tries the candidates in order and stops at the first Python ≥ 3.10 the bundled wheels cover; if none is covered,
 * the first Python ≥ 3.10 (its install then needs a package index); else nothing.
 */
export async function findBasePython(
  run: ProcessRunner,
  candidates: readonly string[],
  bundledPythons: readonly string[],
): Promise<PythonSearch> {
  const probes: PythonProbe[] = [];
  for (const command of candidates) {
    const probe = await probePython(run, command);
    probes.push(probe);
    if (probe.version !== undefined && isRecentEnough(probe.version) && bundledPythons.includes(minorVersion(probe.version))) {
      break;
    }
  }
  return { chosen: choosePython(probes, bundledPythons), probes };
}

export function choosePython(probes: readonly PythonProbe[], bundledPythons: readonly string[]): BasePython | undefined {
  const usable = probes.filter((probe) => isRecentEnough(probe.version));
  const covered = usable.find((probe) => probe.version !== undefined && bundledPythons.includes(minorVersion(probe.version)));
  const pick = covered ?? usable[0];
  if (pick?.version === undefined) {
    return undefined;
  }
  return { executable: pick.executable ?? pick.command, version: pick.version, offline: covered !== undefined };
}

// ---- the bundled wheels ------------------------------------------------------------------------------------

/** `client/wheels/manifest.json`, written by client/scripts/package.sh. */
export interface WheelManifest {
  version: string;
  /** The vsce target (`linux-x64`, `linux-arm64`). */
  target: string;
  /** Python versions (`3.10` …) the binary wheels cover. */
  pythons: string[];
  /** Changes whenever the server wheel changes (its hash), so a rebuilt VSIX of the same version upgrades too. */
  build: string;
  /** File name of the pip wheel that installs everything (the environment itself gets no pip). */
  pip: string;
}

/** Parses the manifest; undefined when it is missing a field (a build without wheels, or a broken one). */
export function parseManifest(text: string): WheelManifest | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (data === null || typeof data !== 'object') {
    return undefined;
  }
  const record = data as Record<string, unknown>;
  const strings = ['version', 'target', 'build', 'pip'] as const;
  if (!strings.every((key) => typeof record[key] === 'string' && record[key] !== '')) {
    return undefined;
  }
  const pythons = record.pythons;
  if (!Array.isArray(pythons) || !pythons.every((item) => typeof item === 'string')) {
    return undefined;
  }
  return {
    version: record.version as string,
    target: record.target as string,
    pythons: pythons as string[],
    build: record.build as string,
    pip: record.pip as string,
  };
}

// ---- the stamp and what to do -------------------------------------------------------------------------------

export const STAMP_FILE = 'amct-env.json';

/** Written into the environment last, so a half-made environment never has one. */
export interface EnvironmentStamp {
  extensionVersion: string;
  build: string;
  python: string;
  pythonVersion: string;
}

export function parseStamp(text: string | undefined): EnvironmentStamp | undefined {
  if (text === undefined) {
    return undefined;
  }
  try {
    const data = JSON.parse(text) as Partial<EnvironmentStamp> | null;
    if (data !== null && typeof data.extensionVersion === 'string' && typeof data.build === 'string') {
      return {
        extensionVersion: data.extensionVersion,
        build: data.build,
        python: typeof data.python === 'string' ? data.python : '',
        pythonVersion: typeof data.pythonVersion === 'string' ? data.pythonVersion : '',
      };
    }
  } catch {
    // A corrupt stamp is no stamp.
  }
  return undefined;
}

export type EnvironmentAction =
  | { kind: 'use' }
  | { kind: 'create' }
  | { kind: 'upgrade'; from: string }
  | { kind: 'repair'; reason: string };

/**
 * Use the environment only when its stamp names this extension version and wheel build and the server imports in
 * it; a stamp from another version (or build) upgrades it; a matching stamp whose Python no longer runs the server
 * (its base Python was removed or upgraded) repairs it. `serverImports` is asked only when the stamp matches.
 */
export function environmentAction(
  stamp: EnvironmentStamp | undefined,
  wanted: Pick<EnvironmentStamp, 'extensionVersion' | 'build'>,
  serverImports: boolean | undefined,
): EnvironmentAction {
  if (stamp === undefined) {
    return { kind: 'create' };
  }
  if (stamp.extensionVersion !== wanted.extensionVersion || stamp.build !== wanted.build) {
    const from =
      stamp.extensionVersion === wanted.extensionVersion
        ? `${stamp.extensionVersion} (build ${stamp.build})`
        : stamp.extensionVersion;
    return { kind: 'upgrade', from };
  }
  if (serverImports === false) {
    return { kind: 'repair', reason: `the server no longer runs with its Python (${stamp.python || 'unknown'})` };
  }
  return { kind: 'use' };
}

/** Why the environment is (re)built, for the log. */
export function describeAction(action: EnvironmentAction): string {
  switch (action.kind) {
    case 'use':
      return 'it is current';
    case 'create':
      return 'there is none yet';
    case 'upgrade':
      return `it was made by amct-lsp ${action.from}`;
    case 'repair':
      return action.reason;
  }
}

// ---- command lines ---------------------------------------------------------------------------------------------

/** The environment's interpreter. */
export function environmentPython(envDir: string, platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? path.join(envDir, 'Scripts', 'python.exe') : path.join(envDir, 'bin', 'python');
}

/** A venv without pip (Debian's python3 lacks ensurepip without python3-venv; pip runs from its bundled wheel). */
export function venvArgs(envDir: string): string[] {
  return ['-m', 'venv', '--without-pip', envDir];
}

/**
 * pip, run from its own wheel by the environment's Python, installs the server from the bundled wheels. Offline:
 * no index, no user pip configuration, binaries only. When the wheels do not cover this Python, pip may use the
 * user's index for what is missing.
 */
export function environmentPipArgs(pipWheel: string, wheelDir: string, version: string, offline: boolean): string[] {
  const common = [
    path.join(pipWheel, 'pip'),
    'install',
    '--disable-pip-version-check',
    '--no-input',
    '--no-cache-dir',
    '--no-warn-script-location',
    // The output goes to the log line by line: no progress bars (carriage returns and block characters).
    '--progress-bar',
    'off',
    '--find-links',
    wheelDir,
  ];
  const mode = offline ? ['--isolated', '--no-index', '--only-binary=:all:'] : [];
  return [...common, ...mode, `amct-lsp==${version}`];
}

// ---- messages ------------------------------------------------------------------------------------------------

export const RETRY_ACTION = 'Retry';

function describeProbe(probe: PythonProbe): string | undefined {
  if (probe.version === undefined) {
    return undefined;
  }
  const where = probe.executable !== undefined && probe.executable !== probe.command ? ` (${probe.executable})` : '';
  return `${probe.command} is ${formatVersion(probe.version)}${where}`;
}

/**
 * What the user reads when no Python ≥ 3.10 exists (a TensorFlow 1.15 machine may have only 3.7): exactly that,
 * what was found, and the two ways out. Never "check the network".
 */
export function noPythonMessage(probes: readonly PythonProbe[]): string {
  const found = [...new Set(probes.map(describeProbe).filter((item): item is string => item !== undefined))];
  const what = found.length === 0 ? 'no python3 or python runs here' : `found only: ${found.join(', ')}`;
  return (
    `AMCT: the amct-lsp server needs Python ${MIN_PYTHON.join('.')} or newer, and none was found (${what}). ` +
    'Install one next to your current Python — e.g. "sudo apt install python3.11", "sudo dnf install python3.11" ' +
    'or "conda create -n amct-lsp python=3.11" — and restart the server (AMCT: Restart Server); or set ' +
    '"amct.interpreter" to a Python ≥ 3.10 that has amct-lsp installed. Your TensorFlow/AMCT scripts can keep ' +
    'their own Python: the server never imports TensorFlow.'
  );
}

/** The one-line reason an environment could not be set up (the full output is in the AMCT channel). */
export function explainSetupFailure(step: 'venv' | 'pip' | 'probe', output: string, offline: boolean): string {
  if (step === 'venv') {
    if (/No module named venv/.test(output)) {
      return 'this Python has no venv module (install python3-venv, or another Python ≥ 3.10)';
    }
    if (/Permission denied|Errno 13/.test(output)) {
      return "no permission to write to VS Code's extension storage";
    }
    return 'creating the virtual environment failed (see the AMCT output)';
  }
  if (step === 'pip') {
    if (offline && /No matching distribution|Could not find a version/.test(output)) {
      return 'the wheels bundled with this extension do not fit this machine; install the VSIX built for it (linux-x64 or linux-arm64)';
    }
    if (!offline && /Failed to establish a new connection|Could not find a version|ProxyError|No matching distribution/.test(output)) {
      return 'this Python is not covered by the bundled wheels and pip could not reach a package index; install Python 3.10–3.13';
    }
    if (/No space left/.test(output)) {
      return 'the disk is full';
    }
    return 'pip could not install the bundled wheels (see the AMCT output)';
  }
  return 'the server does not import in the new environment (see the AMCT output)';
}
