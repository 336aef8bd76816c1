/**
 * Command ids. The extension's own commands (`amct.explainModel`, `amct.applyAllFixes`) add the active editor's
 * URI and show the result; they call the server's commands, whose ids differ (`amct-lsp.*`), so the ids
 * vscode-languageclient registers for the server never collide with ours. Pure: no `vscode` import.
 */

export const RESTART_SERVER = 'amct.restartServer';
export const SHOW_LOG = 'amct.showLog';
export const EXPLAIN_MODEL = 'amct.explainModel';
export const APPLY_ALL_FIXES = 'amct.applyAllFixes';

/** The `experimental` client capability telling the server that `amct.explainModel` exists: its code lens
 * "Explain" then runs this command (which shows the report) instead of the server's own. */
export const EXPLAIN_CAPABILITY = 'amctExplainModel';

/** The server's commands (`workspace/executeCommand`). */
export const SERVER_EXPLAIN_MODEL = 'amct-lsp.explainModel';
export const SERVER_APPLY_ALL_FIXES = 'amct-lsp.applyAllFixes';

/** The URI a command acts on: its first argument (a `Uri` or its string) when given, else the active editor's. */
export function targetUri<U>(args: readonly unknown[], parse: (value: string) => U, isUri: (v: unknown) => v is U, active: U | undefined): U | undefined {
  const first = args[0];
  if (isUri(first)) {
    return first;
  }
  if (typeof first === 'string' && first !== '') {
    return parse(first);
  }
  return active;
}
