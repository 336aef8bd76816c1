import * as assert from 'node:assert/strict';
import type { ProvideHoverSignature } from 'vscode-languageclient/node';
import type * as vscodeTypes from 'vscode';
import { amctDiagnosticsAt, createHoverMiddleware, hasPrimaryFix, type HoverDeps } from '../../src/hover';
import type { DocumentStatus } from '../../src/documentStatus';
import {
  APPLY_FIX_COMMAND,
  commandLink,
  HOVER_LINK_COMMANDS,
  hoverLinksMarkdown,
  OPEN_AMCT_LOG_COMMAND,
  OPEN_MODEL_FOLDER_COMMAND,
} from '../../src/links';
import { Diagnostic, Hover, MarkdownString, Position, Range, Uri } from '../mock/vscode';

const CHAIN = 'Add:0 → bias_add/BiasAdd:0 → search_n_quant/search_n_quant_SEARCHN/Identity:0';
const SERVER_HOVER = `**AMCT001** \`Add:0\` is renamed by quantize_model\n\n${CHAIN}\n\nmodel: \`/ws/pb_model/case_1_1.pb\``;

/** The command id and decoded JSON arguments of every `command:` link in the Markdown. */
function links(markdown: string): Array<{ title: string; command: string; args: unknown }> {
  const out = [];
  for (const m of markdown.matchAll(/\[([^\]]*)\]\(command:([\w.]+)\?([^ )]*)(?: "(?:[^"\\]|\\.)*")?\)/g)) {
    out.push({ title: m[1], command: m[2], args: JSON.parse(decodeURIComponent(m[3])) as unknown });
  }
  return out;
}

describe('commandLink / hoverLinksMarkdown', () => {
  it('encodes arguments so that a path with spaces and brackets survives', () => {
    const link = commandLink('Open', 'amct.openModelFolder', ['/a b/(x)/m.pb'], 'Reveal "m.pb"');
    assert.ok(!link.slice(link.indexOf('(') + 1, link.lastIndexOf(' "')).includes(' '), link);
    assert.deepEqual(links(link), [{ title: 'Open', command: 'amct.openModelFolder', args: ['/a b/(x)/m.pb'] }]);
    assert.match(link, /"Reveal \\"m\.pb\\""\)$/);
  });

  it('links the fix, the model folder and the log when each is known', () => {
    const md = hoverLinksMarkdown({
      documentUri: 'file:///ws/quant.py',
      line: 15,
      character: 27,
      hasFix: true,
      modelPath: '/ws/pb_model/case_1_1.pb',
      amctLog: '/ws/amct_log/amct_tensorflow.log',
    });
    assert.deepEqual(
      links(md).map((l) => [l.command, l.args]),
      [
        [APPLY_FIX_COMMAND, ['file:///ws/quant.py', 15, 27]],
        [OPEN_MODEL_FOLDER_COMMAND, ['/ws/pb_model/case_1_1.pb']],
        [OPEN_AMCT_LOG_COMMAND, ['/ws/amct_log/amct_tensorflow.log']],
      ],
    );
  });

  it('leaves out what is not known, and is empty when nothing is', () => {
    const md = hoverLinksMarkdown({ documentUri: 'file:///q.py', line: 0, character: 0, hasFix: false, modelPath: '/m.pb' });
    assert.deepEqual(links(md).map((l) => l.command), [OPEN_MODEL_FOLDER_COMMAND]);
    assert.equal(hoverLinksMarkdown({ documentUri: 'file:///q.py', line: 0, character: 0, hasFix: false }), '');
  });
});

