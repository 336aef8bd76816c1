/**
 * What the AMCT language status item (next to the language mode, as Pylance and ruff show theirs) says for the
 * active Python file. Pure, so the wording is unit-tested; `extension.ts` owns the `LanguageStatusItem`.
 *
 * Nothing is shown for a Python file that does not use AMCT, and the check mark appears only when the server
 * read the script's model (a model path that does not exist is a warning, never a check).
 */
import * as path from 'node:path';
import type { CheckState } from './documentStatus';

export type ServerState = 'starting' | 'running' | 'stopped' | 'failed' | 'not-installed' | 'installing';

export interface StatusInput {
  state: ServerState;
  /** Interpreter that runs (or should run) the server. */
  interpreter?: string;
  /** Server version reported by the import probe. */
  version?: string;
  /** What the server said about the active document (`amct/documentStatus`), when it said anything. */
  check?: CheckState;
  /** Model of the active script, if the server reported one. */
  model?: string;
  /** Why that model could not be used, when the server says so (its status is `model-error`). */
  modelProblem?: string;
  /** The active editor's text mentions AMCT (used until the server has spoken about the document). */
  mentionsAmct: boolean;
}

export type StatusSeverity = 'info' | 'warning' | 'error';

export interface StatusView {
  text: string;
  detail: string;
  severity: StatusSeverity;
  busy: boolean;
}

const WORDS: Record<ServerState, string> = {
  starting: 'starting',
  installing: 'installing',
  running: 'running',
  stopped: 'stopped',
  failed: 'failed to start',
  'not-installed': 'not installed',
};

/** The same cheap test the server makes before parsing: a file that never says "amct" is not a script of ours. */
export function mentionsAmct(text: string): boolean {
  return /amct/i.test(text);
}

/** Whether the active document is an AMCT script: the server's word when it has one, else the text. */
export function isAmctDocument(input: Pick<StatusInput, 'check' | 'mentionsAmct'>): boolean {
  return input.check === undefined ? input.mentionsAmct : input.check !== 'not-amct';
}

/** The view for the active Python file; undefined when nothing is to be shown (not an AMCT script). */
export function statusView(input: StatusInput): StatusView | undefined {
  if (!isAmctDocument(input)) {
    return undefined;
  }
  const server = `amct-lsp ${input.version ?? ''}`.trim() + (input.interpreter ? ` (${input.interpreter})` : '');
  if (input.state !== 'running') {
    const problem = input.state === 'failed' || input.state === 'not-installed';
    return {
      text: `${problem ? '$(warning)' : input.state === 'stopped' ? '$(circle-slash)' : '$(sync~spin)'} AMCT: ${WORDS[input.state]}`,
      detail: server,
      severity: problem ? 'error' : 'info',
      busy: input.state === 'starting' || input.state === 'installing',
    };
  }
  switch (input.check) {
    case 'checked':
      return {
        text: `$(check) AMCT: ${input.model === undefined ? 'checked' : path.basename(input.model)}`,
        detail: input.model === undefined ? server : `Model: ${input.model}`,
        severity: 'info',
        busy: false,
      };
    case 'model-error':
      return {
        text: `$(warning) AMCT: ${input.model === undefined ? 'no model' : `${path.basename(input.model)} unreadable`}`,
        detail: input.modelProblem ?? 'The model cannot be read.',
        severity: 'warning',
        busy: false,
      };
    case 'no-model':
      return {
        text: '$(warning) AMCT: no model',
        detail: 'No model found for this script: set amct.models or add a # amct: model= line.',
        severity: 'warning',
        busy: false,
      };
    case 'failed':
      return { text: '$(error) AMCT: check failed', detail: 'See the AMCT log.', severity: 'error', busy: false };
    case 'disabled':
      return { text: '$(circle-slash) AMCT: off', detail: 'amct.enable is false', severity: 'info', busy: false };
    default:
      return { text: '$(sync~spin) AMCT: checking', detail: server, severity: 'info', busy: true };
  }
}
