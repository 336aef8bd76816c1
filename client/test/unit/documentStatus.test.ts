import * as assert from 'node:assert/strict';
import { DocumentStatusStore, parseDocumentStatus } from '../../src/documentStatus';

const WIRE = {
  uri: 'file:///ws/quant.py',
  version: 3,
  state: 'checked',
  modelPath: '/ws/pb_model/case_1_1.pb',
  logPath: null,
  configPaths: ['/ws/quant.cfg'],
  message: null,
};

describe('amct/documentStatus', () => {
  it('reads the notification the server sends', () => {
    assert.deepEqual(parseDocumentStatus(WIRE), WIRE);
    const minimal = parseDocumentStatus({ uri: 'file:///a.py', version: null, state: 'no-model' });
    assert.deepEqual(minimal, {
      uri: 'file:///a.py',
      version: null,
      state: 'no-model',
      modelPath: null,
      logPath: null,
      configPaths: [],
      message: null,
    });
  });

  it('rejects anything else', () => {
    for (const bad of [
      null,
      'x',
      { ...WIRE, uri: 5 },
      { ...WIRE, version: '3' },
      { ...WIRE, state: 'great' },
      { ...WIRE, modelPath: 7 },
      { ...WIRE, configPaths: '/ws/quant.cfg' },
      { ...WIRE, configPaths: [1] },
    ]) {
      assert.equal(parseDocumentStatus(bad), undefined, JSON.stringify(bad));
    }
  });

  it('keeps the newest status per document', () => {
    const store = new DocumentStatusStore();
    const v3 = parseDocumentStatus(WIRE)!;
    assert.equal(store.update(v3), true);
    assert.equal(store.update({ ...v3, version: 2, modelPath: '/old.pb' }), false, 'an older version is ignored');
    assert.equal(store.get(WIRE.uri)?.modelPath, '/ws/pb_model/case_1_1.pb');
    assert.equal(store.update({ ...v3, version: 4, state: 'model-error' }), true);
    assert.equal(store.get(WIRE.uri)?.state, 'model-error');
    store.delete(WIRE.uri);
    assert.equal(store.get(WIRE.uri), undefined);
  });
});
