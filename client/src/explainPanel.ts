/**
 * The Explain view: one webview panel per script showing the server's picture of the rewrite, reused when Explain
 * runs again. A click on a use in the picture opens the script at that range (postMessage → showTextDocument).
 * No document is created, so nothing is left unsaved.
 */
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { EXPLAIN_VIEW_TYPE, type ExplainView, makeNonce, useFromMessage, webviewHtml } from './explainView';

interface Entry {
  panel: vscode.WebviewPanel;
  view: ExplainView;
}

export class ExplainPanels implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();

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
      panel.onDidDispose(() => this.entries.delete(view.uri));
      panel.webview.onDidReceiveMessage((message: unknown) => void this.openUse(created, message));
    } else {
      entry.view = view;
      entry.panel.reveal(undefined, false);
    }
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
      entry.panel.dispose();
    }
    this.entries.clear();
  }
}
