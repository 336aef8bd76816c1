/**
 * What the status bar item says for each server state. Pure, so the wording is unit-tested; `extension.ts` owns the
 * actual `StatusBarItem` (its click shows the log).
 */
import * as path from 'node:path';

export type ServerState = 'starting' | 'running' | 'stopped' | 'failed' | 'not-installed' | 'installing';

export interface StatusInput {
  state: ServerState;
  /** Interpreter that runs (or should run) the server. */
  interpreter?: string;
  /** Server version reported by the import probe. */
  version?: string;
  /** Model of the active script, if the server reported one (`amct/documentStatus`). */
  model?: string;
  /** Why that model could not be used, when the server says so (its status is `model-error`). */
  modelProblem?: string;
  /** The active editor is a Python file (the model part is shown only then). */
  pythonEditor: boolean;
}

export interface StatusView {
  text: string;
  tooltip: string;
  /** Show with the warning background. */
  warning: boolean;
}

const ICONS: Record<ServerState, string> = {
  starting: '$(sync~spin)',
  installing: '$(sync~spin)',
  running: '$(check)',
  stopped: '$(circle-slash)',
  failed: '$(error)',
  'not-installed': '$(warning)',
};

const WORDS: Record<ServerState, string> = {
  starting: 'starting',
  installing: 'installing',
  running: 'running',
  stopped: 'stopped',
  failed: 'failed to start',
  'not-installed': 'not installed',
};

export function statusView(input: StatusInput): StatusView {
  const icon = ICONS[input.state];
  let text = `${icon} AMCT`;
  if (input.state === 'running') {
    if (input.pythonEditor) {
      text += input.model === undefined ? ': no model' : `: ${path.basename(input.model)}`;
      text += input.model !== undefined && input.modelProblem !== undefined ? ' (unreadable)' : '';
    }
  } else {
    text += `: ${WORDS[input.state]}`;
  }
  const lines = [`amct-lsp ${input.version ?? ''} — ${WORDS[input.state]}`.replace('  ', ' ')];
  if (input.interpreter !== undefined) {
    lines.push(`Python: ${input.interpreter}`);
  }
  if (input.pythonEditor && input.state === 'running') {
    lines.push(input.model === undefined ? 'Model: none found for this script' : `Model: ${input.model}`);
    if (input.modelProblem !== undefined) {
      lines.push(input.modelProblem);
    }
  }
  lines.push('Click to show the log');
  return { text, tooltip: lines.join('\n'), warning: input.state === 'failed' || input.state === 'not-installed' };
}
