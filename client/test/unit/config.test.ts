import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  changeAction,
  CLIENT_KEYS,
  mapConfigurationResult,
  SERVER_DEFAULTS,
  SERVER_KEYS,
  serverSettings,
} from '../../src/config';
import { APPLY_ALL_FIXES, EXPLAIN_MODEL, SERVER_APPLY_ALL_FIXES, SERVER_EXPLAIN_MODEL, targetUri } from '../../src/commands';

interface Contributed {
  type: string;
  default: unknown;
  scope?: string;
  description?: string;
  markdownDescription?: string;
}

const describedBy = (p: Contributed | undefined): string | undefined => p?.description ?? p?.markdownDescription;

const manifest = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as {
  main: string;
  activationEvents: string[];
  engines: { vscode: string };
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
  contributes: { commands: Array<{ command: string }>; configuration: { properties: Record<string, Contributed> } };
};
const properties = manifest.contributes.configuration.properties;

describe('serverSettings', () => {
  it('passes well-typed values through', () => {
    const values: Record<string, unknown> = {
      enable: false,
      modelPaths: ['models', 'more'],
      models: { 'quant*.py': 'pb_model/a.pb' },
      logPath: ' amct_log/amct_tensorflow.log ',
      severity: { AMCT001: 'warning' },
      skipLayers: ['conv1'],
      amctVersion: ' 7.0 ',
      inlayHints: false,
      codeLens: false,
      interpreter: '/usr/bin/python3',
    };
    assert.deepEqual(serverSettings((key) => values[key]), {
      enable: false,
      modelPaths: ['models', 'more'],
      models: { 'quant*.py': 'pb_model/a.pb' },
      logPath: 'amct_log/amct_tensorflow.log',
      severity: { AMCT001: 'warning' },
      skipLayers: ['conv1'],
      amctVersion: '7.0',
      inlayHints: false,
      codeLens: false,
    });
  });

  it('never sends client-only keys and replaces wrongly typed values by defaults', () => {
    const values: Record<string, unknown> = {
      enable: 'yes',
      modelPaths: 'models',
      models: ['a.pb'],
      logPath: 3,
      severity: null,
      skipLayers: ['ok', 4, ''],
      inlayHints: 'no',
      interpreter: '/x',
      trace: { server: 'verbose' },
    };
    const settings = serverSettings((key) => values[key]);
    assert.deepEqual(Object.keys(settings).sort(), [...SERVER_KEYS].sort());
    assert.deepEqual(settings, { ...SERVER_DEFAULTS, skipLayers: ['ok'] });
  });
});

describe('mapConfigurationResult', () => {
  it('cleans the amct items of a workspace/configuration answer and leaves other sections alone', () => {
    const items = [{ section: 'amct' }, { section: 'python' }, { section: 'amct' }];
    const results = [
      { enable: false, interpreter: '/x', trace: { server: 'off' }, skipLayers: ['c1'] },
      { defaultInterpreterPath: 'python' },
      null,
    ];
    assert.deepEqual(mapConfigurationResult(items, results), [
      { ...SERVER_DEFAULTS, enable: false, skipLayers: ['c1'] },
      { defaultInterpreterPath: 'python' },
      { ...SERVER_DEFAULTS },
    ]);
  });
});

describe('changeAction', () => {
  const affects =
    (...changed: string[]) =>
    (section: string): boolean =>
      changed.some((c) => c === section || c.startsWith(`${section}.`));

  it('restarts the server when the interpreter changes', () => {
    assert.equal(changeAction(affects('amct.interpreter')), 'restart');
    assert.equal(changeAction(affects('amct.interpreter', 'amct.enable')), 'restart');
  });

  it('only reconfigures for the server settings', () => {
    for (const key of SERVER_KEYS) {
      assert.equal(changeAction(affects(`amct.${key}`)), 'reconfigure', key);
    }
  });

  it('ignores the trace setting (vscode-languageclient applies it) and other sections', () => {
    assert.equal(changeAction(affects('amct.trace.server')), 'none');
    assert.equal(changeAction(affects('python.defaultInterpreterPath', 'editor.fontSize')), 'none');
  });
});

