// Review queues in a real browser: Playwright (playwright-core, pinned in package.json) driving
// Debian's chromium, axe-core (pinned too) checking accessibility. A store with the demo's runs,
// its production monitor and a run full of hostile strings; reviewers sign in with their one-time
// links and grade by keyboard, an adjudicator settles a disagreement, an admin follows the queue.
//
//   node tests/browser/review.test.mjs QUALBAR_BINARY [CHROMIUM]
//
// What it checks, in order (the lock checks wait for a one-minute lock to run out, and the rest
// runs meanwhile):
//   - an admin opens a queue from the review page's form;
//   - locks: a held item is not handed to another reviewer until its lock runs out, then it is;
//   - two reviewers grade a 20-item queue by keyboard, alternating, each seeing their count rise,
//     one going back (u) to correct a grade: the correction replaces the grade, it is not added;
//   - the live agreement (kappa, alpha) is the one of the grades given;
//   - an adjudicator settles a disagreement; a plain reviewer may not (403);
//   - a pairwise queue: two answers by place (1, 2, 0 for a tie), each pair shown to its two
//     reviewers in opposite orders, agreement over the picks, a tie settled as A or B;
//   - hostile strings in outputs, contexts, references, checks, names, instructions and notes
//     stay text on every review page;
//   - a monitor's closed week graded by two reviewers shows in `monitor status` and on the
//     dashboard;
//   - a grade sent after the lock ran out and the item got its grades is refused (409), and
//     nothing is stored;
//   - no serious or critical axe violation on the review pages;
//   - no reviewer ever receives (in a page, a response, or the API) a model name, a run id, the
//     judge's reasons, another reviewer's name or note.
// Each check prints a line. Exit 0 when every check passes, else 1 with the failed ones listed;
// screenshots are left in the temporary folder it names then, or when QB_KEEP_TEST_DIRS is set.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { harness, linkOf, signIn, writeHostileSuite, HOSTILE } from './lib.mjs';

const { chromiumPath, dir, check, q, serve, personContext, inert, finish } = harness('review.test.mjs', { printEach: true });
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const MONITOR = 'm-support-assistant-demo';
const NAMES = { A: 'grader-alpha', B: 'grader-bravo', C: 'grader-carol', D: 'grader-dana', admin: 'queue-admin' };
const HOSTILE_MODEL = 'hostile-model-7';
const step = (what) => console.log(`\n# ${what}`);
// How pages show HOSTILE.bidi: each bidirectional control becomes U+FFFD (docs/report-html.md).
const SHOWN_BIDI = HOSTILE.bidi.replace(/[\u202A-\u202E]/g, '\uFFFD');

// ---- the store ----

// `qualbar runs`: each run's id and model.
function storedRuns() {
  const out = [];
  for (const line of q(['runs', '--store', 's.db']).split('\n')) {
    const cols = line.trim().split(/\s{2,}/);
    if (/^r-\d{8}-/.test(cols[0])) out.push({ id: cols[0], suite: cols[2], model: cols[3] });
  }
  return out;
}

const queueIdOf = (out) => out.match(/^Review queue (q-[0-9a-f]+) /m)[1];

// A run whose outputs, contexts (their ids too), references, checks and categories are hostile.
function writeHostileRun() {
  const values = Object.values(HOSTILE);
  writeHostileSuite(dir,
    values.map((v, i) => ({
      id: `h-${i}`, category: v, input: `${v} ${HOSTILE.link}`, reference: `${HOSTILE.json} ${v}`,
      contexts: [{ id: `c${i}-${v}`, text: `cited: ${v}` }, { id: `plain-${i}`, text: `${HOSTILE.script} not cited` }],
      assert: [{ type: 'contains', value: v }],
    })),
    values.map((v, i) => ({ id: `h-${i}`, output: `${HOSTILE.json} ${v}`, citations: [`c${i}-${v}`] })));
  writeFileSync(path.join(dir, 'hostile-instructions.txt'), `${HOSTILE.script}\n${HOSTILE.img}\n${HOSTILE.bidi}\n`);
  q(['run', 'hostile/suite.yaml', '--store', 's.db', '-q', '--model', HOSTILE_MODEL], [0, 1]);
}

// The demo, its monitor, the hostile run, the people, and the queues made with the command line.
// The demo's production week 2026-W43 made busier: each of its records sent twice more (new ids,
// the same day), and the monitor topping every category up to 60 a week, so the week's sample
// holds 200 records or more: the size of a team's weekly review.
const WEEK = '2026-W43';
function busierWeek() {
  const lines = readFileSync(path.join(dir, 'd', 'production.jsonl'), 'utf8').split('\n').filter(Boolean);
  const inWeek = lines.map((l) => JSON.parse(l)).filter((r) => r.ts >= '2026-10-19' && r.ts < '2026-10-26');
  const more = [];
  for (const copy of ['b', 'c']) for (const r of inWeek) more.push(JSON.stringify({ ...r, id: `${r.id}-${copy}` }));
  writeFileSync(path.join(dir, 'd', 'production-w43.jsonl'), `${more.join('\n')}\n`);
  const suite = readFileSync(path.join(dir, 'd', 'suite.yaml'), 'utf8');
  if (/^monitor:/m.test(suite)) throw new Error('the demo suite has a monitor map already: merge min_per_window into it');
  writeFileSync(path.join(dir, 'd', 'suite.yaml'), `${suite}\nmonitor:\n  min_per_window: 60\n`);
}

