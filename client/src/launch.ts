/**
 * How every Python process of the extension is started (the server, the `import amct_lsp` probe, pip installs), so
 * that nothing in the workspace is ever importable. `python -m` and `python -c` put the working directory first on
 * `sys.path`; vscode-languageclient and `child_process.spawn` default it to the workspace folder, so a cloned
 * repository with an `argparse.py`, a `json.py` or an `amct_lsp/` package would run its code when the extension
 * starts — in Restricted Mode too. We run from a folder the extension owns and, on Python 3.11+, also set
 * `PYTHONSAFEPATH` (the same as `-P`, which 3.10 does not know, so it is an environment variable and not a flag).
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

/** The environment for a Python child: the extension host's, plus safe-path startup and UTF-8 pipes. */
export function pythonEnvironment(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...base,
    PYTHONSAFEPATH: '1',
    PYTHONIOENCODING: 'utf-8',
    PYTHONUNBUFFERED: '1',
    // Read only by interactive sessions, but never let it name a workspace file.
    PYTHONSTARTUP: undefined,
  };
}

/**
 * A working directory that holds nothing importable: `<global storage>/run`, created on demand and used only while
 * it is empty (nothing of ours is ever written there); a fresh private temporary folder when global storage cannot be used.
 */
export async function neutralDirectory(globalStorage: string | undefined): Promise<string> {
  if (globalStorage !== undefined) {
    const dir = path.join(globalStorage, 'run');
    try {
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      if ((await fs.readdir(dir)).length === 0) {
        return dir;
      }
    } catch {
      // Fall through to a temporary folder.
    }
  }
  return fs.mkdtemp(path.join(os.tmpdir(), 'amct-lsp-'));
}
