/**
 * Entry point: wires the pure modules (interpreter choice, install decisions, settings mapping, hover links, status
 * wording) to VS Code and to one vscode-languageclient `LanguageClient` that runs `python -m amct_lsp serve` over
 * stdio. All lifecycle changes (start, restart on an interpreter change, install) go through one queue so two
 * quick changes never start two servers.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  ResponseError,
  RevealOutputChannelOn,
  type ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';
import {
  APPLY_ALL_FIXES,
  EXPLAIN_CAPABILITY,
  EXPLAIN_MODEL,
  RESTART_SERVER,
  SERVER_APPLY_ALL_FIXES,
  SHOW_LOG,
  targetUri,
} from './commands';
import { changeAction, mapConfigurationResult, SECTION, serverSettings } from './config';
import {
  DOCUMENT_STATUS_METHOD,
  DocumentStatusStore,
  parseDocumentStatus,
  STATUS_CAPABILITY,
} from './documentStatus';
import { ExplainPanels } from './explainPanel';
import { type ExplainView, parseExplainView, SERVER_EXPLAIN_VIEW } from './explainView';
import { amctDiagnosticsAt, createHoverMiddleware, hasPrimaryFix, isAmctDiagnostic } from './hover';
import { RETRY_ACTION } from './environment';
import { missingServerPrompt, type ProbeResult, probeServer, SELECT_ACTION, USE_BUNDLED_ACTION } from './install';
import { chooseInterpreter, type InterpreterChoice } from './interpreter';
import { OPEN_AMCT_LOG_COMMAND, OPEN_MODEL_FOLDER_COMMAND, APPLY_FIX_COMMAND } from './links';
import { modelDirective, PICK_MODEL_CAPABILITY, PICK_MODEL_COMMAND } from './modelDirective';
import { neutralDirectory, pythonEnvironment } from './launch';
import { createProcessRunner } from './process';
import { ensureEnvironment } from './provision';
import { onPythonInterpreterChange, pythonExtensionInterpreter } from './pythonExtension';
import { leveledChannel } from './logLines';
import { mentionsAmct, type ServerState, statusView } from './status';

/** Where `client/scripts/package.sh` puts the server's wheels, pip's wheel and their manifest. */
const WHEEL_DIR = path.join('client', 'wheels');
/** The key under which a failure of the private environment is prompted once per session. */
const PRIVATE_ENVIRONMENT = 'private environment';
const SHOW_LOG_ACTION = 'Show log';
const UNTRUSTED = 'untrusted interpreter';
const MANAGE_TRUST_ACTION = 'Manage Workspace Trust';

function isUri(value: unknown): value is vscode.Uri {
  return value instanceof vscode.Uri;
}

function activePythonDocument(): vscode.TextDocument | undefined {
  const document = vscode.window.activeTextEditor?.document;
  return document?.languageId === 'python' ? document : undefined;
}

function isAmctScript(document: vscode.TextDocument): boolean {
  return document.languageId === 'python' && mentionsAmct(document.getText());
}

/** A selector that matches exactly `uri` (glob characters in the path match themselves or any one character). */
function selectorFor(uri: vscode.Uri): vscode.DocumentSelector {
  if (uri.scheme !== 'file') {
    return { language: 'python', scheme: uri.scheme };
  }
  return { language: 'python', scheme: 'file', pattern: uri.fsPath.replace(/[[\]{}*?!]/g, '?') };
}

const SEVERITY: Record<'info' | 'warning' | 'error', vscode.LanguageStatusSeverity> = {
  info: vscode.LanguageStatusSeverity.Information,
  warning: vscode.LanguageStatusSeverity.Warning,
  error: vscode.LanguageStatusSeverity.Error,
};