function setUp() {
  q(['demo', '--dir', 'd', '--store', 's.db']);
  busierWeek();
  q(['monitor', 'ingest', 'd/production.jsonl', 'd/production-w43.jsonl', '--suite', 'd/suite.yaml', '--store', 's.db']);
  const demoRuns = storedRuns();
  const v2 = demoRuns.find((r) => r.model === 'support-bot-v2');
  const v1 = demoRuns.find((r) => r.model === 'support-bot-v1');
  writeHostileRun();
  const runs = storedRuns();
  const hostileRun = runs.find((r) => r.model === HOSTILE_MODEL);

  const week = WEEK;

  writeFileSync(path.join(dir, 'instructions.txt'), 'Grade helpful as the rubric says. Read the cited passages first.\n');
  const queues = {
    // Test 1: the demo's v2 answers, 20 of them, two reviewers each.
    grading: queueIdOf(q(['review', 'queue', 'create', '--run', v2.id, '--sample', '20', '--per-item', '2',
      '--name', 'Support answers, December', '--instructions', 'instructions.txt', '--store', 's.db'])),
    // The lock test: three of v1's answers, one reviewer each, held one minute. Seed 2 draws
    // others than the admin's queue (seed 1, one answer of v1); the test checks it.
    locks: queueIdOf(q(['review', 'queue', 'create', '--run', v1.id, '--sample', '3', '--per-item', '1',
      '--seed', '2', '--lock-minutes', '1', '--name', 'Short holds', '--store', 's.db'])),
    // The monitor's closed week, every sampled record, two reviewers each.
    week: queueIdOf(q(['review', 'queue', 'create', '--run', MONITOR, '--week', week, '--per-item', '2',
      '--name', `Production, ${week}`, '--store', 's.db'])),
    // Pairwise: v2's and v1's answers to six cases side by side, two reviewers each.
    pairs: queueIdOf(q(['review', 'queue', 'create', '--run', v2.id, '--run', v1.id, '--sample', '6', '--per-item', '2',
      '--name', 'Which answer is better', '--store', 's.db'])),
    hostile: queueIdOf(q(['review', 'queue', 'create', '--run', hostileRun.id, '--dimension', 'correct', '--sample', '0',
      '--per-item', '2', '--name', `${HOSTILE.script} ${HOSTILE.img}`, '--instructions', 'hostile-instructions.txt', '--store', 's.db'])),
  };
  const links = {};
  for (const who of ['A', 'B', 'C']) links[who] = linkOf(q(['users', 'add', NAMES[who], '--role', 'reviewer']));
  links.D = linkOf(q(['users', 'add', NAMES.D, '--role', 'reviewer', '--adjudicator']));
  links.admin = linkOf(q(['users', 'add', NAMES.admin, '--role', 'admin']));
  // Second sessions, for the contexts that run axe.
  links.axeA = linkOf(q(['users', 'link', NAMES.A]));
  links.axeAdmin = linkOf(q(['users', 'link', NAMES.admin]));

  // What a reviewer must never receive: the models, the runs, the monitor, the judge's reasons.
  const judgeReasons = readFileSync(path.join(dir, 'd', 'judge-grades.jsonl'), 'utf8').split('\n').filter(Boolean)
    .map((l) => JSON.parse(l).reason).filter((r) => r && r.length > 30);
  const secrets = [...new Set(runs.map((r) => r.model)), ...runs.map((r) => r.id), MONITOR, ...new Set(judgeReasons)];
  return { queues, links, secrets, week, v1: v1.id };
}

// ---- the pages ----

// What the review page shows: the item (its place, opaque id, the grade chosen), or that nothing
// is left; the reviewer's count.
async function shown(page) {
  return page.evaluate(() => {
    const form = document.getElementById('grade-form');
    const checked = document.querySelector('fieldset.dim input:checked');
    return {
      done: document.getElementById('done') !== null,
      progress: Number(document.querySelector('#progress b')?.textContent ?? NaN),
      progressText: document.getElementById('progress')?.textContent ?? '',
      pos: form ? Number(form.getAttribute('action').split('/').pop()) : null,
      item: document.querySelector('p.meta code')?.textContent ?? null,
      checked: checked ? checked.value : null,
      scripts: [...document.scripts].map((s) => s.textContent),
    };
  });
}

// Presses a key that leaves the page; resolves with the response of the page it lands on.
async function pressAndLand(page, key) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load', timeout: 10000 }), page.keyboard.press(key)]);
  return response;
}

// Grades the page's one dimension by keyboard: the grade's key, optionally Tab to the note and
// type it (Escape leaves the box), then n.
async function gradeByKeys(page, grade, note = '') {
  if (await page.locator('form#grade-form').count() === 0) return { chosen: null, response: null };
  await page.keyboard.press(String(grade));
  const chosen = (await shown(page)).checked;
  if (note) {
    await page.keyboard.press('Tab');
    await page.keyboard.type(note);
    await page.keyboard.press('Escape');
  }
  const response = await pressAndLand(page, 'n');
  return { chosen, response };
}

async function open(page, url) {
  const response = await page.goto(url);
  return response;
}

// The JSON API with a person's browser session (their context's cookies), as a script on the
// same origin would call it: writes carry the session's CSRF token. Every body is kept with the
// others the person received.
async function api(person, method, url, body) {
  const request = person.context.request;
  const headers = {};
  if (method !== 'GET') {
    if (!person.csrf) person.csrf = (await (await request.get(`${person.base}/api/v1/me`)).json()).csrf;
    Object.assign(headers, { 'X-CSRF-Token': person.csrf, Origin: person.base, 'Content-Type': 'application/json' });
  }
  const r = await request.fetch(`${person.base}${url}`, { method, headers, data: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  person.seen.responses.push(Promise.resolve({ url: `${method} ${url}`, status: r.status(), text }));
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status(), json, text };
}

// Runs axe-core on the page; fails on any serious or critical violation, prints every violation.
async function axeCheck(page, where) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of result.violations) {
    console.log(`     axe ${where}: ${v.impact} ${v.id} — ${v.help}: ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(' | ')}${v.nodes.length > 4 ? ` (+${v.nodes.length - 4})` : ''}`);
  }
  check(bad.length === 0, `axe: ${where}: no serious or critical violation (${result.violations.length} violation(s) in all: ${result.violations.map((v) => `${v.id}/${v.impact}`).join(', ') || 'none'})`);
}

// The grade both reviewers would give an item: a fixed function of its opaque id.
const ruleGrade = (item) => (parseInt(item.slice(-2), 16) % 3 === 0 ? 0 : 1);

// Cohen's kappa of two reviewers' 0/1 grades of the same items, and Krippendorff's alpha
// (nominal, two coders, nothing missing).
function expectedAgreement(pairs) {
  const n = pairs.length;
  const agree = pairs.filter(([a, b]) => a === b).length;
  const a1 = pairs.filter(([a]) => a === 1).length / n;
  const b1 = pairs.filter(([, b]) => b === 1).length / n;
  const pe = a1 * b1 + (1 - a1) * (1 - b1);
  const kappa = ((agree / n) - pe) / (1 - pe);
  const ones = pairs.reduce((s, [a, b]) => s + a + b, 0);
  const zeros = 2 * n - ones;
  const alpha = 1 - ((2 * n - 1) * (n - agree)) / (ones * zeros);
  return { agreement: agree / n, kappa, alpha, disagreements: n - agree };
}

const near = (x, y) => typeof x === 'number' && Math.abs(x - y) < 1e-9;

// ---- the checks ----

