/**
 * Is the server importable in a Python, and if not, what do we offer? The probe goes through an injected
 * `ProcessRunner` (also used by the private environment's venv and pip, see provision.ts), so every decision here is
 * unit-tested without spawning anything.
 */
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

export const SELECT_ACTION = 'Select interpreter';
export const USE_BUNDLED_ACTION = 'Use the bundled server';

export interface Prompt {
  message: string;
  actions: string[];
}

/**
 * The one notification shown when the server cannot start in the interpreter the user chose with
 * `amct.interpreter`, or undefined when it can. The extension never pip-installs into that interpreter: it says how
 * to install it there, or offers to drop the override and run the server in the extension's own environment.
 */
export function missingServerPrompt(probe: ProbeResult, interpreter: string): Prompt | undefined {
  switch (probe.kind) {
    case 'ok':
      return undefined;
    case 'no-interpreter':
      return {
        message: `AMCT: the Python interpreter "${interpreter}" (the amct.interpreter setting) could not be run. Select another one, or use the server bundled with the extension.`,
        actions: [USE_BUNDLED_ACTION, SELECT_ACTION],
      };
    case 'not-installed':
    case 'broken': {
      const what =
        probe.kind === 'not-installed'
          ? `amct-lsp is not installed in ${interpreter} (the amct.interpreter setting).`
          : `amct-lsp does not import in ${interpreter} (the amct.interpreter setting; see the AMCT output).`;
      return {
        message: `AMCT: ${what} Install it there with "${interpreter} -m pip install amct-lsp", or use the server bundled with the extension.`,
        actions: [USE_BUNDLED_ACTION, SELECT_ACTION],
      };
    }
  }
}
