/**
 * The Explain view: one webview panel per script showing the server's picture of the rewrite, reused when Explain
 * runs again and redrawn (without taking the focus) shortly after its script is edited, so the links keep pointing
 * at the right ranges. A click on a use in the picture opens the script at that range (postMessage →
 * showTextDocument). No document is created, so nothing is left unsaved.
 */
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { EXPLAIN_VIEW_TYPE, type ExplainView, makeNonce, useFromMessage, webviewHtml } from './explainView';

interface Entry {
  panel: vscode.WebviewPanel;
  view: ExplainView;
  timer?: ReturnType<typeof setTimeout>;
}

/** How long a script must stay unedited before its open picture is redrawn. */
const REDRAW_DELAY_MS = 800;

export class ExplainPanels implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();

  /** `fetch` asks the server for a script's picture again (undefined when it cannot). */
  constructor(private readonly fetch: (uri: string) => Promise<ExplainView | undefined>) {}

  /** Shows `view` in its script's panel (created beside the editor the first time). */
  show(view: ExplainView): void {
    let entry = this.entries.get(view.uri);
    if (entry === undefined) {
      const panel = vscode.window.createWebviewPanel(
        EXPLAIN_VIEW_TYPE,
        view.title,
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
        { enableScripts: true, enableFindWidget: true, localResourceRoots: [] },
      );
      const created: Entry = { panel, view };
      entry = created;
      this.entries.set(view.uri, created);
      panel.onDidDispose(() => {
        clearTimeout(created.timer);
        this.entries.delete(view.uri);
      });
      panel.webview.onDidReceiveMessage((message: unknown) => void this.openUse(created, message));
    } else {
      entry.panel.reveal(undefined, false);
    }
    this.draw(entry, view);
  }

  /** A script was edited: redraw its open picture once the edits pause. */
  documentChanged(uri: string): void {
    const entry = this.entries.get(uri);
    if (entry === undefined) {
      return;
    }
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      this.fetch(uri).then(
        (view) => {
          if (view !== undefined && this.entries.get(uri) === entry) {
            this.draw(entry, view);
          }
        },
        () => undefined, // the next edit or Explain tries again; the old picture stays
      );
    }, REDRAW_DELAY_MS);
  }

  private draw(entry: Entry, view: ExplainView): void {
    entry.view = view;
    entry.panel.title = view.title;
    entry.panel.webview.html = webviewHtml(view, makeNonce((size) => crypto.randomBytes(size)));
  }

  private async openUse(entry: Entry, message: unknown): Promise<void> {
    const use = useFromMessage(message, entry.view);
    if (use === undefined) {
      return;
    }
    const uri = vscode.Uri.parse(entry.view.uri);
    const range = new vscode.Range(use.start[0], use.start[1], use.end[0], use.end[1]);
    const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
    await vscode.window.showTextDocument(uri, {
      selection: range,
      viewColumn: shown?.viewColumn ?? vscode.ViewColumn.One,
      preserveFocus: false,
    });
  }

  dispose(): void {
    for (const entry of [...this.entries.values()]) {
      clearTimeout(entry.timer);
      entry.panel.dispose();
    }
    this.entries.clear();
  }
}