// An admin opens a queue from the /review form: one of v1's answers, two reviewers each, held
// one minute. Its id comes from the overview the form lands on.
async function adminOpensAQueue(world) {
  step('an admin opens a queue from the review page');
  const { page } = world.admin;
  await open(page, `${world.base}/review`);
  const form = page.locator('form#create-queue');
  check(await form.count() === 1, 'admin: /review has the form that opens a queue');
  await form.locator('input[name="run"]').fill(world.v1);
  await form.locator('input[name="sample"]').fill('1');
  await form.locator('input[name="per_item"]').fill('2');
  await form.locator('input[name="lock_minutes"]').fill('1');
  await form.locator('input[name="name"]').fill('One record, short hold');
  await Promise.all([page.waitForNavigation(), form.getByRole('button', { name: 'Open the queue' }).click()]);
  const m = new URL(page.url()).pathname.match(/^\/review\/(q-[0-9a-f]+)\/overview$/);
  check(m !== null, `admin: the form lands on the new queue's overview (${page.url()})`);
  world.queues.late = m ? m[1] : 'none';
  const verdict = await page.locator('#verdict').innerText().catch(() => '');
  check(verdict.includes('0 of 1 items have every grade'), `admin: the new queue has 1 item, none graded ("${verdict}")`);
  const meta = await page.locator('p.meta').first().innerText();
  check(meta.includes('2 reviewers per item') && /holds an item for 1 minute\b/.test(meta), `admin: the overview says 2 reviewers per item, held 1 minute ("${meta}")`);
}

// Part one of the locks: A takes an item of the one-reviewer queue and abandons it; B gets the
// others but not that one. C takes the one item of the admin's queue and chooses a grade without
// sending it; A grades it; B gets nothing while C holds it.
async function locksHeld(world) {
  step('locks: held items are not handed out');
  const { A, B, C } = world;
  const { locks, late } = world.queues;
  await open(A.page, `${world.base}/review/${locks}`);
  const held = await shown(A.page);
  check(held.item !== null, `A: the lock queue hands out an item (${held.item})`);
  const heldApi = await api(A, 'GET', `/api/v1/review/queues/${locks}/next`);
  check(heldApi.json?.item?.item === held.item, 'A: the API\'s next item is the one A holds');
  const deadlines = [heldApi.json?.item?.locked_until ?? 0];
  await open(A.page, `${world.base}/review`);  // A walks away from it

  await open(B.page, `${world.base}/review/${locks}`);
  const seenByB = [];
  for (let i = 0; i < 5; i += 1) {
    const s = await shown(B.page);
    if (s.done) break;
    seenByB.push(s.item);
    await gradeByKeys(B.page, ruleGrade(s.item));
  }
  check(seenByB.length === 2 && !seenByB.includes(held.item), `B: gets the 2 other items of the lock queue, not A's held one (got ${seenByB.join(', ')}; A holds ${held.item})`);
  const doneText = await B.page.locator('#done').innerText().catch(() => '');
  check(/another reviewer holds come back/.test(doneText), 'B: then "nothing left", saying held items come back');

  await open(C.page, `${world.base}/review/${late}`);
  const cHolds = await shown(C.page);
  check(cHolds.item !== null, `C: the admin's queue hands out its item (${cHolds.item})`);
  check(![held.item, ...seenByB].includes(cHolds.item), 'the lock queue and the admin\'s queue share no item (each has its own draw)');
  const cApi = await api(C, 'GET', `/api/v1/review/queues/${late}/next`);
  deadlines.push(cApi.json?.item?.locked_until ?? 0);
  await C.page.keyboard.press('0');  // chosen, not sent: C walks away with the page open
  check((await shown(C.page)).checked === '0', 'C: pressing 0 checks "0 fail"');

  await open(A.page, `${world.base}/review/${late}`);
  const aGets = await shown(A.page);
  check(aGets.item === cHolds.item, 'A: gets the item C holds too (it needs two reviewers)');
  await gradeByKeys(A.page, 1);
  check((await shown(A.page)).done, 'A: then nothing is left in that queue');
  await open(B.page, `${world.base}/review/${late}`);
  check((await shown(B.page)).done, 'B: gets nothing while C holds the item A graded (one grade + one hold = two reviewers)');
  world.locks = { held: held.item, late: cHolds.item, deadline: Math.max(...deadlines) };
}

// Test 1 and 3: A and B grade the 20-item queue by keyboard, taking turns. B disagrees with the
// rule on its first three items and says why in a note. A, at its tenth item, presses u, finds its
// last grade checked, and changes it. A's second browser session runs axe on A's pages.
async function twoReviewersGrade(world) {
  step('two reviewers grade 20 items by keyboard');
  const { A, B, axeA } = world;
  const queue = world.queues.grading;
  const people = [A, B];
  for (const p of people) {
    p.grades = new Map();  // item → grade
    p.posOf = new Map();   // item → pos
    p.rises = [];          // progress before → after each grade
    p.count = 0;
    p.done = false;
    await open(p.page, `${world.base}/review/${queue}`);
  }
  const first = await shown(A.page);
  check(first.progress === 0 && /0 of 20 items/.test(first.progressText), `A: the first item says 0 graded, 0 of 20 items done ("${first.progressText.trim()}")`);
  check(await A.page.locator('details#instructions').evaluate((d) => d.textContent.includes('Read the cited passages')), 'A: the instructions are one click away (details#instructions)');
  check(await A.page.locator('fieldset.dim.current').count() === 1, 'A: the dimension to grade is outlined (fieldset.dim.current)');
  check((await A.page.locator('#contexts .ctx.cited').count()) > 0, 'A: the contexts the answer cites are marked (.ctx.cited)');
  await A.page.keyboard.press('?');
  check(await A.page.locator('details#keys').evaluate((d) => d.open), 'A: ? opens the keyboard help');
  await A.page.keyboard.press('?');
  check(!(await A.page.locator('details#keys').evaluate((d) => d.open)), 'A: ? again closes it');
  await A.shot('first-item', true);

  for (let guard = 0; guard < 60 && !(A.done && B.done); guard += 1) {
    for (const p of people) {
      if (p.done) continue;
      const s = await shown(p.page);
      p.doms.push(await p.page.content());
      if (s.done) { p.done = true; continue; }
      if (p === A && p.count === 5) {
        const axePage = axeA.page;
        await open(axePage, `${world.base}/review/${queue}`);
        check((await shown(axePage)).item === s.item, 'A\'s second session: the queue shows the item A holds (no second hand-out)');
        await axeCheck(axePage, 'a reviewer\'s item page');
        const [firstItem] = A.grades.keys();
        await open(axePage, `${world.base}/review/${queue}/items/${A.posOf.get(firstItem)}`);
        await axeCheck(axePage, 'a reviewer\'s item page, correcting a grade');
      }
      if (p === A && p.count === 10) await undoByKeys(world, s);
      const flip = p === B && p.count < 3;
      const grade = flip ? 1 - ruleGrade(s.item) : ruleGrade(s.item);
      const note = flip ? `note-from-bravo: item ${p.count + 1} misses the point` : '';
      const { chosen } = await gradeByKeys(p.page, grade, note);
      if (chosen !== String(grade)) p.rises.push(`${s.item}: pressed ${grade}, ${chosen} checked`);
      const after = await shown(p.page);
      if (after.progress !== s.progress + 1) p.rises.push(`${s.progress} → ${after.progress}`);
      p.grades.set(s.item, grade);
      p.posOf.set(s.item, s.pos);
      p.count += 1;
    }
  }
  for (const p of people) {
    check(p.done && p.grades.size === 20, `${p.label}: graded 20 different items by keyboard and reached "nothing left" (p#done)`);
    check(p.rises.length === 0, `${p.label}: the count rose by one with every grade, and the key pressed checked that grade${p.rises.length ? ` (${p.rises.slice(0, 3).join('; ')})` : ''}`);
    await open(p.page, `${world.base}/review/${queue}`);
    const end = await shown(p.page);
    check(end.progress === 20 && /20 of 20 items/.test(end.progressText), `${p.label}: the done page says 20 graded, 20 of 20 items done ("${end.progressText.trim()}")`);
  }
  await A.shot('done', true);
  await open(axeA.page, `${world.base}/review/${queue}`);
  await axeCheck(axeA.page, 'a reviewer\'s done page');
  await open(axeA.page, `${world.base}/review`);
  await axeCheck(axeA.page, 'a reviewer\'s /review');
}

