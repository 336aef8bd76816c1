import * as assert from 'node:assert/strict';
import { chooseInterpreter, DEFAULT_INTERPRETER, expandInterpreterPath } from '../../src/interpreter';
import type * as vscodeTypes from 'vscode';
import { mockState, Uri } from '../mock/vscode';
import { pythonExtensionInterpreter } from '../../src/pythonExtension';

const WS = '/home/me/project';
const HOME = '/home/me';

describe('chooseInterpreter', () => {
  it('uses python3 when nothing is configured', () => {
    const choice = chooseInterpreter({ setting: { defaultValue: '' }, trusted: true });
    assert.deepEqual(choice, { command: DEFAULT_INTERPRETER, source: 'default' });
  });

  it('prefers the folder value over the workspace value over the user value', () => {
    const setting = { globalValue: '/usr/bin/python3.11', workspaceValue: '/ws/python', workspaceFolderValue: '/f/python' };
    assert.equal(chooseInterpreter({ setting, trusted: true }).command, '/f/python');
    assert.equal(chooseInterpreter({ setting, trusted: true }).source, 'folder setting');
    const noFolder = { ...setting, workspaceFolderValue: undefined };
    assert.deepEqual(chooseInterpreter({ setting: noFolder, trusted: true }), {
      command: '/ws/python',
      source: 'workspace setting',
    });
  });

  it('prefers any amct.interpreter over the Python extension', () => {
    const choice = chooseInterpreter({ setting: { globalValue: '/opt/py' }, trusted: true, pythonExtension: '/venv/bin/python' });
    assert.deepEqual(choice, { command: '/opt/py', source: 'user setting' });
  });

  it('uses the Python extension when amct.interpreter is unset or blank', () => {
    const choice = chooseInterpreter({ setting: { globalValue: '  ' }, trusted: true, pythonExtension: '/venv/bin/python' });
    assert.deepEqual(choice, { command: '/venv/bin/python', source: 'Python extension' });
  });

  it('ignores workspace-level values in an untrusted workspace and says so', () => {
    const setting = { globalValue: '/usr/bin/python3', workspaceValue: './evil/python', workspaceFolderValue: '/f/evil' };
    const choice = chooseInterpreter({ setting, trusted: false, workspaceFolder: WS });
    assert.equal(choice.command, '/usr/bin/python3');
    assert.equal(choice.source, 'user setting');
    assert.equal(choice.ignoredUntrusted, '/f/evil');
  });

  it('falls back to the Python extension, then python3, when only an untrusted workspace value exists', () => {
    const setting = { workspaceValue: '/ws/python' };
    const withExt = chooseInterpreter({ setting, trusted: false, pythonExtension: '/venv/bin/python' });
    assert.deepEqual(withExt, { command: '/venv/bin/python', source: 'Python extension', ignoredUntrusted: '/ws/python' });
    const bare = chooseInterpreter({ setting, trusted: false });
    assert.equal(bare.command, DEFAULT_INTERPRETER);
    assert.equal(bare.ignoredUntrusted, '/ws/python');
  });

  it('expands variables and makes relative workspace paths absolute', () => {
    const setting = { workspaceValue: '.venv/bin/python' };
    assert.equal(chooseInterpreter({ setting, trusted: true, workspaceFolder: WS }).command, `${WS}/.venv/bin/python`);
  });
});

describe('expandInterpreterPath', () => {
  it('expands ${workspaceFolder}, ${userHome} and ~', () => {
    assert.equal(expandInterpreterPath('${workspaceFolder}/.venv/bin/python', WS, HOME), `${WS}/.venv/bin/python`);
    assert.equal(expandInterpreterPath('${userHome}/py/bin/python', WS, HOME), `${HOME}/py/bin/python`);
    assert.equal(expandInterpreterPath('~/py/bin/python', WS, HOME), `${HOME}/py/bin/python`);
  });

  it('keeps a bare command name for PATH lookup and an absolute path as is', () => {
    assert.equal(expandInterpreterPath(' python3.11 ', WS, HOME), 'python3.11');
    assert.equal(expandInterpreterPath('/usr/bin/python3', WS, HOME), '/usr/bin/python3');
  });

  it('leaves a relative path alone when there is no workspace folder', () => {
    assert.equal(expandInterpreterPath('venv/bin/python', undefined, HOME), 'venv/bin/python');
  });
});

describe('pythonExtensionInterpreter', () => {
  afterEach(() => mockState.reset());
  const noLog = (): void => undefined;

  it('is undefined when ms-python.python is not installed', async () => {
    assert.equal(await pythonExtensionInterpreter(undefined, noLog), undefined);
  });

  it('resolves the active environment to its executable', async () => {
    const exportsApi = {
      environments: {
        getActiveEnvironmentPath: () => ({ id: 'venv', path: '/proj/.venv' }),
        resolveEnvironment: async () => ({ executable: { uri: Uri.file('/proj/.venv/bin/python') } }),
      },
    };
    let activated = false;
    mockState.extensions.set('ms-python.python', {
      isActive: false,
      exports: undefined,
      activate: async () => {
        activated = true;
        return exportsApi;
      },
    });
    assert.equal(await pythonExtensionInterpreter(Uri.file('/proj/a.py') as unknown as vscodeTypes.Uri, noLog), '/proj/.venv/bin/python');
    assert.ok(activated, 'the Python extension is activated before its API is used');
  });

  it('falls back to the older settings API, and survives an API that throws', async () => {
    mockState.extensions.set('ms-python.python', {
      isActive: true,
      exports: { settings: { getExecutionDetails: () => ({ execCommand: ['/old/python', '-X'] }) } },
      activate: async () => undefined,
    });
    assert.equal(await pythonExtensionInterpreter(undefined, noLog), '/old/python');
    const logged: string[] = [];
    mockState.extensions.set('ms-python.python', {
      isActive: true,
      exports: {
        environments: {
          getActiveEnvironmentPath: () => {
            throw new Error('boom');
          },
        },
      },
      activate: async () => undefined,
    });
    assert.equal(await pythonExtensionInterpreter(undefined, (m) => logged.push(m)), undefined);
    assert.match(logged[0], /boom/);
  });
});
