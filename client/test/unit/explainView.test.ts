import * as assert from 'node:assert/strict';
import {
  contentSecurityPolicy,
  type ExplainView,
  makeNonce,
  parseExplainView,
  useFromMessage,
  webviewHtml,
} from '../../src/explainView';

const NONCE = 'q83vEjRWeJqrze8SNFZ4mg==';

/** What the server answers for the seed example (shape of `ExplainView` in server/amct_lsp/lsp/payloads.py). */
function serverAnswer(): Record<string, unknown> {
  return {
    uri: 'file:///ws/quant.py',
    version: 3,
    title: 'AMCT: case_1_1.pb',
    html: '<div class="amct-explain"><svg class="amct-rewrite"><g class="amct-op new tail" data-op="search_n_quant/search_n_quant_SEARCHN/Identity"></g></svg><button type="button" class="amct-use stale" data-use="0">line 16</button><button type="button" class="amct-use" data-use="1">line 18</button></div>',
    style: '.amct-explain { color: var(--amct-fg); }',
    uses: [
      { label: "line 16: 'Add:0'", start: [15, 24], end: [15, 31], stale: true },
      { label: "line 18: 'Add:0'", start: [17, 23], end: [17, 30], stale: false },
    ],
  };
}

function view(): ExplainView {
  const parsed = parseExplainView(serverAnswer());
  assert.ok(parsed);
  return parsed;
}

/** Runs the page's script against a fake DOM and returns what it posts for a click on `target`. */
function clickInPage(html: string, target: { use: string | null }): unknown[] {
  const scripts = [...html.matchAll(/<script nonce="([^"]+)">([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 1);
  const posted: unknown[] = [];
  let listener: ((event: unknown) => void) | undefined;
  class FakeElement {
    closest(selector: string): { getAttribute(name: string): string | null } | null {
      assert.equal(selector, '[data-use]');
      return target.use === null ? null : { getAttribute: () => target.use };
    }
  }
  const document = {
    addEventListener(type: string, handler: (event: unknown) => void): void {
      assert.equal(type, 'click');
      listener = handler;
    },
  };
  const acquireVsCodeApi = () => ({ postMessage: (message: unknown) => posted.push(message) });
  new Function('acquireVsCodeApi', 'document', 'Element', scripts[0][2])(acquireVsCodeApi, document, FakeElement);
  assert.ok(listener);
  let prevented = false;
  listener({ target: new FakeElement(), preventDefault: () => (prevented = true) });
  assert.equal(prevented, target.use !== null);
  return posted;
}

describe('explain view: the server answer', () => {
  it('reads the server answer', () => {
    const parsed = view();
    assert.equal(parsed.title, 'AMCT: case_1_1.pb');
    assert.deepEqual(parsed.uses[0], { label: "line 16: 'Add:0'", start: [15, 24], end: [15, 31], stale: true });
    assert.equal(parseExplainView({ ...serverAnswer(), version: null })?.version, null);
  });

  it('refuses anything else (a Markdown report from an older server, broken uses)', () => {
    assert.equal(parseExplainView('# Model'), undefined);
    assert.equal(parseExplainView(null), undefined);
    assert.equal(parseExplainView({ ...serverAnswer(), html: 3 }), undefined);
    assert.equal(parseExplainView({ ...serverAnswer(), version: '3' }), undefined);
    assert.equal(parseExplainView({ ...serverAnswer(), uses: [{ label: 'x', start: [-1, 0], end: [0, 0], stale: false }] }), undefined);
    assert.equal(parseExplainView({ ...serverAnswer(), uses: [{ label: 'x', start: [0, 0.5], end: [0, 1], stale: false }] }), undefined);
    assert.equal(parseExplainView({ ...serverAnswer(), uses: {} }), undefined);
  });
});

describe('explain view: the page', () => {
  it('has a strict policy: nothing loads, style and script only with the nonce', () => {
    const html = webviewHtml(view(), NONCE);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    assert.equal(csp, contentSecurityPolicy(NONCE));
    assert.match(csp ?? '', /^default-src 'none'; /);
    assert.match(csp ?? '', /script-src 'nonce-q83vEjRWeJqrze8SNFZ4mg=='/);
    assert.doesNotMatch(csp ?? '', /unsafe-inline|unsafe-eval|https?:|\*/);
    assert.equal([...html.matchAll(/<script\b/g)].length, 1);
    assert.equal([...html.matchAll(/<style\b/g)].length, 1);
    assert.ok(html.includes(`<script nonce="${NONCE}">`) && html.includes(`<style nonce="${NONCE}">`));
    assert.ok(html.includes(serverAnswer().html as string));
    assert.doesNotMatch(html, /\bsrc=|href=|https?:/);
  });

  it('escapes the title and keeps the stylesheet inside its element', () => {
    const html = webviewHtml({ ...view(), title: '<b>x</b>', style: 'a{}</style><script>alert(1)</script>' }, NONCE);
    assert.ok(html.includes('<title>&#60;b&#62;x&#60;/b&#62;</title>'));
    // The only end tag of the stylesheet is the real one, so the injected tag stays text inside it.
    assert.equal([...html.matchAll(/<\/style>/gi)].length, 1);
    assert.ok(html.indexOf('<script>alert(1)') < html.indexOf('</style>'));
  });

  it('refuses a weak nonce', () => {
    assert.throws(() => webviewHtml(view(), 'abc'));
    assert.throws(() => webviewHtml(view(), `${NONCE}"><script>`));
  });

  it('makes a fresh base64 nonce from random bytes', () => {
    const a = makeNonce((n) => new Uint8Array(n).fill(1));
    const b = makeNonce((n) => new Uint8Array(n).fill(2));
    assert.notEqual(a, b);
    assert.match(a, /^[A-Za-z0-9+/]{22}==$/);
    webviewHtml(view(), a); // accepted
  });

  it("the page's script posts the index of the use that was clicked, and nothing for other clicks", () => {
    const html = webviewHtml(view(), NONCE);
    assert.deepEqual(clickInPage(html, { use: '1' }), [{ type: 'openUse', index: 1 }]);
    assert.deepEqual(clickInPage(html, { use: null }), []);
  });
});

describe('explain view: messages from the page', () => {
  it('opens the use the page names by index', () => {
    assert.deepEqual(useFromMessage({ type: 'openUse', index: 1 }, view())?.start, [17, 23]);
  });

  it('ignores anything else (the page is not trusted)', () => {
    for (const message of [
      { type: 'openUse', index: 2 },
      { type: 'openUse', index: -1 },
      { type: 'openUse', index: 0.5 },
      { type: 'openUse', index: '0' },
      { type: 'run', index: 0 },
      'openUse',
      null,
    ]) {
      assert.equal(useFromMessage(message, view()), undefined, JSON.stringify(message));
    }
  });
});
