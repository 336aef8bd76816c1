import * as assert from 'node:assert/strict';
import { statusView } from '../../src/status';

describe('statusView', () => {
  it('shows the model file name of the active script when running', () => {
    const view = statusView({
      state: 'running',
      version: '0.1.0',
      interpreter: '/venv/bin/python',
      model: '/ws/pb_model/case_1_1.pb',
      pythonEditor: true,
    });
    assert.equal(view.text, '$(check) AMCT: case_1_1.pb');
    assert.match(view.tooltip, /amct-lsp 0\.1\.0/);
    assert.match(view.tooltip, /Python: \/venv\/bin\/python/);
    assert.match(view.tooltip, /Model: \/ws\/pb_model\/case_1_1\.pb/);
    assert.match(view.tooltip, /show the log/);
    assert.equal(view.warning, false);
  });

  it('says when a running server found no model, and hides the model part outside Python files', () => {
    assert.equal(statusView({ state: 'running', pythonEditor: true }).text, '$(check) AMCT: no model');
    assert.equal(statusView({ state: 'running', model: '/m.pb', pythonEditor: false }).text, '$(check) AMCT');
  });

  it('says when the server could not read the model of the script', () => {
    const view = statusView({
      state: 'running',
      model: '/ws/pb_model/gone.pb',
      modelProblem: 'The model file /ws/pb_model/gone.pb does not exist.',
      pythonEditor: true,
    });
    assert.equal(view.text, '$(check) AMCT: gone.pb (unreadable)');
    assert.match(view.tooltip, /does not exist/);
  });

  it('shows each non-running state in words, with a warning background for problems', () => {
    assert.equal(statusView({ state: 'starting', pythonEditor: true }).text, '$(sync~spin) AMCT: starting');
    const missing = statusView({ state: 'not-installed', interpreter: 'python3', pythonEditor: true });
    assert.equal(missing.text, '$(warning) AMCT: not installed');
    assert.equal(missing.warning, true);
    assert.equal(statusView({ state: 'failed', pythonEditor: false }).warning, true);
    assert.equal(statusView({ state: 'stopped', pythonEditor: false }).text, '$(circle-slash) AMCT: stopped');
  });
});
