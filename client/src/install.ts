/**
 * Is the server importable in the chosen Python, and if not, what do we offer? The probe and the pip install go
 * through an injected `ProcessRunner`, so every decision here is unit-tested without spawning anything.
 */
import * as path from 'node:path';

export interface RunResult {
  /** Exit code, or null when the process could not start or was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the process could not be started (e.g. `ENOENT`) or timed out (`ETIMEDOUT`). */
  spawnError?: { code?: string; message: string };
}

export interface RunOptions {
  timeoutMs?: number;
  /** Called with each chunk of stdout/stderr as it arrives (pip's progress goes to the output channel). */
  onOutput?: (chunk: string) => void;
}

export type ProcessRunner = (command: string, args: readonly string[], options?: RunOptions) => Promise<RunResult>;

export type ProbeResult =
  | { kind: 'ok'; version: string }
  | { kind: 'no-interpreter'; detail: string }
  | { kind: 'not-installed'; detail: string }
  | { kind: 'broken'; detail: string };

export const PROBE_SCRIPT = "import amct_lsp; print(getattr(amct_lsp, '__version__', 'unknown'))";
export const PROBE_TIMEOUT_MS = 30_000;
export const INSTALL_TIMEOUT_MS = 10 * 60_000;

/** Runs `python -c "import amct_lsp"` in the interpreter and classifies the outcome. */
export async function probeServer(run: ProcessRunner, interpreter: string): Promise<ProbeResult> {
  const result = await run(interpreter, ['-c', PROBE_SCRIPT], { timeoutMs: PROBE_TIMEOUT_MS });
  if (result.spawnError !== undefined && result.spawnError.code !== 'ETIMEDOUT') {
    return { kind: 'no-interpreter', detail: `${interpreter}: ${result.spawnError.message}` };
  }
  if (result.code === 0) {
    return { kind: 'ok', version: result.stdout.trim() || 'unknown' };
  }
  const detail = (result.stderr.trim() || result.spawnError?.message || `exit code ${String(result.code)}`).trim();
  if (/No module named '?amct_lsp'?/.test(result.stderr)) {
    return { kind: 'not-installed', detail };
  }
  return { kind: 'broken', detail };
}

export const INSTALL_ACTION = 'Install amct-lsp';
export const SELECT_ACTION = 'Select interpreter';

export interface Prompt {
  message: string;
  actions: string[];
}

/**
 * The one notification shown when the server cannot start in `interpreter`, or undefined when it can. "Install"
 * is offered only when there is a wheel to install and an interpreter to install it into.
 */
export function missingServerPrompt(
  probe: ProbeResult,
  interpreter: string,
  wheel: string | undefined,
): Prompt | undefined {
  switch (probe.kind) {
    case 'ok':
      return undefined;
    case 'no-interpreter':
      return {
        message: `AMCT: the Python interpreter "${interpreter}" could not be run. Select the interpreter of the environment where you use AMCT.`,
        actions: [SELECT_ACTION],
      };
    case 'not-installed':
    case 'broken': {
      const what =
        probe.kind === 'not-installed'
          ? `amct-lsp is not installed in ${interpreter}.`
          : `amct-lsp does not import in ${interpreter} (see the AMCT output).`;
      if (wheel === undefined) {
        return {
          message: `AMCT: ${what} Install it with "${interpreter} -m pip install amct-lsp", or select another interpreter.`,
          actions: [SELECT_ACTION],
        };
      }
      return { message: `AMCT: ${what}`, actions: [INSTALL_ACTION, SELECT_ACTION] };
    }
  }
}

/** Parses `X.Y.Z` from a wheel file name (`amct_lsp-0.1.0-py3-none-any.whl`) for ordering. */
function wheelVersion(file: string): number[] {
  const match = /^[^-]+-([0-9][^-]*)-/.exec(path.basename(file));
  if (match === null) {
    return [];
  }
  return match[1].split(/[.+]/).map((part) => Number.parseInt(part, 10) || 0);
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) {
      return diff;
    }
  }
  return 0;
}

/** Picks the bundled server wheel among the files found in the extension's wheel folders: the newest amct_lsp. */
export function pickWheel(files: readonly string[]): string | undefined {
  const wheels = files.filter((file) => /^amct_lsp-.*\.whl$/i.test(path.basename(file)));
  if (wheels.length === 0) {
    return undefined;
  }
  return [...wheels].sort((a, b) => compareVersions(wheelVersion(b), wheelVersion(a)))[0];
}

/** `python -m pip install` of the wheel; dependencies (pygls, libcst, protobuf) come from the user's index. */
export function pipInstallArgs(wheel: string): string[] {
  return ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--upgrade', wheel];
}

/** A one-line reason for a failed pip install, for the error notification (the full output is in the channel). */
export function explainPipFailure(output: string): string {
  if (output.includes('externally-managed-environment')) {
    return 'this Python is managed by the system (PEP 668); select the interpreter of a virtual environment instead';
  }
  if (/No module named pip\b/.test(output)) {
    return 'pip is not available in this interpreter';
  }
  if (/Failed to establish a new connection|Could not find a version that satisfies|ProxyError/.test(output)) {
    return 'pip could not download the dependencies (pygls, libcst, protobuf); check the network or the pip index';
  }
  if (/Permission denied|EnvironmentError: \[Errno 13\]/.test(output)) {
    return 'no permission to write to this environment; select the interpreter of a virtual environment instead';
  }
  return 'see the AMCT output for pip’s messages';
}
