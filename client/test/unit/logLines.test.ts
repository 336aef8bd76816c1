import * as assert from 'node:assert/strict';
import { LineBuffer, leveledChannel, type LeveledSink, parseClientLine } from '../../src/logLines';

function recorder(): LeveledSink & { records: string[] } {
  const records: string[] = [];
  const at = (level: string) => (message: string) => records.push(`${level}: ${message}`);
  return {
    records,
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    append: at('raw'),
    appendLine: at('rawline'),
  };
}

describe('logLines', () => {
  it("reads vscode-languageclient's level prefix, and a clean exit is not an error", () => {
    assert.deepEqual(parseClientLine('[Error - 10:31:02 AM] the server crashed'), { level: 'error', message: 'the server crashed' });
    assert.deepEqual(parseClientLine('[Warn  - 10:31:02] careful'), { level: 'warn', message: 'careful' });
    assert.equal(parseClientLine('[Error - 10:31:02] Server process exited with code 0.').level, 'info');
    assert.equal(parseClientLine('[Error - 10:31:02] Server process exited with code 1.').level, 'error');
    assert.deepEqual(parseClientLine('plain text'), { level: 'info', message: 'plain text' });
  });

  it('keeps whole lines and only the last redraw of a progress bar', () => {
    const buffer = new LineBuffer();
    assert.deepEqual(buffer.push('Collecting amct\nProcessing 10%\rProcessing 100%\nInst'), ['Collecting amct', 'Processing 100%']);
    assert.deepEqual(buffer.push('alled\n'), ['Installed']);
    assert.deepEqual(buffer.push('tail'), []);
    assert.deepEqual(buffer.flush(), ['tail']);
  });

  it('writes appendLine and append through the levels', () => {
    const sink = recorder();
    const channel = leveledChannel(sink, 'debug');
    channel.appendLine('[Error - 1:00] Server process exited with code 0.');
    channel.appendLine('[Error - 1:00] boom');
    channel.append('pip line 1\npip ');
    channel.append('line 2\n');
    channel.warn('direct');
    assert.deepEqual(sink.records, [
      'info: Server process exited with code 0.',
      'error: boom',
      'debug: pip line 1',
      'debug: pip line 2',
      'warn: direct',
    ]);
  });
});