// Test 3: u on an item page opens the last graded item with its grade checked; a new grade there
// is a correction, and the reviewer returns to the item they hold.
async function undoByKeys(world, holding) {
  step('undo: u, change the grade, n');
  const { A } = world;
  const queue = world.queues.grading;
  const last = [...A.grades.keys()].pop();
  await pressAndLand(A.page, 'u');
  check(new URL(A.page.url()).pathname === `/review/${queue}/items/${A.posOf.get(last)}`, `A: u opens the last item graded (${A.page.url()})`);
  const s = await shown(A.page);
  check(s.checked === String(A.grades.get(last)), `A: its grade is checked (${s.checked}, given ${A.grades.get(last)})`);
  check((await A.page.locator('p.notice').innerText().catch(() => '')).includes('You graded this item already'), 'A: the page says a new grade replaces the earlier one');
  const errors = A.seen.errors.length;
  await A.page.keyboard.press('s');
  check(A.seen.errors.length === errors, `A: s on a correction (which has no "cannot judge") raises no script error${A.seen.errors.length > errors ? ` (${A.seen.errors.slice(errors).join(' | ')})` : ''}`);
  A.seen.errors.splice(errors);  // counted here, not again at the end
  await A.shot('correction', true);
  const corrected = 1 - A.grades.get(last);
  await gradeByKeys(A.page, corrected);
  const back = await shown(A.page);
  check(back.item === holding.item, 'A: after the correction, the queue shows the item A was holding');
  check(back.progress === holding.progress, `A: the count did not move for a correction (${holding.progress} → ${back.progress})`);
  A.grades.set(last, corrected);
  A.corrected = last;
  const viaApi = await api(A, 'GET', `/api/v1/review/queues/${queue}/items/${A.posOf.get(last)}`);
  check(viaApi.json?.item?.dimensions?.[0]?.mine === corrected && viaApi.json?.item?.correction === true, `A: the API shows the corrected grade as A's (${JSON.stringify(viaApi.json?.item?.dimensions?.[0]?.mine)})`);
}

// The admin's overview after the grading: each reviewer counted once per item, the correction
// replacing A's grade, the agreement figures those of the grades given.
async function agreementIsLive(world) {
  step('the admin\'s live agreement');
  const { A, B } = world;
  const queue = world.queues.grading;
  const o = await api(world.admin, 'GET', `/api/v1/review/queues/${queue}/overview`);
  const byName = Object.fromEntries((o.json?.reviewers ?? []).map((r) => [r.reviewer, r]));
  check(byName[NAMES.A]?.graded === 20 && byName[NAMES.B]?.graded === 20, `overview: each reviewer graded 20 (A ${byName[NAMES.A]?.graded}, B ${byName[NAMES.B]?.graded}); the correction is not a 21st`);
  const pairs = [...A.grades].map(([item, g]) => [g, B.grades.get(item)]);
  const want = expectedAgreement(pairs);
  world.expectedDisagreements = want.disagreements;
  check(want.disagreements === 4, `the grades given disagree on 4 items, B's three and A's corrected one (${want.disagreements})`);
  const dim = o.json?.agreement?.dimensions?.find((d) => d.dimension === 'helpful');
  check(dim?.items_multiple === 20, `overview: 20 items graded by two reviewers (${dim?.items_multiple})`);
  check(o.json?.open_disagreements === want.disagreements, `overview: ${want.disagreements} open disagreements (${o.json?.open_disagreements})`);
  check(near(dim?.agreement, want.agreement), `overview: agreement ${dim?.agreement} = ${want.agreement}`);
  check(near(dim?.pairs?.[0]?.kappa, want.kappa), `overview: Cohen's kappa ${dim?.pairs?.[0]?.kappa} = ${want.kappa.toFixed(6)} of the grades given`);
  check(near(dim?.krippendorff_alpha, want.alpha), `overview: Krippendorff's alpha ${dim?.krippendorff_alpha} = ${want.alpha.toFixed(6)}`);
  const corrected = (dim?.disagreements ?? []).find((x) => x.id === A.corrected);
  check(corrected && corrected.grades[NAMES.A] === A.grades.get(A.corrected) && Object.keys(corrected.grades).length === 2,
    `overview: A's corrected item disagrees, with A's new grade only (${JSON.stringify(corrected?.grades)})`);

  const { page } = world.admin;
  await open(page, `${world.base}/review/${queue}/overview`);
  const table = await page.locator('table#agreement').innerText().catch(() => '');
  // Two decimals of a value the page and this script compute apart: at a rounding boundary (a kappa
  // of exactly 0.375) the last bit may tip either way.
  const shows = (v) => [v - 1e-9, v + 1e-9].some((x) => table.includes(x.toFixed(2)));
  check(shows(want.kappa) && shows(want.alpha), `overview page: the agreement table shows kappa ${want.kappa.toFixed(2)} and alpha ${want.alpha.toFixed(2)}`);
  const reviewers = await page.locator('table#reviewers').innerText().catch(() => '');
  check(reviewers.includes(NAMES.A) && reviewers.includes(NAMES.B), 'overview page: the reviewers table lists both reviewers');
  check((await page.locator('#verdict').innerText()).includes(`${want.disagreements} disagreements to settle`), `overview page: the verdict says ${want.disagreements} disagreements to settle`);
  await world.admin.shot('overview', true);
}

