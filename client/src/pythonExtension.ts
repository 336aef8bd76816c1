/**
 * The Python extension's active interpreter, when `ms-python.python` is installed. Entirely optional: any failure
 * (not installed, older API, activation error, timeout) means "no opinion" and the caller falls back to `python3`.
 * The API shapes are declared here as far as we use them, and every member is checked before it is called.
 */
import * as vscode from 'vscode';

export const PYTHON_EXTENSION_ID = 'ms-python.python';

interface EnvironmentPath {
  id: string;
  path: string;
}

interface ResolvedEnvironment {
  executable?: { uri?: vscode.Uri };
}

interface PythonEnvironmentsApi {
  getActiveEnvironmentPath?(resource?: vscode.Uri): EnvironmentPath | undefined;
  resolveEnvironment?(environment: EnvironmentPath | string): Promise<ResolvedEnvironment | undefined>;
  onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
}

interface PythonExtensionApi {
  environments?: PythonEnvironmentsApi;
  settings?: { getExecutionDetails?(resource?: vscode.Uri): { execCommand?: string[] | undefined } };
}

const ACTIVATION_TIMEOUT_MS = 15_000;

function timeout<T>(ms: number): Promise<T | undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms));
}

async function pythonApi(): Promise<PythonExtensionApi | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION_ID);
  if (extension === undefined) {
    return undefined;
  }
  const api = extension.isActive
    ? extension.exports
    : await Promise.race([Promise.resolve(extension.activate()), timeout<PythonExtensionApi>(ACTIVATION_TIMEOUT_MS)]);
  return api ?? undefined;
}

export function isPythonExtensionInstalled(): boolean {
  return vscode.extensions.getExtension(PYTHON_EXTENSION_ID) !== undefined;
}

/** The interpreter path the Python extension uses for `resource`, or undefined. Never throws. */
export async function pythonExtensionInterpreter(
  resource: vscode.Uri | undefined,
  log: (message: string) => void,
): Promise<string | undefined> {
  try {
    const api = await pythonApi();
    const environments = api?.environments;
    if (environments?.getActiveEnvironmentPath !== undefined) {
      const active = environments.getActiveEnvironmentPath(resource);
      if (active !== undefined) {
        const resolved = await environments.resolveEnvironment?.(active);
        return resolved?.executable?.uri?.fsPath ?? active.path;
      }
    }
    const command = api?.settings?.getExecutionDetails?.(resource).execCommand;
    return command !== undefined && command.length > 0 ? command[0] : undefined;
  } catch (error) {
    log(`The Python extension did not give an interpreter: ${String(error)}`);
    return undefined;
  }
}

/** Fires when the Python extension's active interpreter changes (a no-op disposable when there is no such API). */
export async function onPythonInterpreterChange(listener: () => void): Promise<vscode.Disposable> {
  try {
    const event = (await pythonApi())?.environments?.onDidChangeActiveEnvironmentPath;
    if (event !== undefined) {
      return event(() => listener());
    }
  } catch {
    // The Python extension is optional; without its API there is nothing to follow.
  }
  return new vscode.Disposable(() => undefined);
}
