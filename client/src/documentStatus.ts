/**
 * The server's `amct/documentStatus` notification: what it knows about one open document after a check (the
 * model, the AMCT log and config files it used, and the state). The status bar and the hover links read it;
 * nothing is scraped from Markdown and no folder is searched on the client. Pure: no `vscode` import.
 */

export const DOCUMENT_STATUS_METHOD = 'amct/documentStatus';
/** The `experimental` client capability that asks the server to send it. */
export const STATUS_CAPABILITY = 'amctDocumentStatus';

export type CheckState = 'checked' | 'no-model' | 'model-error' | 'failed' | 'disabled' | 'not-amct';
const STATES: readonly string[] = ['checked', 'no-model', 'model-error', 'failed', 'disabled', 'not-amct'];

export interface DocumentStatus {
  uri: string;
  version: number | null;
  state: CheckState;
  modelPath: string | null;
  logPath: string | null;
  configPaths: string[];
  message: string | null;
}

function optionalString(value: unknown): value is string | null | undefined {
  return value === null || value === undefined || typeof value === 'string';
}

/** The notification's parameters, checked field by field; undefined when they are not a status. */
export function parseDocumentStatus(value: unknown): DocumentStatus | undefined {
  if (value === null || typeof value !== 'object') {
    return undefined;
  }
  const v = value as Record<string, unknown>;
  const version = v.version ?? null;
  const configPaths = v.configPaths ?? [];
  if (
    typeof v.uri !== 'string' ||
    !(version === null || typeof version === 'number') ||
    typeof v.state !== 'string' ||
    !STATES.includes(v.state) ||
    !optionalString(v.modelPath) ||
    !optionalString(v.logPath) ||
    !optionalString(v.message) ||
    !Array.isArray(configPaths) ||
    !configPaths.every((p) => typeof p === 'string')
  ) {
    return undefined;
  }
  return {
    uri: v.uri,
    version,
    state: v.state as CheckState,
    modelPath: v.modelPath ?? null,
    logPath: v.logPath ?? null,
    configPaths: configPaths as string[],
    message: v.message ?? null,
  };
}

/** The newest status per document URI; a status for an older version than the one held is ignored. */
export class DocumentStatusStore {
  private readonly byUri = new Map<string, DocumentStatus>();

  /** True when the status was taken (it is news). */
  update(status: DocumentStatus): boolean {
    const held = this.byUri.get(status.uri);
    if (held !== undefined && held.version !== null && status.version !== null && status.version < held.version) {
      return false;
    }
    this.byUri.set(status.uri, status);
    return true;
  }

  get(uri: string): DocumentStatus | undefined {
    return this.byUri.get(uri);
  }

  delete(uri: string): void {
    this.byUri.delete(uri);
  }

  clear(): void {
    this.byUri.clear();
  }
}