// Test 5: the adjudicator settles one disagreement from the page; a plain reviewer is refused.
async function adjudication(world) {
  step('adjudication');
  const { D, A } = world;
  const queue = world.queues.grading;
  const want = world.expectedDisagreements;
  await open(D.page, `${world.base}/review`);
  const row = D.page.locator('table#queues tr', { hasText: 'Support answers, December' });
  await Promise.all([D.page.waitForNavigation(), row.getByRole('link', { name: 'Adjudicate' }).click()]);
  check(new URL(D.page.url()).pathname === `/review/${queue}/adjudicate`, `D: the Adjudicate link opens ${D.page.url()}`);
  const sections = D.page.locator('section.disagreement');
  check(await sections.count() === want, `D: ${want} disagreements listed (${await sections.count()})`);
  const firstText = await sections.first().innerText();
  check(firstText.includes(NAMES.A) && firstText.includes(NAMES.B) && firstText.includes('note-from-bravo'), 'D: a disagreement shows both reviewers\' grades and the note');
  await Promise.all([D.page.waitForNavigation(), sections.first().locator('h2 a').click()]);
  check(await D.page.locator('#answer').count() === 1 && await sections.count() === 1, 'D: the item\'s own page shows the answer and its disagreement');
  await D.shot('adjudicate-item', true);
  await sections.first().getByLabel('1 pass').check();
  await sections.first().locator('input[name="note"]').fill('settled: the answer is right');
  await Promise.all([D.page.waitForNavigation(), sections.first().getByRole('button', { name: 'Settle' }).click()]);
  check(new URL(D.page.url()).pathname === `/review/${queue}/adjudicate` && await sections.count() === want - 1, `D: after Settle, ${want - 1} disagreements are left (${await sections.count()})`);
  const o = await api(world.admin, 'GET', `/api/v1/review/queues/${queue}/overview`);
  check(o.json?.open_disagreements === want - 1, `overview: one disagreement fewer (${o.json?.open_disagreements})`);
  check(o.json?.agreement?.dimensions?.[0]?.adjudicated === 1, `overview: 1 adjudicated (${o.json?.agreement?.dimensions?.[0]?.adjudicated})`);
  const d = await api(D, 'GET', `/api/v1/review/queues/${queue}/disagreements`);
  check(d.status === 200 && d.json?.disagreements?.length === want - 1, `D: the disagreements API lists ${want - 1} (${d.json?.disagreements?.length})`);

  // A plain reviewer: no link, 403 on the page and the API.
  await open(A.page, `${world.base}/review`);
  check(await A.page.getByRole('link', { name: 'Adjudicate' }).count() === 0, 'A: /review shows no Adjudicate link to a plain reviewer');
  check(await A.page.getByRole('link', { name: 'Overview' }).count() === 0 && await A.page.locator('form#create-queue').count() === 0, 'A: nor an overview link or the form that opens queues');
  const refused = await open(A.page, `${world.base}/review/${queue}/adjudicate`);
  check(refused.status() === 403, `A: /review/${queue}/adjudicate answers ${refused.status()} (403)`);
  const refusedItem = await open(A.page, `${world.base}/review/${queue}/adjudicate/0`);
  check(refusedItem.status() === 403, `A: an item's adjudication page answers ${refusedItem.status()} (403)`);
  const refusedApi = await api(A, 'GET', `/api/v1/review/queues/${queue}/disagreements`);
  const refusedPost = await api(A, 'POST', `/api/v1/review/queues/${queue}/adjudications`, { pos: 0, dimension: 'helpful', grade: 1 });
  const refusedOverview = await api(A, 'GET', `/api/v1/review/queues/${queue}/overview`);
  check(refusedApi.status === 403 && refusedPost.status === 403 && refusedOverview.status === 403,
    `A: the disagreements, adjudications and overview APIs answer ${refusedApi.status}, ${refusedPost.status}, ${refusedOverview.status} (403)`);
}

