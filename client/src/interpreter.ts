/**
 * Which Python runs the server. Pure (no `vscode` import) so the precedence and the workspace-trust rule are
 * unit-tested: `amct.interpreter` (folder, workspace, then user value — but never a workspace value in an untrusted
 * workspace, since it would let a cloned repo choose a program to run), else the Python extension's active
 * environment, else `python3` on PATH.
 */
import * as path from 'node:path';

/** The subset of `WorkspaceConfiguration.inspect()` we read. */
export interface InspectedSetting<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

export interface InterpreterInput {
  setting: InspectedSetting<string> | undefined;
  /** `workspace.isTrusted`. */
  trusted: boolean;
  /** The Python extension's active interpreter for the document's folder, when that extension is installed. */
  pythonExtension?: string;
  /** Folder that `${workspaceFolder}` and relative paths refer to. */
  workspaceFolder?: string;
  /** The user's home folder, for `~` and `${userHome}`. */
  home?: string;
}

export type InterpreterSource = 'folder setting' | 'workspace setting' | 'user setting' | 'Python extension' | 'default';

export interface InterpreterChoice {
  /** The command to run: an absolute path, or a bare name looked up on PATH. */
  command: string;
  source: InterpreterSource;
  /** A workspace-level `amct.interpreter` that was ignored because the workspace is not trusted. */
  ignoredUntrusted?: string;
}

export const DEFAULT_INTERPRETER = 'python3';

function present(value: string | undefined): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/**
 * Expands `${workspaceFolder}`, `${userHome}` and a leading `~`, and makes a relative path with a separator
 * (`.venv/bin/python`) relative to the workspace folder. A bare name (`python3`) stays as is for PATH lookup.
 */
export function expandInterpreterPath(raw: string, workspaceFolder?: string, home?: string): string {
  let value = raw.trim();
  if (home !== undefined) {
    value = value.replace(/\$\{userHome\}/g, home);
    if (value === '~' || value.startsWith('~/')) {
      value = home + value.slice(1);
    }
  }
  if (workspaceFolder !== undefined) {
    value = value.replace(/\$\{workspaceFolder\}/g, workspaceFolder);
    const hasSeparator = value.includes('/') || value.includes('\\');
    if (hasSeparator && !path.isAbsolute(value)) {
      value = path.join(workspaceFolder, value);
    }
  }
  return value;
}

export function chooseInterpreter(input: InterpreterInput): InterpreterChoice {
  const setting = input.setting ?? {};
  const expand = (raw: string): string => expandInterpreterPath(raw, input.workspaceFolder, input.home);
  let ignoredUntrusted: string | undefined;
  const workspaceLevel: Array<[string | undefined, InterpreterSource]> = [
    [setting.workspaceFolderValue, 'folder setting'],
    [setting.workspaceValue, 'workspace setting'],
  ];
  for (const [value, source] of workspaceLevel) {
    if (!present(value)) {
      continue;
    }
    if (input.trusted) {
      return { command: expand(value), source };
    }
    ignoredUntrusted ??= value;
  }
  const withIgnored = (choice: InterpreterChoice): InterpreterChoice =>
    ignoredUntrusted === undefined ? choice : { ...choice, ignoredUntrusted };
  if (present(setting.globalValue)) {
    return withIgnored({ command: expand(setting.globalValue), source: 'user setting' });
  }
  if (present(input.pythonExtension)) {
    return withIgnored({ command: input.pythonExtension, source: 'Python extension' });
  }
  return withIgnored({ command: DEFAULT_INTERPRETER, source: 'default' });
}
