/**
 * Hover middleware: keeps the server's Markdown (the rename chain) as it is and appends one line of trusted
 * command links — apply the fix, open the model's folder, open the AMCT log. Only the listed commands are
 * enabled in that Markdown, so a name string in a script cannot smuggle a runnable link.
 */
import * as vscode from 'vscode';
import type { ProvideHoverSignature } from 'vscode-languageclient/node';
import type { DocumentStatus } from './documentStatus';
import { HOVER_LINK_COMMANDS, hoverLinksMarkdown } from './links';

export interface HoverDeps {
  /** Whether an AMCT diagnostic with a fix (`hasPrimaryFix`) covers the position. */
  hasFixAt(uri: vscode.Uri, position: vscode.Position): boolean;
  /** The document's last `amct/documentStatus` from the server (its model and AMCT log), if any. */
  statusOf(uri: vscode.Uri): DocumentStatus | undefined;
}

export function isAmctDiagnostic(diagnostic: vscode.Diagnostic): boolean {
  const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
  return /^AMCT\d+$/.test(String(code ?? '')) || /amct/i.test(diagnostic.source ?? '');
}

/** Whether the diagnostic carries a real fix in its data (the server's `fixes`, one of them primary); an
 * AMCT004 "model not found" has only the ignore comment, so the hover offers no "Apply fix" for it. */
export function hasPrimaryFix(diagnostic: vscode.Diagnostic): boolean {
  const data = (diagnostic as { data?: unknown }).data;
  if (data === null || typeof data !== 'object') {
    return false;
  }
  const fixes = (data as { fixes?: unknown }).fixes;
  return Array.isArray(fixes) && fixes.some((fix) => typeof fix === 'object' && fix !== null && (fix as { primary?: unknown }).primary === true);
}

/** Diagnostics from `languages.getDiagnostics` that are ours and cover the position. */
export function amctDiagnosticsAt(
  diagnostics: readonly vscode.Diagnostic[],
  position: vscode.Position,
): vscode.Diagnostic[] {
  return diagnostics.filter((d) => isAmctDiagnostic(d) && d.range.contains(position));
}

/** The links line as a trusted MarkdownString, or undefined when there is nothing to link. */
export function buildHoverLinks(
  document: vscode.TextDocument,
  position: vscode.Position,
  deps: HoverDeps,
): vscode.MarkdownString | undefined {
  const status = deps.statusOf(document.uri);
  const text = hoverLinksMarkdown({
    documentUri: document.uri.toString(),
    line: position.line,
    character: position.character,
    hasFix: deps.hasFixAt(document.uri, position),
    // Only a model the server read: never a link to a file that does not exist.
    modelPath: status?.state === 'checked' ? (status.modelPath ?? undefined) : undefined,
    amctLog: status?.logPath ?? undefined,
  });
  if (text === '') {
    return undefined;
  }
  const links = new vscode.MarkdownString(text, true);
  links.isTrusted = { enabledCommands: [...HOVER_LINK_COMMANDS] };
  return links;
}

export type HoverMiddleware = (
  document: vscode.TextDocument,
  position: vscode.Position,
  token: vscode.CancellationToken,
  next: ProvideHoverSignature,
) => Promise<vscode.Hover | null | undefined>;

export function createHoverMiddleware(deps: HoverDeps): HoverMiddleware {
  return async (document, position, token, next) => {
    const hover = await next(document, position, token);
    if (hover === null || hover === undefined || hover.contents.length === 0 || token.isCancellationRequested) {
      return hover;
    }
    const links = buildHoverLinks(document, position, deps);
    if (links === undefined) {
      return hover;
    }
    return new vscode.Hover([...hover.contents, links], hover.range);
  };
}
