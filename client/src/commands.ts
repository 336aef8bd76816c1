/**
 * Command ids, and the one subtlety about them: the server advertises `amct.explainModel` and `amct.applyAllFixes`
 * in `executeCommandProvider`, and vscode-languageclient would register a VS Code command for each advertised id —
 * which collides with the client's own commands of the same name (they add the active editor's URI and show the
 * result). `withoutClientCommands` drops those ids from the registration; the client then calls the server itself
 * with `workspace/executeCommand`. Pure: no `vscode` import.
 */

export const RESTART_SERVER = 'amct.restartServer';
export const SHOW_LOG = 'amct.showLog';
export const EXPLAIN_MODEL = 'amct.explainModel';
export const APPLY_ALL_FIXES = 'amct.applyAllFixes';

/** Commands the client registers itself even though the server also advertises them. */
export const CLIENT_OWNED_SERVER_COMMANDS: readonly string[] = [EXPLAIN_MODEL, APPLY_ALL_FIXES];

export interface CommandRegistration<T extends { commands?: string[] }> {
  id: string;
  registerOptions: T;
}

export function withoutClientCommands<T extends { commands?: string[] }>(
  data: CommandRegistration<T>,
  own: readonly string[] = CLIENT_OWNED_SERVER_COMMANDS,
): CommandRegistration<T> {
  const commands = data.registerOptions.commands;
  if (commands === undefined) {
    return data;
  }
  return { ...data, registerOptions: { ...data.registerOptions, commands: commands.filter((c) => !own.includes(c)) } };
}

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
