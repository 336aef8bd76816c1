import * as assert from 'node:assert/strict';
import { modelDirective } from '../../src/modelDirective';

describe('modelDirective', () => {
  it('names a model below the script relative to the script folder', () => {
    assert.equal(modelDirective('/ws/pb_model/net.pb', '/ws/quant.py'), '# amct: model=pb_model/net.pb\n');
  });

  it('keeps an absolute path for a model elsewhere or an untitled script', () => {
    assert.equal(modelDirective('/data/net.pb', '/ws/quant.py'), '# amct: model=/data/net.pb\n');
    assert.equal(modelDirective('/data/net.pb', undefined), '# amct: model=/data/net.pb\n');
  });
});