class AmctExtension implements vscode.Disposable {
  /** Timestamps and levels (the user's log level applies); client library lines are leveled too (logLines.ts). */
  private readonly output = leveledChannel(vscode.window.createOutputChannel('AMCT', { log: true }));
  /** Shown next to the language mode, and only for AMCT scripts (see status.ts). */
  private readonly status = vscode.languages.createLanguageStatusItem('amct.status', []);
  /** Prompts kept back until an AMCT script is open: a plain Python file never brings up a notification. */
  private readonly pendingPrompts: Array<() => void> = [];
  /** pip's output, written line by line at debug level. */
  private readonly pipOutput = leveledChannel(this.output, 'debug');
  /** The Explain views (webview panels), one per script. */
  private readonly explainPanels = new ExplainPanels((uri) => this.fetchExplainView(uri));
  /** The workspace's amct.interpreter was ignored because the folder is not trusted (a grant restarts once). */
  private ignoredUntrusted = false;
  private readonly disposables: vscode.Disposable[] = [];
  private client: LanguageClient | undefined;
  private clientListeners: vscode.Disposable[] = [];
  private queue: Promise<void> = Promise.resolve();
  private state: ServerState = 'starting';
  private choice: InterpreterChoice | undefined;
  private version: string | undefined;
  /** What the server last said about each open document (`amct/documentStatus`). */
  private readonly statuses = new DocumentStatusStore();
  private readonly prompted = new Set<string>();
  /** Where every Python process runs: never the workspace folder (see launch.ts). */
  private neutralCwd: string | undefined;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.status.name = 'AMCT';
    this.status.command = { title: 'Show log', command: SHOW_LOG };
    this.render();
    this.disposables.push(
      this.output,
      this.status,
      this.explainPanels,
      vscode.commands.registerCommand(RESTART_SERVER, () => this.enqueue(() => this.restart(true))),
      vscode.commands.registerCommand(SHOW_LOG, () => this.output.show(true)),
      vscode.commands.registerCommand(EXPLAIN_MODEL, (...args: unknown[]) => this.explainModel(args)),
      vscode.commands.registerCommand(APPLY_ALL_FIXES, (...args: unknown[]) => this.applyAllFixes(args)),
      vscode.commands.registerCommand(APPLY_FIX_COMMAND, (uri: unknown, line: unknown, character: unknown) =>
        this.applyFixAt(uri, line, character),
      ),
      vscode.commands.registerCommand(OPEN_MODEL_FOLDER_COMMAND, (model: unknown) => this.openModelFolder(model)),
      vscode.commands.registerCommand(OPEN_AMCT_LOG_COMMAND, (log: unknown) => this.openAmctLog(log)),
      vscode.commands.registerCommand(PICK_MODEL_COMMAND, (uri: unknown, line: unknown) => this.pickModel(uri, line)),
      vscode.workspace.onDidChangeConfiguration((event) => this.onConfigurationChanged(event)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.onTrustGranted()),
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
      vscode.workspace.onDidOpenTextDocument((document) => this.onOpened(document)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document === vscode.window.activeTextEditor?.document) {
          this.render();
        }
        this.onOpened(event.document);
        this.explainPanels.documentChanged(event.document.uri.toString());
      }),
      vscode.workspace.onDidCloseTextDocument((document) => this.statuses.delete(document.uri.toString())),
    );
    void onPythonInterpreterChange(() => {
      // The private environment does not depend on the Python extension's choice, unless none could be made yet.
      if (this.choice?.source === 'default' && this.state !== 'running') {
        this.enqueue(() => this.restart(false));
      }
    }).then((disposable) => this.disposables.push(disposable));
  }

  log(message: string): void {
    this.output.info(message);
  }

  /** Show a prompt now if an AMCT script is open, else when the first one opens. */
  private prompt(show: () => void): void {
    if (vscode.workspace.textDocuments.some(isAmctScript)) {
      show();
    } else {
      this.pendingPrompts.push(show);
    }
  }

  private onOpened(document: vscode.TextDocument): void {
    if (this.pendingPrompts.length > 0 && isAmctScript(document)) {
      for (const show of this.pendingPrompts.splice(0)) {
        show();
      }
    }
  }

  private onTrustGranted(): void {
    // Only the interpreter setting depends on trust: restart once, and only when it was ignored.
    if (this.ignoredUntrusted) {
      this.log('The workspace is now trusted: restarting the server with its amct.interpreter.');
      void this.enqueue(() => this.restart(false));
    }
  }

  enqueue(task: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(task).catch((error: unknown) => {
      this.output.error(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    });
    return this.queue;
  }

  private setState(state: ServerState): void {
    this.state = state;
    this.render();
  }

  private render(): void {
    const document = activePythonDocument();
    const status = document === undefined ? undefined : this.statuses.get(document.uri.toString());
    const view =
      document === undefined
        ? undefined
        : statusView({
            state: this.state,
            interpreter: this.choice?.command,
            version: this.version,
            check: status?.state,
            model: status?.modelPath ?? undefined,
            modelProblem: status?.state === 'model-error' ? (status.message ?? 'the model cannot be read') : undefined,
            mentionsAmct: mentionsAmct(document.getText()),
          });
    if (document === undefined || view === undefined) {
      this.status.selector = [];
      return;
    }
    this.status.selector = selectorFor(document.uri);
    this.status.text = view.text;
    this.status.detail = view.detail;
    this.status.severity = SEVERITY[view.severity];
    this.status.busy = view.busy;
  }

  // ---- interpreter, probe, install --------------------------------------------------------------------------

  private resource(): vscode.Uri | undefined {
    return activePythonDocument()?.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  }

  private async resolveInterpreter(): Promise<InterpreterChoice> {
    const resource = this.resource();
    const setting = vscode.workspace.getConfiguration(SECTION, resource).inspect<string>('interpreter');
    const folder = resource === undefined ? undefined : vscode.workspace.getWorkspaceFolder(resource)?.uri.fsPath;
    const input = {
      setting,
      trusted: vscode.workspace.isTrusted,
      workspaceFolder: folder ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
      home: os.homedir(),
    };
    // Without an amct.interpreter setting ('default') the server runs in the private environment; the Python
    // extension's interpreter is then only one more Python to create that environment from.
    const choice = chooseInterpreter(input);
    this.ignoredUntrusted = choice.ignoredUntrusted !== undefined;
    if (choice.ignoredUntrusted !== undefined) {
      const message =
        `AMCT: this workspace is not trusted, so its amct.interpreter setting ("${choice.ignoredUntrusted}") was ignored: ` +
        'a folder you have not trusted must not choose which program runs. The server runs in its private environment; trust the folder to use that interpreter.';
      this.output.warn(message);
      if (!this.prompted.has(UNTRUSTED)) {
        this.prompted.add(UNTRUSTED);
        this.prompt(() => {
          void vscode.window.showInformationMessage(message, MANAGE_TRUST_ACTION).then((action) => {
            if (action === MANAGE_TRUST_ACTION) {
              void vscode.commands.executeCommand('workbench.trust.manage');
            }
          });
        });
      }
    }
    return choice;
  }

  /** Offers the fix for a failed probe of `amct.interpreter` (once per interpreter unless the user asked for the restart). */
  private async promptMissingServer(probe: ProbeResult, interpreter: string, userInitiated: boolean): Promise<void> {
    const prompt = missingServerPrompt(probe, interpreter);
    if (prompt === undefined || (!userInitiated && this.prompted.has(interpreter))) {
      return;
    }
    this.prompted.add(interpreter);
    // Not awaited inside the queue: the notification may stay open for a long time.
    this.prompt(() => {
      void vscode.window.showWarningMessage(prompt.message, ...prompt.actions).then((action) => {
        if (action === USE_BUNDLED_ACTION) {
          void this.clearInterpreterSetting();
        } else if (action === SELECT_ACTION) {
          void this.selectInterpreter();
        }
      });
    });
  }

  /** Drops `amct.interpreter` at every level it is set, so the server runs in the private environment. */
  private async clearInterpreterSetting(): Promise<void> {
    const config = vscode.workspace.getConfiguration(SECTION, this.resource());
    const inspected = config.inspect<string>('interpreter');
    const targets: Array<[string | undefined, vscode.ConfigurationTarget]> = [
      [inspected?.workspaceFolderValue, vscode.ConfigurationTarget.WorkspaceFolder],
      [inspected?.workspaceValue, vscode.ConfigurationTarget.Workspace],
      [inspected?.globalValue, vscode.ConfigurationTarget.Global],
    ];
    for (const [value, target] of targets) {
      if (value !== undefined) {
        // Each update fires the configuration listener, which restarts the server.
        await config.update('interpreter', undefined, target);
      }
    }
  }

  private async workingDirectory(): Promise<string> {
    this.neutralCwd ??= await neutralDirectory(this.context.globalStorageUri?.fsPath);
    return this.neutralCwd;
  }

  /**
   * The server's Python in the private environment, created or upgraded first when needed (see provision.ts), or
   * undefined after telling the user why there is none (once per session unless the user asked for the restart).
   */
  private async install(userInitiated: boolean): Promise<string | undefined> {
    const run = createProcessRunner(await this.workingDirectory());
    let finishProgress: () => void = () => undefined;
    const result = await ensureEnvironment({
      run,
      storageDir: this.context.globalStorageUri.fsPath,
      wheelDir: path.join(this.context.extensionPath, WHEEL_DIR),
      extensionVersion: String((this.context.extension.packageJSON as { version?: unknown }).version ?? 'unknown'),
      pythonExtension: () => pythonExtensionInterpreter(this.resource(), (message) => this.log(message)),
      log: (message) => this.log(message),
      onOutput: (chunk) => this.pipOutput.append(chunk),
      onBuild: (action) => {
        this.setState('installing');
        const title =
          action.kind === 'upgrade' ? 'AMCT: upgrading the server environment' : 'AMCT: setting up the server environment';
        // Shown only while an AMCT script is open; for a plain Python file the build is only logged.
        if (!vscode.workspace.textDocuments.some(isAmctScript)) {
          this.log(`${title} (in the background: no AMCT script is open)`);
          return;
        }
        void vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title, cancellable: false },
          () => new Promise<void>((resolve) => (finishProgress = resolve)),
        );
      },
    }).finally(() => finishProgress());
    if (result.kind === 'ready') {
      return result.python;
    }
    this.output.warn(result.message);
    this.setState(result.kind === 'failed' ? 'failed' : 'not-installed');
    if (!userInitiated && this.prompted.has(PRIVATE_ENVIRONMENT)) {
      return undefined;
    }
    this.prompted.add(PRIVATE_ENVIRONMENT);
    const message =
      result.kind === 'failed' ? `AMCT: setting up the server's Python environment failed: ${result.message}.` : result.message;
    const actions = {
      'no-wheels': [SELECT_ACTION],
      'no-python': [RETRY_ACTION, SELECT_ACTION],
      failed: [RETRY_ACTION, SHOW_LOG_ACTION],
    }[result.kind];
    this.prompt(() => {
      void vscode.window.showWarningMessage(message, ...actions).then((action) => {
        if (action === RETRY_ACTION) {
          void this.enqueue(() => this.restart(true));
        } else if (action === SELECT_ACTION) {
          void this.selectInterpreter();
        } else if (action === SHOW_LOG_ACTION) {
          this.output.show(true);
        }
      });
    });
    return undefined;
  }

  private async selectInterpreter(): Promise<void> {
    const picked = await vscode.window.showOpenDialog({
      title: 'Python interpreter for amct-lsp',
      openLabel: 'Use this interpreter',
      canSelectMany: false,
      canSelectFolders: false,
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    if (picked === undefined || picked.length === 0) {
      return;
    }
    const config = vscode.workspace.getConfiguration(SECTION, this.resource());
    const inspected = config.inspect<string>('interpreter');
    const target =
      vscode.workspace.isTrusted && inspected?.workspaceValue !== undefined
        ? vscode.ConfigurationTarget.Workspace
        : vscode.ConfigurationTarget.Global;
    // The configuration listener restarts the server.
    await config.update('interpreter', picked[0].fsPath, target);
  }

  // ---- the language client ------------------------------------------------------------------------------------

  async restart(userInitiated: boolean): Promise<void> {
    await this.stopClient();
    if (userInitiated) {
      this.prompted.clear();
    }
    this.setState('starting');
    this.choice = await this.resolveInterpreter();
    if (this.choice.source === 'default') {
      const python = await this.install(userInitiated);
      if (python === undefined) {
        return;
      }
      this.choice = { ...this.choice, command: python };
    }
    const interpreter = this.choice.command;
    const source = this.choice.source === 'default' ? 'the private environment' : `from the ${this.choice.source}`;
    this.log(`Python interpreter: ${interpreter} (${source})`);
    const probe = await probeServer(createProcessRunner(await this.workingDirectory()), interpreter);
    if (probe.kind !== 'ok') {
      this.output.warn(`amct_lsp is not usable in ${interpreter}: ${probe.detail}`);
      this.setState(probe.kind === 'broken' ? 'failed' : 'not-installed');
      await this.promptMissingServer(probe, interpreter, userInitiated);
      return;
    }
    this.version = probe.version;
    this.log(`amct-lsp ${probe.version} found; starting the server.`);
    await this.startClient(interpreter);
  }

  private clientOptions(): LanguageClientOptions {
    const readSettings = (scope?: vscode.Uri) => {
      const config = vscode.workspace.getConfiguration(SECTION, scope);
      return serverSettings((key) => config.get(key));
    };
    return {
      documentSelector: [
        { scheme: 'file', language: 'python' },
        { scheme: 'untitled', language: 'python' },
        // Python cells of Jupyter notebooks: the server syncs the notebook (LSP 3.17 notebookDocumentSync)
        // and answers hovers and code actions in its cells.
        { notebook: 'jupyter-notebook', language: 'python' },
      ],
      // The server registers its own file watchers (models, logs, configs) dynamically.
      synchronize: { configurationSection: SECTION },
      // The server accepts the section wrapped in its name, like a didChangeConfiguration payload.
      initializationOptions: { [SECTION]: readSettings(this.resource()) },
      outputChannel: this.output,
      traceOutputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      middleware: {
        provideHover: createHoverMiddleware({
          hasFixAt: (uri, position) =>
            amctDiagnosticsAt(vscode.languages.getDiagnostics(uri), position).some(hasPrimaryFix),
          statusOf: (uri) => this.statuses.get(uri.toString()),
        }),
        workspace: {
          // The server gets exactly its own keys, well-typed, never `interpreter` / `trace`.
          configuration: async (params, token, next) => {
            const result = await next(params, token);
            if (result instanceof ResponseError || !Array.isArray(result)) {
              return result;
            }
            return mapConfigurationResult(params.items, result);
          },
        },
      },
    };
  }

  private async startClient(interpreter: string): Promise<void> {
    const serverOptions: ServerOptions = {
      command: interpreter,
      args: ['-m', 'amct_lsp', 'serve'],
      transport: TransportKind.stdio,
      // Never the workspace folder: `-m` puts the working directory first on sys.path (see launch.ts).
      options: { cwd: await this.workingDirectory(), env: pythonEnvironment(process.env) },
    };
    const client = new LanguageClient('amct', 'AMCT', serverOptions, this.clientOptions());
    // Ask for `amct/documentStatus` (see documentStatus.ts), and keep what it says.
    client.registerFeature({
      fillClientCapabilities: (capabilities) => {
        capabilities.experimental = {
          ...(capabilities.experimental ?? {}),
          [STATUS_CAPABILITY]: true,
          // The AMCT004 quick fix "choose the model file" runs amct.pickModel (below).
          [PICK_MODEL_CAPABILITY]: true,
          // The code lens "Explain" above quantize_model runs amct.explainModel.
          [EXPLAIN_CAPABILITY]: true,
        };
      },
      initialize: () => undefined,
      getState: () => ({ kind: 'static' }),
      clear: () => undefined,
    });
    this.statuses.clear();
    this.clientListeners.push(
      client.onNotification(DOCUMENT_STATUS_METHOD, (params: unknown) => {
        const status = parseDocumentStatus(params);
        if (status === undefined) {
          this.log(`Ignoring a malformed ${DOCUMENT_STATUS_METHOD}: ${JSON.stringify(params)}`);
        } else if (this.statuses.update(status)) {
          this.render();
        }
      }),
      client.onDidChangeState((event) => {
        if (event.newState === State.Running) {
          this.setState('running');
        } else if (event.newState === State.Stopped && this.client === client) {
          this.setState(this.state === 'starting' ? 'failed' : 'stopped');
        }
      }),
    );
    this.client = client;
    try {
      await client.start();
    } catch (error) {
      this.output.error(`The server did not start: ${String(error)}`);
      this.setState('failed');
    }
  }

  async stopClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    for (const disposable of this.clientListeners.splice(0)) {
      disposable.dispose();
    }
    if (client !== undefined) {
      try {
        await client.stop(3000);
      } catch (error) {
        this.log(`Stopping the server: ${String(error)}`);
      }
    }
  }

  private onConfigurationChanged(event: vscode.ConfigurationChangeEvent): void {
    const action = changeAction((section) => event.affectsConfiguration(section));
    if (action === 'restart') {
      this.log('amct.interpreter changed: restarting the server.');
      void this.enqueue(() => this.restart(true));
    }
    // 'reconfigure': vscode-languageclient sends workspace/didChangeConfiguration (synchronize.configurationSection).
  }

  // ---- commands -----------------------------------------------------------------------------------------------

  private async executeServerCommand(command: string, args: unknown[]): Promise<unknown> {
    const client = this.client;
    if (client === undefined || !client.isRunning()) {
      throw new Error('the AMCT server is not running (see the AMCT output)');
    }
    return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
  }

  private commandUri(args: readonly unknown[]): vscode.Uri | undefined {
    return targetUri(args, (value) => vscode.Uri.parse(value), isUri, activePythonDocument()?.uri);
  }

  private async fetchExplainView(uri: string): Promise<ExplainView | undefined> {
    return parseExplainView(await this.executeServerCommand(SERVER_EXPLAIN_VIEW, [uri]));
  }

  private async explainModel(args: readonly unknown[]): Promise<void> {
    const uri = this.commandUri(args);
    if (uri === undefined) {
      void vscode.window.showInformationMessage('AMCT: open a quantization script first.');
      return;
    }
    try {
      // The server renders the picture; a webview panel shows it (no document, so nothing is left unsaved).
      const view = await this.fetchExplainView(uri.toString());
      if (view === undefined) {
        throw new Error(`the server did not answer ${SERVER_EXPLAIN_VIEW} with a picture (is amct-lsp up to date?)`);
      }
      this.explainPanels.show(view);
    } catch (error) {
      void vscode.window.showErrorMessage(`AMCT: explaining the model failed: ${errorMessage(error)}`);
    }
  }

  private async applyAllFixes(args: readonly unknown[]): Promise<void> {
    const uri = this.commandUri(args);
    if (uri === undefined) {
      void vscode.window.showInformationMessage('AMCT: open a quantization script first.');
      return;
    }
    try {
      const applied = await this.executeServerCommand(SERVER_APPLY_ALL_FIXES, [uri.toString()]);
      if (applied === false) {
        void vscode.window.setStatusBarMessage('AMCT: nothing to fix in this file', 4000);
      }
    } catch (error) {
      void vscode.window.showErrorMessage(`AMCT: applying the fixes failed: ${errorMessage(error)}`);
    }
  }

  /** The hover's "Apply fix" link: the first AMCT quick fix at that position, as the light bulb would apply it. */
  private async applyFixAt(uriArg: unknown, line: unknown, character: unknown): Promise<void> {
    if (typeof uriArg !== 'string' || typeof line !== 'number' || typeof character !== 'number') {
      return;
    }
    const uri = vscode.Uri.parse(uriArg);
    const position = new vscode.Position(line, character);
    const actions =
      (await vscode.commands.executeCommand<Array<vscode.CodeAction | vscode.Command>>(
        'vscode.executeCodeActionProvider',
        uri,
        new vscode.Range(position, position),
        vscode.CodeActionKind.QuickFix.value,
        // Resolve the edits: the server sends them lazily (codeAction/resolve) when the client supports it.
        10,
      )) ?? [];
    // A `Command` has a string `command`; a `CodeAction` has an optional `Command` object there.
    const codeActions = actions.filter((action): action is vscode.CodeAction => typeof action.command !== 'string');
    const fix =
      codeActions.find((action) => action.diagnostics?.some(isAmctDiagnostic) ?? false) ??
      codeActions.find((action) => action.isPreferred === true);
    if (fix === undefined || (fix.edit === undefined && fix.command === undefined)) {
      this.log(`No AMCT fix at ${uri.toString()}:${line + 1}:${character + 1} (${actions.length} code actions)`);
      void vscode.window.showInformationMessage('AMCT: there is no fix at this position.');
      return;
    }
    this.log(`Applying "${fix.title}"`);
    if (fix.edit !== undefined) {
      await vscode.workspace.applyEdit(fix.edit);
    }
    if (fix.command !== undefined) {
      await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
    }
  }

  /** The AMCT004 quick fix: pick a model file and name it in a `# amct: model=` line at `line`. */
  private async pickModel(uriArg: unknown, line: unknown): Promise<void> {
    if (typeof uriArg !== 'string' || typeof line !== 'number') {
      return;
    }
    const uri = vscode.Uri.parse(uriArg);
    const picked = await vscode.window.showOpenDialog({
      title: 'The frozen graph this script quantizes',
      openLabel: 'Use this model',
      canSelectMany: false,
      filters: { 'TensorFlow frozen graph': ['pb', 'pbtxt'] },
      defaultUri: uri.scheme === 'file' ? vscode.Uri.file(path.dirname(uri.fsPath)) : vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    if (picked === undefined || picked.length === 0) {
      return;
    }
    const edit = new vscode.WorkspaceEdit();
    const script = uri.scheme === 'file' ? uri.fsPath : undefined;
    edit.insert(uri, new vscode.Position(line, 0), modelDirective(picked[0].fsPath, script));
    await vscode.workspace.applyEdit(edit);
  }

  private async openModelFolder(model: unknown): Promise<void> {
    if (typeof model !== 'string') {
      return;
    }
    const uri = vscode.Uri.file(model);
    if (vscode.workspace.getWorkspaceFolder(uri) !== undefined) {
      await vscode.commands.executeCommand('revealInExplorer', uri);
    } else {
      await vscode.commands.executeCommand('revealFileInOS', uri);
    }
  }

  private async openAmctLog(log: unknown): Promise<void> {
    if (typeof log !== 'string') {
      return;
    }
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(log));
    await vscode.window.showTextDocument(document, { preview: true });
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) {
      disposable.dispose();
    }
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

let extension: AmctExtension | undefined;

export function activate(context: vscode.ExtensionContext): void {
  extension = new AmctExtension(context);
  context.subscriptions.push(extension);
  const current = extension;
  void current.enqueue(() => current.restart(false));
}

export async function deactivate(): Promise<void> {
  const current = extension;
  extension = undefined;
  await current?.stopClient();
}
