/**
 * The Explain webview's glue: the server renders the picture (`amct-lsp.explainModelView` answers an HTML fragment,
 * its stylesheet and the script's uses); this module checks that answer, wraps it in a page with a strict
 * Content-Security-Policy (nothing loads, the one script and the one style carry a fresh nonce), and reads the
 * messages the page posts back (a click on a use: its index). Pure: no `vscode` import.
 */

export const SERVER_EXPLAIN_VIEW = 'amct-lsp.explainModelView';
/** The webview panel's type (one panel per script, reused when Explain runs again). */
export const EXPLAIN_VIEW_TYPE = 'amct.explainModel';

export interface ExplainUse {
  label: string;
  /** [line, character] in the client's position units (UTF-16), 0-based. */
  start: [number, number];
  end: [number, number];
  stale: boolean;
}

export interface ExplainView {
  uri: string;
  version: number | null;
  title: string;
  html: string;
  style: string;
  uses: ExplainUse[];
}

function isPoint(value: unknown): value is [number, number] {
  return Array.isArray(value) && value.length === 2 && value.every((n) => Number.isInteger(n) && n >= 0);
}

function parseUse(value: unknown): ExplainUse | undefined {
  if (value === null || typeof value !== 'object') {
    return undefined;
  }
  const use = value as Record<string, unknown>;
  if (typeof use.label !== 'string' || !isPoint(use.start) || !isPoint(use.end) || typeof use.stale !== 'boolean') {
    return undefined;
  }
  return { label: use.label, start: use.start, end: use.end, stale: use.stale };
}

/** The server's answer, or undefined when it is not an ExplainView (an older server, a failure). */
export function parseExplainView(value: unknown): ExplainView | undefined {
  if (value === null || typeof value !== 'object') {
    return undefined;
  }
  const view = value as Record<string, unknown>;
  const { uri, version, title, html, style, uses } = view;
  if (typeof uri !== 'string' || typeof title !== 'string' || typeof html !== 'string' || typeof style !== 'string') {
    return undefined;
  }
  if (version !== null && !Number.isInteger(version)) {
    return undefined;
  }
  if (!Array.isArray(uses)) {
    return undefined;
  }
  const parsed = uses.map(parseUse);
  if (parsed.some((u) => u === undefined)) {
    return undefined;
  }
  return { uri, version: version as number | null, title, html, style, uses: parsed as ExplainUse[] };
}

/** A nonce from 16 random bytes (base64): `random` gives the bytes (crypto.randomBytes in the extension). */
export function makeNonce(random: (size: number) => Uint8Array): string {
  return Buffer.from(random(16)).toString('base64');
}

/** The page's only script: a click on a `data-use` button posts its index to the extension. */
const PAGE_SCRIPT = `
const vscode = acquireVsCodeApi();
document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target.closest('[data-use]') : null;
  if (target === null) {
    return;
  }
  event.preventDefault();
  vscode.postMessage({ type: 'openUse', index: Number(target.getAttribute('data-use')) });
});
`;

/** The Content-Security-Policy: nothing from anywhere, except the nonce'd style and script of this page. */
export function contentSecurityPolicy(nonce: string): string {
  return `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src 'none'; font-src 'none'; connect-src 'none'; frame-src 'none'; form-action 'none'; base-uri 'none'`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The whole webview page around the server's fragment. The nonce must be fresh per page. */
export function webviewHtml(view: ExplainView, nonce: string): string {
  if (!/^[A-Za-z0-9+/=]{16,}$/.test(nonce)) {
    throw new Error('the nonce must be base64 of at least 12 random bytes');
  }
  // A stylesheet cannot close its own <style> element early.
  const style = view.style.replace(/<\/style/gi, '<\\/style');
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(nonce)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(view.title)}</title>`,
    `<style nonce="${nonce}">${style}</style>`,
    `</head><body>${view.html}`,
    `<script nonce="${nonce}">${PAGE_SCRIPT}</script>`,
    '</body></html>',
  ].join('\n');
}

/** The use a message from the page asks to open, or undefined for anything else (the page is not trusted). */
export function useFromMessage(message: unknown, view: ExplainView): ExplainUse | undefined {
  if (message === null || typeof message !== 'object') {
    return undefined;
  }
  const { type, index } = message as Record<string, unknown>;
  if (type !== 'openUse' || typeof index !== 'number' || !Number.isInteger(index)) {
    return undefined;
  }
  return index >= 0 && index < view.uses.length ? view.uses[index] : undefined;
}