describe('hover middleware', () => {
  const uri = Uri.file('/ws/quant.py');
  const document = { uri } as unknown as vscodeTypes.TextDocument;
  const token = { isCancellationRequested: false } as vscodeTypes.CancellationToken;
  const position = new Position(15, 27);
  const status = (fields: Partial<DocumentStatus>): DocumentStatus => ({
    uri: uri.toString(),
    version: 1,
    state: 'checked',
    modelPath: null,
    logPath: null,
    configPaths: [],
    message: null,
    ...fields,
  });
  const deps = (overrides: Partial<HoverDeps> = {}): HoverDeps => ({
    hasFixAt: () => true,
    statusOf: () => undefined,
    ...overrides,
  });
  const next =
    (hover: Hover | null): ProvideHoverSignature =>
    () =>
      hover as unknown as vscodeTypes.Hover;

  it('keeps the server Markdown and appends trusted links to the model and log of the document status', async () => {
    const range = new Range(15, 24, 15, 31);
    const serverHover = new Hover([new MarkdownString(SERVER_HOVER)], range);
    const known = status({ modelPath: '/ws/pb_model/case_1_1.pb', logPath: '/ws/amct_log/amct_tensorflow.log' });
    const middleware = createHoverMiddleware(deps({ statusOf: (u) => (u === uri ? known : undefined) }));
    const result = (await middleware(document, position as unknown as vscodeTypes.Position, token, next(serverHover))) as unknown as Hover;
    assert.equal(result.contents.length, 2);
    assert.equal(result.contents[0], serverHover.contents[0], 'the server part is untouched');
    assert.equal(result.range, range);
    const appended = result.contents[1] as MarkdownString;
    assert.deepEqual(appended.isTrusted, { enabledCommands: [...HOVER_LINK_COMMANDS] });
    assert.equal(appended.supportThemeIcons, true);
    const found = links(appended.value);
    assert.deepEqual(found.map((l) => l.command), [APPLY_FIX_COMMAND, OPEN_MODEL_FOLDER_COMMAND, OPEN_AMCT_LOG_COMMAND]);
    assert.deepEqual(found[0].args, [uri.toString(), 15, 27]);
    assert.deepEqual(found[1].args, ['/ws/pb_model/case_1_1.pb']);
    assert.deepEqual(found[2].args, ['/ws/amct_log/amct_tensorflow.log']);
    for (const link of found) {
      assert.ok(HOVER_LINK_COMMANDS.includes(link.command), 'every link is an enabled command');
    }
  });

  it('links the model of the status even when the hover Markdown names none, and never a path from the Markdown', async () => {
    const serverHover = new Hover([new MarkdownString('`Add:0` is not an output name the rewrite touches')]);
    const middleware = createHoverMiddleware(
      deps({ hasFixAt: () => false, statusOf: () => status({ modelPath: '/ws/m.pb' }) }),
    );
    const result = (await middleware(document, position as unknown as vscodeTypes.Position, token, next(serverHover))) as unknown as Hover;
    assert.deepEqual(links((result.contents[1] as MarkdownString).value).map((l) => l.args), [['/ws/m.pb']]);
    const named = new Hover([new MarkdownString(SERVER_HOVER)]);
    const withoutStatus = createHoverMiddleware(deps({ hasFixAt: () => false }));
    assert.equal(await withoutStatus(document, position as unknown as vscodeTypes.Position, token, next(named)), named);
  });

  it('links no model the server could not read', async () => {
    const serverHover = new Hover([new MarkdownString('model missing')]);
    const middleware = createHoverMiddleware(
      deps({ hasFixAt: () => false, statusOf: () => status({ state: 'model-error', modelPath: '/ws/gone.pb' }) }),
    );
    assert.equal(await middleware(document, position as unknown as vscodeTypes.Position, token, next(serverHover)), serverHover);
  });

  it('returns the server hover unchanged when there is nothing to link, and passes null through', async () => {
    const plain = new Hover(['just text']);
    const middleware = createHoverMiddleware(deps({ hasFixAt: () => false }));
    const p = position as unknown as vscodeTypes.Position;
    assert.equal(await middleware(document, p, token, next(plain)), plain);
    assert.equal(await middleware(document, p, token, next(null)), null);
  });
});

describe('hasPrimaryFix', () => {
  it('is true only for a diagnostic whose data carries a primary fix', () => {
    const stale = new Diagnostic(new Range(1, 0, 1, 5), 'stale');
    (stale as unknown as { data: unknown }).data = { fixes: [{ title: 'use x', primary: true, edits: [] }] };
    const missingModel = new Diagnostic(new Range(1, 0, 1, 5), 'no model');
    (missingModel as unknown as { data: unknown }).data = { fixes: [{ title: 'Ignore AMCT004', primary: false, edits: [] }] };
    const fixable = (d: Diagnostic) => hasPrimaryFix(d as unknown as vscodeTypes.Diagnostic);
    assert.equal(fixable(stale), true);
    assert.equal(fixable(missingModel), false);
    assert.equal(fixable(new Diagnostic(new Range(1, 0, 1, 5), 'bare')), false);
  });
});

describe('amctDiagnosticsAt', () => {
  it('keeps only AMCT diagnostics covering the position', () => {
    const ours = new Diagnostic(new Range(15, 24, 15, 31), 'stale');
    ours.code = 'AMCT001';
    const bySource = new Diagnostic(new Range(15, 20, 15, 40), 'x');
    bySource.source = 'amct-lsp';
    const other = new Diagnostic(new Range(15, 24, 15, 31), 'pylint');
    other.source = 'pylint';
    other.code = 'W0611';
    const elsewhere = new Diagnostic(new Range(17, 23, 17, 30), 'x');
    elsewhere.code = { value: 'AMCT001', target: Uri.file('/doc') };
    const found = amctDiagnosticsAt(
      [ours, bySource, other, elsewhere] as unknown as vscodeTypes.Diagnostic[],
      new Position(15, 27) as unknown as vscodeTypes.Position,
    );
    assert.deepEqual(found, [ours, bySource]);
    const onSaveLine = amctDiagnosticsAt(
      [elsewhere] as unknown as vscodeTypes.Diagnostic[],
      new Position(17, 25) as unknown as vscodeTypes.Position,
    );
    assert.deepEqual(onSaveLine, [elsewhere]);
  });
});
