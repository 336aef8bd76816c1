/**
 * The `amct.*` settings: which ones the server reads, which ones only the client uses, and what a change to each
 * means (restart the server process, or just tell the running server). Pure: no `vscode` import, so it is unit-tested.
 */

export const SECTION = 'amct';

/** Settings the server reads (via `workspace/configuration`, `initializationOptions` and `didChangeConfiguration`). */
export const SERVER_KEYS = ['enable', 'modelPaths', 'models', 'logPath', 'severity', 'skipLayers', 'amctVersion', 'inlayHints', 'codeLens'] as const;
export type ServerKey = (typeof SERVER_KEYS)[number];

/** Settings only the client uses: the server never sees them. */
export const CLIENT_KEYS = ['interpreter', 'trace'] as const;

/** The server's settings object, exactly the keys it knows, with the contributed defaults filled in. */
export interface ServerSettings {
  enable: boolean;
  modelPaths: string[];
  models: Record<string, string>;
  logPath: string;
  severity: Record<string, string>;
  skipLayers: string[];
  amctVersion: string;
  inlayHints: boolean;
  codeLens: boolean;
}

export const SERVER_DEFAULTS: Readonly<ServerSettings> = Object.freeze({
  enable: true,
  modelPaths: [],
  models: {},
  logPath: '',
  severity: {},
  skipLayers: [],
  amctVersion: '',
  inlayHints: true,
  codeLens: true,
});

/** Reads one key of the `amct` section, as `WorkspaceConfiguration.get` does. */
export type SettingReader = (key: string) => unknown;

function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) {
    return undefined;
  }
  return value.filter((item): item is string => typeof item === 'string' && item.trim() !== '');
}

function stringMap(value: unknown): Record<string, string> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (typeof item === 'string') {
      out[key] = item;
    }
  }
  return out;
}

/**
 * Builds the object the server gets for the `amct` section. Values of the wrong type (a hand-edited settings.json)
 * fall back to the default rather than reaching the server, and client-only keys are dropped.
 */
export function serverSettings(read: SettingReader): ServerSettings {
  const enable = read('enable');
  const logPath = read('logPath');
  const amctVersion = read('amctVersion');
  const inlayHints = read('inlayHints');
  const codeLens = read('codeLens');
  return {
    enable: typeof enable === 'boolean' ? enable : SERVER_DEFAULTS.enable,
    modelPaths: stringList(read('modelPaths')) ?? [],
    models: stringMap(read('models')) ?? {},
    logPath: typeof logPath === 'string' ? logPath.trim() : SERVER_DEFAULTS.logPath,
    severity: stringMap(read('severity')) ?? {},
    skipLayers: stringList(read('skipLayers')) ?? [],
    amctVersion: typeof amctVersion === 'string' ? amctVersion.trim() : SERVER_DEFAULTS.amctVersion,
    inlayHints: typeof inlayHints === 'boolean' ? inlayHints : SERVER_DEFAULTS.inlayHints,
    codeLens: typeof codeLens === 'boolean' ? codeLens : SERVER_DEFAULTS.codeLens,
  };
}

export type ChangeAction = 'restart' | 'reconfigure' | 'none';

/**
 * What a configuration change means. The interpreter is the server's process, so changing it restarts the
 * server; `amct.trace.server` is applied by vscode-languageclient itself; every other `amct.*` key only needs the
 * running server to re-read its settings.
 */
export function changeAction(affects: (section: string) => boolean): ChangeAction {
  if (affects(`${SECTION}.interpreter`)) {
    return 'restart';
  }
  if (SERVER_KEYS.some((key) => affects(`${SECTION}.${key}`))) {
    return 'reconfigure';
  }
  return 'none';
}

/**
 * The answer to a `workspace/configuration` request as the server should see it: every `amct` item replaced by
 * `serverSettings` of what VS Code returned (so no `interpreter` / `trace`, which the server would report as
 * unknown), other sections untouched.
 */
export function mapConfigurationResult(items: ReadonlyArray<{ section?: string }>, results: readonly unknown[]): unknown[] {
  return items.map((item, i) => {
    const value = results[i];
    if (item.section !== SECTION) {
      return value;
    }
    const record = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
    return serverSettings((key) => record[key]);
  });
}