// Test 6: the hostile run's queue. A reads an item, grades it with a hostile note, skips the next
// with a hostile reason, presses u to see the note again; B grades the first item otherwise with
// a hostile note; D and the admin open the adjudication and the overview.
async function hostileStringsStayText(world) {
  step('hostile strings stay text');
  const { A, B, D } = world;
  const queue = world.queues.hostile;
  await open(A.page, `${world.base}/review/${queue}`);
  const s = await shown(A.page);
  await A.page.locator('details#contexts').evaluate((d) => { d.open = true; });
  await A.page.locator('details#instructions').evaluate((d) => { d.open = true; });
  await A.shot('hostile-item', true);
  await inert(A.page, 'hostile item page');
  check(s.scripts.length === 1 && s.scripts[0].includes("getElementById('grade-form')"), `hostile item page: one script, the page's own (${s.scripts.length})`);
  const answer = await A.page.locator('#answer').innerText();
  check(answer.includes(HOSTILE.json), 'hostile item page: </script><script> in the answer shows as text');
  const body = await A.page.locator('main').innerText();
  check(body.includes(HOSTILE.script) && body.includes(HOSTILE.img) && body.includes(HOSTILE.link), 'hostile item page: <script>, "><img onerror> and javascript: show as text');
  const noBidi = await A.page.evaluate(() => !/[\u202A-\u202E\u2066-\u2069]/.test(document.documentElement.outerHTML));
  check(body.includes(SHOWN_BIDI) && noBidi, 'hostile item page: the bidi override shows as U+FFFD, never obeyed (none in the page)');
  check((await A.page.locator('h1').innerText()).includes(HOSTILE.script), 'hostile item page: the queue\'s hostile name is its heading, as text');
  check((await A.page.locator('details#instructions').innerText()).includes(HOSTILE.img), 'hostile item page: the hostile instructions show as text');
  const cited = await A.page.locator('#contexts .ctx.cited').allInnerTexts();
  check(cited.length === 1 && cited[0].includes('cited:'), `hostile item page: the cited context (hostile id) is the one marked (${cited.length})`);
  await A.page.locator('details#contexts').evaluate((d) => { d.open = false; });
  await A.page.locator('details#instructions').evaluate((d) => { d.open = false; });
  await A.page.keyboard.press('Escape');
  await A.page.locator('fieldset.dim input').first().focus();

  const note = `note-from-alpha ${HOSTILE.img} ${HOSTILE.script} ${HOSTILE.link} ${HOSTILE.bidi}`;
  const grade = 1;
  await gradeByKeys(A.page, grade, note);
  const second = await shown(A.page);
  const reason = `cannot judge ${HOSTILE.json} ${HOSTILE.remote}`;
  await A.page.keyboard.press('s');
  check(await A.page.locator('details#skip').evaluate((d) => d.open) && await A.page.evaluate(() => document.activeElement?.id) === 'skip-reason',
    'A: s opens "I cannot judge" with the cursor in its reason');
  await A.page.keyboard.type(reason);
  await pressAndLand(A.page, 'Enter');
  const third = await shown(A.page);
  check(third.item !== second.item && /could not judge 1/.test(third.progressText), `A: the skipped item is gone and the count says so ("${third.progressText.trim()}")`);
  await pressAndLand(A.page, 'u');
  const noteBack = await A.page.locator('textarea#note').inputValue();
  check(noteBack === note.replace(HOSTILE.bidi, SHOWN_BIDI), `A: u shows the hostile note back in the note box, as typed but the bidi override (${JSON.stringify(noteBack)})`);
  const stored = await api(A, 'GET', `/api/v1/review/queues/${queue}/items/${s.pos}`);
  check(stored.json?.item?.note === note, `A: the API gives the note exactly as typed (${JSON.stringify(stored.json?.item?.note)})`);
  await inert(A.page, 'correcting a hostile note');
  const scripts = (await shown(A.page)).scripts;
  check(scripts.length === 1 && scripts[0].includes("getElementById('grade-form')"), `correcting a hostile note: one script, the page's own (${scripts.length})`);
  await A.shot('hostile-correction', true);

  // B grades the first item the other way with a hostile note, by the API.
  const next = await api(B, 'GET', `/api/v1/review/queues/${queue}/next`);
  check(next.json?.item?.item === s.item, 'B: the API hands B the item A graded first');
  check(next.json?.item?.output?.includes(HOSTILE.json), 'B: the API gives the answer as it is (JSON, not HTML)');
  const sent = await api(B, 'POST', `/api/v1/review/queues/${queue}/items/${next.json?.item?.pos}`, { grades: { correct: 1 - grade }, note: `note-from-bravo ${HOSTILE.json} ${HOSTILE.remote}` });
  check(sent.status === 200 && sent.json?.outcome === 'stored', `B: the grade is stored (${sent.status} ${sent.json?.outcome})`);

  await open(D.page, `${world.base}/review/${queue}/adjudicate`);
  await inert(D.page, 'hostile adjudication page');
  const adj = await D.page.locator('main').innerText();
  check(adj.includes(HOSTILE.json) && adj.includes(HOSTILE.img), 'hostile adjudication page: both hostile notes show as text');
  check(await D.page.evaluate(() => document.scripts.length) === 0, 'hostile adjudication page: no script element');
  await D.page.locator('section.disagreement h2 a').first().click();
  await D.page.waitForLoadState('load');
  await inert(D.page, 'hostile adjudication item page');
  await D.shot('hostile-adjudicate', true);
  const { page } = world.admin;
  await open(page, `${world.base}/review/${queue}/overview`);
  await inert(page, 'hostile queue overview');
  check(await page.evaluate(() => document.scripts.length) === 0, 'hostile queue overview: no script element');
  await open(page, `${world.base}/review`);
  await inert(page, 'admin /review with a hostile queue name');
  for (const p of [A, B, D, world.admin]) {
    check(p.seen.dialogs.length === 0, `${p.label}: no dialog opened${p.seen.dialogs.length ? ` (${p.seen.dialogs.join(' | ')})` : ''}`);
    check(p.seen.offsite.length === 0, `${p.label}: no request left the origin${p.seen.offsite.length ? ` (${p.seen.offsite.join(', ')})` : ''}`);
  }
}

