/**
 * The AMCT004 quick fix "choose the model file": the server offers it to a client that announces
 * `experimental.amctPickModel`; the client picks a file and inserts a `# amct: model=` line. Pure: no `vscode`.
 */
import * as path from 'node:path';

export const PICK_MODEL_COMMAND = 'amct.pickModel';
export const PICK_MODEL_CAPABILITY = 'amctPickModel';

/** The directive line for `model`, relative to the script's folder when it lies below it (the server resolves
 * it from there), else absolute; forward slashes, as the scripts write paths. */
export function modelDirective(model: string, script: string | undefined, sep: string = path.sep): string {
  let shown = model;
  if (script !== undefined) {
    const relative = path.relative(path.dirname(script), model);
    if (relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)) {
      shown = relative;
    }
  }
  return `# amct: model=${shown.split(sep).join('/')}\n`;
}
