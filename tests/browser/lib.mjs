// What the browser tests share: a temporary folder with qualbar run in it, `qualbar serve` on a
// free port, a browser context per person (with what reaches it recorded), signing in through a
// one-time link, the hostile strings and the check that they stayed inert, and the ending that
// prints the failed checks.
//
//   const t = harness('serve.test.mjs');   // reads QUALBAR_BINARY [CHROMIUM] from the command line
//   t.check(ok, 'what failed');  ...  t.finish(main());
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Strings a model, a dataset or a person could put in any field that reaches a page.
export const HOSTILE = {
  script: '<script>window.__pwned=1;alert(1)</script>',
  img: '"><img src=x onerror="window.__pwned=1">',
  link: 'javascript:window.__pwned=1',
  json: '</script><script>window.__pwned=1</script>',
  bidi: 'safe\u202Etxt.exe\u202C',
  remote: '<img src="https://tracker.example/pixel.gif">',
};

// Writes DIR/hostile: a replay suite named with markup, one exact-match dimension, and the given
// case and response records (objects, one a line); `qualbar run hostile/suite.yaml` then stores it.
export function writeHostileSuite(dir, cases, responses) {
  const d = path.join(dir, 'hostile');
  mkdirSync(d, { recursive: true });
  writeFileSync(path.join(d, 'suite.yaml'), [
    'schema_version: 1',
    'name: hostile-<b>suite</b>',
    'datasets: [cases.jsonl]',
    'system: {provider: replay, responses: responses.jsonl}',
    'dimensions:',
    '  correct: exact-match',
    '',
  ].join('\n'));
  const lines = (records) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';
  writeFileSync(path.join(d, 'cases.jsonl'), lines(cases));
  writeFileSync(path.join(d, 'responses.jsonl'), lines(responses));
}

// `printEach`: print a line for every check as it is made (the check's text then says what was
// checked, not only what failed).
export function harness(script, { printEach = false } = {}) {
  const [qualbarArg, chromiumPath = '/usr/bin/chromium'] = process.argv.slice(2);
  const qualbar = qualbarArg && path.resolve(qualbarArg);
  if (!qualbar) {
    console.error(`usage: node ${script} QUALBAR_BINARY [CHROMIUM]`);
    process.exit(2);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'qualbar-browser-'));
  const failures = [];
  let checks = 0;

  function check(ok, what) {
    checks += 1;
    if (!ok) failures.push(what);
    if (printEach) console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
    return ok;
  }

  // qualbar in the test folder, on its store; the exit codes a command may end with.
  function q(args, codes = [0]) {
    const r = spawnSync(qualbar, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, QUALBAR_STORE: 's.db' } });
    if (!codes.includes(r.status)) throw new Error(`qualbar ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return r.stdout;
  }

  // Starts qualbar serve on a free port; resolves with its base URL and its log (what it wrote
  // to stderr so far: why a request failed).
  function serve(extra = []) {
    const child = spawn(qualbar, ['serve', '--store', 's.db', '--listen', '127.0.0.1:0', ...extra], { cwd: dir });
    let err = '';
    child.stderr.on('data', (b) => { err += b; });
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (b) => {
        out += b;
        const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
        if (m) resolve({ child, base: m[1], log: () => err });
      });
      child.on('exit', (code) => reject(new Error(`qualbar serve exited ${code}`)));
    });
  }

  // A browser context for one person: every request that leaves the server, every dialog and every
  // page error is recorded; with `bodies`, the text of every response too (`seen.texts()`).
  // `bypassCSP` is for a context that injects a checker (axe) into the pages.
  async function personContext(browser, base, name, { bodies = false, bypassCSP = false } = {}) {
    const context = await browser.newContext({ bypassCSP });
    const seen = { offsite: [], dialogs: [], errors: [], responses: [] };
    context.on('request', (r) => {
      if (!r.url().startsWith(base) && !r.url().startsWith('data:')) seen.offsite.push(r.url());
    });
    if (bodies) {
      context.on('response', (r) => {
        seen.responses.push(r.text().then((text) => ({ url: r.url(), status: r.status(), text }), () => ({ url: r.url(), status: r.status(), text: '' })));
      });
    }
    seen.texts = () => Promise.all(seen.responses);
    const page = await context.newPage();
    page.on('dialog', (d) => { seen.dialogs.push(d.message()); d.dismiss(); });
    page.on('pageerror', (e) => seen.errors.push(String(e)));
    const shot = async (what, fullPage = false) => page.screenshot({ path: path.join(dir, `${name}-${what}.png`), fullPage });
    return { context, page, seen, shot };
  }

  // What hostile data must never become on a page: a script that ran, an element with an event
  // handler, a javascript: link.
  async function inert(page, where) {
    const found = await page.evaluate(() => {
      const handlers = [];
      for (const el of document.querySelectorAll('*')) {
        for (const a of el.attributes) if (a.name.startsWith('on')) handlers.push(`${el.tagName} ${a.name}`);
      }
      const jsLinks = [...document.querySelectorAll('a[href]')].filter((a) => a.href.trim().toLowerCase().startsWith('javascript:')).length;
      return { pwned: window.__pwned === 1, handlers, jsLinks };
    });
    check(!found.pwned, `${where}: no script from the data ran${found.pwned ? ' (one did: window.__pwned is set)' : ''}`);
    check(found.handlers.length === 0, `${where}: no element has an event handler${found.handlers.length ? ` (${found.handlers.join(', ')})` : ''}`);
    check(found.jsLinks === 0, `${where}: no javascript: link${found.jsLinks ? ` (${found.jsLinks})` : ''}`);
  }

  // Ends the test: exit 0 when every check passed, else the failed checks and exit 1. The folder is
  // removed on success unless QB_KEEP_TEST_DIRS is set.
  function finish(done) {
    done.then(() => {
      if (failures.length) {
        console.error(`${failures.length} of ${checks} browser checks failed (pages and screenshots in ${dir}):`);
        for (const f of failures) console.error(`  - ${f}`);
        process.exit(1);
      }
      console.log(`${checks} browser checks passed.`);
      if (process.env.QB_KEEP_TEST_DIRS) console.log(`pages and screenshots kept in ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    }, (e) => {
      console.error(`the browser test stopped: ${e.stack || e} (files in ${dir})`);
      if (failures.length) {
        console.error(`${failures.length} of ${checks} checks had failed before it stopped:`);
        for (const f of failures) console.error(`  - ${f}`);
      }
      process.exit(1);
    });
  }

  return { qualbar, chromiumPath, dir, check, q, serve, personContext, inert, finish };
}

export const linkOf = (out) => out.match(/^ {2}(http\S+)$/m)[1];

export async function signIn(page, link) {
  await page.goto(link);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState('load');
}