describe('package.json contributions', () => {
  it('contributes every server and client setting, each with a description', () => {
    for (const key of SERVER_KEYS) {
      assert.ok(describedBy(properties[`amct.${key}`]), `amct.${key}`);
    }
    assert.ok(describedBy(properties['amct.interpreter']));
    assert.ok(describedBy(properties['amct.trace.server']));
    assert.equal(Object.keys(properties).length, SERVER_KEYS.length + CLIENT_KEYS.length);
  });

  it('mirrors the keys the server accepts (server/amct_lsp/lsp/settings.py)', () => {
    const source = readFileSync(join(process.cwd(), 'server', 'amct_lsp', 'lsp', 'settings.py'), 'utf8');
    // Every key of the server's one settings schema: `SettingKey("key", ...)`.
    const serverKeys = [...new Set([...source.matchAll(/SettingKey\("(\w+)"/g)].map((m) => m[1]))].sort();
    assert.ok(serverKeys.length > 0, 'settings.py lists its keys in SCHEMA');
    assert.deepEqual(serverKeys, [...SERVER_KEYS].sort());
  });

  it('has defaults that agree with the client-side defaults', () => {
    for (const key of SERVER_KEYS) {
      assert.deepEqual(properties[`amct.${key}`].default, SERVER_DEFAULTS[key], key);
    }
  });

  it('makes the interpreter machine-overridable and restricted in untrusted workspaces', () => {
    assert.equal(properties['amct.interpreter'].scope, 'machine-overridable');
    assert.deepEqual(manifest.capabilities.untrustedWorkspaces, {
      ...manifest.capabilities.untrustedWorkspaces,
      supported: 'limited',
      restrictedConfigurations: ['amct.interpreter'],
    });
  });

  it('activates on Python files, targets VS Code 1.82 and points at the bundle', () => {
    assert.deepEqual(manifest.activationEvents, ['onLanguage:python']);
    assert.equal(manifest.engines.vscode, '^1.82.0');
    assert.equal(manifest.main, './client/out/extension.js');
  });

  it('contributes the commands, and source.fixAll.amct for editor.codeActionsOnSave', () => {
    const ids = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(ids, ['amct.applyAllFixes', 'amct.explainModel', 'amct.pickModel', 'amct.restartServer', 'amct.showLog']);
    const kinds = (manifest.contributes as { codeActions?: Array<{ actions: Array<{ kind: string }> }> }).codeActions ?? [];
    assert.deepEqual(kinds.flatMap((c) => c.actions.map((a) => a.kind)), ['source.fixAll.amct']);
  });
});

describe('server command registration', () => {
  it('uses server command ids other than the extension commands', () => {
    const server = [SERVER_APPLY_ALL_FIXES, SERVER_EXPLAIN_MODEL];
    const own = manifest.contributes.commands.map((c) => c.command);
    assert.deepEqual(own.filter((id) => server.includes(id)), []);
    assert.ok(own.includes(APPLY_ALL_FIXES) && own.includes(EXPLAIN_MODEL));
    assert.deepEqual(server, ['amct-lsp.applyAllFixes', 'amct-lsp.explainModel']);
  });

  it('takes the command target from its argument, else the active editor', () => {
    const isString = (v: unknown): v is string => typeof v === 'string' && v.startsWith('uri:');
    const parse = (v: string): string => `uri:${v}`;
    assert.equal(targetUri(['uri:given'], parse, isString, 'uri:active'), 'uri:given');
    assert.equal(targetUri(['file:///a.py'], parse, isString, 'uri:active'), 'uri:file:///a.py');
    assert.equal(targetUri([], parse, isString, 'uri:active'), 'uri:active');
    assert.equal(targetUri([], parse, isString, undefined), undefined);
  });
});
