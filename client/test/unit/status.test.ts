import * as assert from 'node:assert/strict';
import { isAmctDocument, mentionsAmct, statusView } from '../../src/status';

describe('statusView', () => {
  it('shows the model file name of a checked script with a check mark', () => {
    const view = statusView({ state: 'running', check: 'checked', model: '/ws/pb_model/case_1_1.pb', mentionsAmct: true });
    assert.equal(view?.text, '$(check) AMCT: case_1_1.pb');
    assert.equal(view?.detail, 'Model: /ws/pb_model/case_1_1.pb');
    assert.equal(view?.severity, 'info');
  });

  it('shows nothing for a Python file that does not use AMCT', () => {
    assert.equal(statusView({ state: 'running', check: 'not-amct', mentionsAmct: true }), undefined);
    assert.equal(statusView({ state: 'failed', mentionsAmct: false }), undefined);
    assert.equal(statusView({ state: 'not-installed', mentionsAmct: false }), undefined);
  });

  it('never shows a check mark for a model that does not exist', () => {
    const view = statusView({
      state: 'running',
      check: 'model-error',
      model: '/ws/pb_model/gone.pb',
      modelProblem: 'The model file /ws/pb_model/gone.pb does not exist.',
      mentionsAmct: true,
    });
    assert.equal(view?.text, '$(warning) AMCT: gone.pb unreadable');
    assert.match(view?.detail ?? '', /does not exist/);
    assert.equal(view?.severity, 'warning');
    assert.doesNotMatch(statusView({ state: 'running', check: 'no-model', mentionsAmct: true })?.text ?? '', /check/);
  });

  it('shows the server state in words for an AMCT script, as an error when it cannot run', () => {
    assert.equal(statusView({ state: 'starting', mentionsAmct: true })?.busy, true);
    const missing = statusView({ state: 'not-installed', interpreter: 'python3', mentionsAmct: true });
    assert.equal(missing?.text, '$(warning) AMCT: not installed');
    assert.equal(missing?.severity, 'error');
    assert.match(missing?.detail ?? '', /python3/);
  });

  it('decides what an AMCT script is from the server first, then from the text', () => {
    assert.equal(mentionsAmct('import amct_tensorflow as amct'), true);
    assert.equal(mentionsAmct('import os'), false);
    assert.equal(isAmctDocument({ check: 'not-amct', mentionsAmct: true }), false);
    assert.equal(isAmctDocument({ check: 'no-model', mentionsAmct: false }), true);
    assert.equal(isAmctDocument({ mentionsAmct: false }), false);
  });
});