// Test 8: the monitor's closed week, every record to A and B through the API with their sessions;
// B disagrees on its first five. `monitor status` and the dashboard then count the week's grades.
async function monitorWeekGraded(world) {
  step(`a monitor's closed week (${world.week}) graded by two reviewers`);
  const { A, B } = world;
  const queue = world.queues.week;
  const landed = await open(A.page, `${world.base}/review/${queue}`);
  const first = await shown(A.page);
  const why = world.log().split('\n').filter((l) => l.includes(queue)).pop() ?? '';
  check(landed.status() === 200 && first.item !== null, `A: the week's queue page shows a production record to grade (${landed.status()}${landed.status() === 200 ? '' : `; the server's log: ${why}`})`);
  await A.shot('production-record', true);
  const info = (await api(A, 'GET', '/api/v1/review/queues')).json?.queues?.find((x) => x.id === queue);
  const items = info?.items ?? 0;
  console.log(`     the week's queue has ${items} records, ${2 * items} grades to give`);
  const grades = { A: new Map(), B: new Map() };
  const refused = [];
  for (let guard = 0; guard < 2 * items + 4; guard += 1) {
    let gave = false;
    for (const [key, p] of [['A', A], ['B', B]]) {
      const n = await api(p, 'GET', `/api/v1/review/queues/${queue}/next`);
      const it = n.json?.item;
      if (n.status !== 200) refused.push(`${key} next: ${n.status} ${n.text.trim().slice(0, 120)}`);
      if (!it) continue;
      const flip = key === 'B' && grades.B.size < 5;
      const g = flip ? 1 - ruleGrade(it.item) : ruleGrade(it.item);
      const r = await api(p, 'POST', `/api/v1/review/queues/${queue}/items/${it.pos}`, { grades: { helpful: g } });
      if (r.status !== 200 || r.json?.outcome !== 'stored') refused.push(`${key} ${it.pos}: ${r.status} ${r.text.trim().slice(0, 120)}`);
      grades[key].set(it.item, g);
      gave = true;
    }
    if (!gave) break;
  }
  check(items >= 200, `the week's queue holds every sampled record of ${world.week}: ${items} (200 or more)`);
  check(items > 0 && grades.A.size === items && grades.B.size === items && refused.length === 0,
    `A and B each graded all ${items} records through the API (${grades.A.size}, ${grades.B.size})${refused.length ? `; refused: ${refused.slice(0, 2).join('; ')}` : ''}`);
  const agreed = [...grades.A].filter(([item, g]) => grades.B.get(item) === g).length;

  const status = JSON.parse(q(['monitor', 'status', '--suite', 'd/suite.yaml', '--store', 's.db', '--format', 'json'], [0, 1]));
  const w = status.review.find((r) => r.dimension === 'helpful').weeks.find((x) => x.week === world.week);
  check(w?.double_graded === items && w?.agreed === agreed && w?.graded === agreed,
    `monitor status: ${world.week} has ${items} records graded by two, ${agreed} agreeing and so graded (${JSON.stringify(w)})`);
  const gaps = status.grading_gaps.find((g) => g.dimension === 'helpful')?.weeks.map((x) => x.week) ?? [];
  check(!gaps.includes(world.week), `monitor status: ${world.week} is no longer short of grades (short: ${gaps.join(', ')})`);
  const text = q(['monitor', 'status', '--suite', 'd/suite.yaml', '--store', 's.db'], [0, 1]);
  const notTested = text.split('\n\n').find((b) => b.startsWith('NOT TESTED')) ?? '';
  check(!notTested.includes(world.week), `monitor status (text): ${world.week} left the NOT TESTED list`);

  const admin = world.admin.page;
  await open(admin, `${world.base}/production/${MONITOR}`);
  const row = await admin.evaluate((week) => {
    const h2 = [...document.querySelectorAll('h2')].find((h) => h.textContent.trim() === 'Review progress');
    for (let el = h2?.nextElementSibling; el && el.tagName !== 'H2'; el = el.nextElementSibling) {
      for (const tr of el.querySelectorAll('tr')) {
        const cells = [...tr.cells].map((c) => c.textContent.trim());
        if (cells[0] === week) return cells;
      }
    }
    return null;
  }, world.week);
  check(row !== null && row[2] === String(agreed) && row[4] === String(items) && row[6] === 'enough',
    `dashboard: the review progress row of ${world.week} reads ${agreed} graded, ${items} by two reviewers, enough (${JSON.stringify(row)})`);
  await world.admin.shot('dashboard', true);
}

// Part two of the locks, once they ran out: B gets the item A abandoned; B gives the admin's
// queue's item its second grade; then C sends the grade chosen long ago: 409, nothing stored.
async function locksRanOut(world) {
  const wait = world.locks.deadline * 1000 + 1500 - Date.now();
  step(`locks run out (waiting ${Math.max(0, Math.round(wait / 1000))} s more)`);
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const { A, B, C } = world;
  const { locks, late } = world.queues;
  await open(B.page, `${world.base}/review/${locks}`);
  const back = await shown(B.page);
  check(back.item === world.locks.held, `B: after the lock ran out, B gets the item A abandoned (${back.item}, A held ${world.locks.held})`);
  await gradeByKeys(B.page, ruleGrade(back.item ?? '0'));
  check((await shown(B.page)).done, 'B: then the lock queue is done for B');
  await open(A.page, `${world.base}/review/${locks}`);
  check((await shown(A.page)).done, 'A: the lock queue has nothing left for A (B graded the item A abandoned)');
  const lockQueue = (await api(world.admin, 'GET', `/api/v1/review/queues/${locks}/overview`)).json;
  check(lockQueue?.queue?.finished === 3, `overview: the lock queue has all 3 items graded (${lockQueue?.queue?.finished})`);

  await open(B.page, `${world.base}/review/${late}`);
  const second = await shown(B.page);
  check(second.item === world.locks.late, 'B: after C\'s lock ran out, B gets the item C held');
  await gradeByKeys(B.page, 1);

  step('a stale grade: 409');
  const response = await pressAndLand(C.page, 'n');
  check(response.status() === 409, `C: sending the grade after the lock ran out and two others graded answers ${response.status()} (409)`);
  const conflict = await C.page.locator('p#conflict').innerText().catch(() => '');
  check(/ran out/.test(conflict) && /not stored/.test(conflict), `C: the 409 page says why, in p#conflict ("${conflict}")`);
  await C.shot('conflict', true);
  const viaApi = await api(C, 'POST', `/api/v1/review/queues/${late}/items/0`, { grades: { helpful: 0 } });
  check(viaApi.status === 409, `C: the same grade through the API answers ${viaApi.status} (409)`);
  const o = (await api(world.admin, 'GET', `/api/v1/review/queues/${late}/overview`)).json;
  const byName = Object.fromEntries((o?.reviewers ?? []).map((r) => [r.reviewer, r.graded]));
  check((byName[NAMES.C] ?? 0) === 0 && byName[NAMES.A] === 1 && byName[NAMES.B] === 1, `overview: C has 0 graded, A and B 1 each (${JSON.stringify(byName)})`);
  check(o?.queue?.finished === 1 && o?.open_disagreements === 0, `overview: the item is finished with no disagreement: C's "0 fail" was not counted (finished ${o?.queue?.finished}, open ${o?.open_disagreements})`);
}

// Pairwise: A and B grade six pairs by keyboard, A always picking answer 1 (key 1), B answer 2
// (key 2) but a tie (key 0) on their first pair. The two see each pair in opposite orders, so
// they agree on every pair but the tie; the adjudicator settles that one by A and B.
async function pairwiseByKeys(world) {
  step('a pairwise queue graded by keyboard');
  const { A, B, D, axeA } = world;
  const queue = world.queues.pairs;
  const orders = { A: new Map(), B: new Map() };  // pos → [answer 1, answer 2]
  const wrongKey = [];
  for (const [key, p] of [['A', A], ['B', B]]) {
    await open(p.page, `${world.base}/review/${queue}`);
    if (key === 'A') {
      check(await p.page.locator('#answer-1').count() === 1 && await p.page.locator('#answer-2').count() === 1,
        'A: a pair shows two answers, #answer-1 and #answer-2');
      const headings = await p.page.locator('.pair h3').allTextContents();
      check(headings.join('|') === 'Answer 1|Answer 2', `A: named by place only: ${headings.join(', ')}`);
      await open(axeA.page, `${world.base}/review/${queue}`);
      await axeCheck(axeA.page, 'a reviewer\'s pair page');
      await A.shot('pair', true);
    }
    for (let guard = 0; guard < 10; guard += 1) {
      const s = await shown(p.page);
      p.doms.push(await p.page.content());
      if (s.done) break;
      const answers = [await p.page.locator('#answer-1').innerText(), await p.page.locator('#answer-2').innerText()];
      orders[key].set(s.pos, answers);
      const press = key === 'A' ? '1' : orders.B.size === 1 ? '0' : '2';
      await p.page.keyboard.press(press);
      const chosen = (await shown(p.page)).checked;
      const want = { 1: 'first', 2: 'second', 0: 'tie' }[press];
      if (chosen !== want) wrongKey.push(`${key} pressed ${press}, ${chosen} checked`);
      await pressAndLand(p.page, 'n');
    }
  }
  check(orders.A.size === 6 && orders.B.size === 6, `A and B each picked in all 6 pairs (${orders.A.size}, ${orders.B.size})`);
  check(wrongKey.length === 0, `keys 1, 2 and 0 pick answer 1, answer 2 and a tie${wrongKey.length ? `: ${wrongKey.join('; ')}` : ''}`);
  // (Where v1 and v2 wrote the same answer, the order cannot be seen.)
  const differing = [...orders.A].filter(([, [one, two]]) => one !== two);
  const swapped = differing.filter(([pos, [one, two]]) => {
    const b = orders.B.get(pos);
    return b && b[0] === two && b[1] === one;
  }).length;
  check(differing.length >= 3 && swapped === differing.length,
    `each pair was shown to A and B in opposite orders (${swapped} of the ${differing.length} pairs whose answers differ)`);
  const o = (await api(world.admin, 'GET', `/api/v1/review/queues/${queue}/overview`)).json;
  const agreement = o?.agreement?.dimensions?.[0];
  check(agreement?.items_multiple === 6 && near(agreement?.agreement, 5 / 6) && o?.open_disagreements === 1,
    `overview: 6 pairs picked by two, agreeing on 5 (the tie apart), 1 to settle (${agreement?.items_multiple}, ${agreement?.agreement}, ${o?.open_disagreements})`);

  await open(D.page, `${world.base}/review/${queue}/adjudicate`);
  const section = D.page.locator('section.disagreement');
  check(await section.count() === 1 && /: tie/.test(await section.first().innerText()), 'D: the one disagreement lists a tie against a pick');
  await Promise.all([D.page.waitForNavigation(), section.first().locator('h2 a').click()]);
  const headings = await D.page.locator('.pair h3').allTextContents();
  check(headings.join('|') === 'Answer A|Answer B', `D: the adjudicator sees the pair as A and B (${headings.join(', ')})`);
  await section.first().getByLabel('A', { exact: true }).check();
  await Promise.all([D.page.waitForNavigation(), section.first().getByRole('button', { name: 'Settle' }).click()]);
  const after = (await api(world.admin, 'GET', `/api/v1/review/queues/${queue}/overview`)).json;
  check(after?.open_disagreements === 0, `overview: the pair is settled (${after?.open_disagreements} open)`);
}

// Accessibility of the admin's and adjudicator's pages.
async function adminPagesAccessible(world) {
  step('axe on the admin\'s pages');
  const { page } = world.axeAdmin;
  const queue = world.queues.grading;
  await open(page, `${world.base}/review`);
  await axeCheck(page, 'an admin\'s /review (with the form)');
  await open(page, `${world.base}/review/${queue}/overview`);
  await axeCheck(page, 'the overview');
  await open(page, `${world.base}/review/${queue}/adjudicate`);
  await axeCheck(page, 'the adjudication page');
  const first = await page.locator('section.disagreement h2 a').first().getAttribute('href');
  await open(page, `${world.base}${first}`);
  await axeCheck(page, 'an item\'s adjudication page');
}

// Every page, response and API answer a reviewer received, for what must never reach them.
async function reviewersStayedBlind(world) {
  step('blind: what the reviewers received');
  const { A, B, C } = world;
  // The API answers a reviewer can fetch, asked once more.
  for (const p of [A, B, C]) {
    for (const queue of Object.values(world.queues)) {
      await api(p, 'GET', '/api/v1/review/queues');
      await api(p, 'GET', `/api/v1/review/queues/${queue}/next`);
    }
  }
  for (const [item, pos] of A.posOf) {
    const r = await api(A, 'GET', `/api/v1/review/queues/${world.queues.grading}/items/${pos}`);
    if (r.json?.item?.dimensions?.[0]?.mine !== A.grades.get(item)) A.wrongMine = (A.wrongMine ?? 0) + 1;
  }
  for (const [item, pos] of B.posOf) {
    const r = await api(B, 'GET', `/api/v1/review/queues/${world.queues.grading}/items/${pos}`);
    if (r.json?.item?.dimensions?.[0]?.mine !== B.grades.get(item)) B.wrongMine = (B.wrongMine ?? 0) + 1;
  }
  for (const p of [A, B]) check(!p.wrongMine, `${p.label}: every graded item fetched from the API holds ${p.label}'s own grade, never the other's (${p.wrongMine ?? 0} wrong)`);
  const notes = { A: ['note-from-bravo'], B: ['note-from-alpha'], C: ['note-from-alpha', 'note-from-bravo'] };
  for (const [key, p] of [['A', A], ['B', B], ['C', C]]) {
    const others = Object.entries(NAMES).filter(([k]) => k !== key).map(([, n]) => n);
    const bodies = [...(await p.seen.texts()), ...p.doms.map((text) => ({ url: 'a page\'s DOM', text }))];
    const leaks = [];
    for (const secret of [...world.secrets, ...others, ...notes[key]]) {
      const where = bodies.filter((b) => b.text.includes(secret));
      if (where.length) leaks.push(`"${secret.slice(0, 40)}" in ${where.length} (${where.slice(0, 2).map((b) => b.url).join(', ')})`);
    }
    check(leaks.length === 0, `${p.label}: none of ${bodies.length} responses and pages holds a model name, run id, the monitor, a judge's reason, another person's name or note${leaks.length ? `: ${leaks.join('; ')}` : ''}`);
    check(p.seen.errors.length === 0, `${p.label}: no page error${p.seen.errors.length ? ` (${p.seen.errors.join(' | ')})` : ''}`);
  }
}

async function main() {
  const setup = setUp();
  const { child, base, log } = await serve();
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  try {
    const world = { base, queues: setup.queues, secrets: setup.secrets, week: setup.week, v1: setup.v1, log };
    for (const [key, link] of Object.entries(setup.links)) {
      const reviewer = ['A', 'B', 'C'].includes(key);
      const person = await personContext(browser, base, key, { bodies: reviewer, bypassCSP: key.startsWith('axe') });
      Object.assign(person, { base, label: NAMES[key] ?? key, doms: [] });
      await signIn(person.page, link.replace('http://127.0.0.1:8080', base));
      world[key] = person;
    }
    check(new URL(world.A.page.url()).pathname === '/review', `A: signing in lands on /review (${world.A.page.url()})`);
    await adminOpensAQueue(world);
    await locksHeld(world);
    await twoReviewersGrade(world);
    await agreementIsLive(world);
    await adjudication(world);
    await pairwiseByKeys(world);
    await adminPagesAccessible(world);
    await hostileStringsStayText(world);
    await monitorWeekGraded(world);
    await locksRanOut(world);
    await reviewersStayedBlind(world);
  } finally {
    await browser.close();
    child.kill('SIGTERM');
  }
}

finish(main());
