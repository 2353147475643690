// qualbar serve in a real browser: Playwright (playwright-core, pinned in package.json) driving
// Debian's chromium. A store with the demo's runs and a run full of hostile strings; people of
// each role sign in with their one-time links, as a person would, and click through the pages.
//
//   node tests/browser/serve.test.mjs QUALBAR_BINARY [CHROMIUM]
//
// Exit 0 when every check passes; otherwise each failed check is printed and the exit code is 1.
// Screenshots of the pages are left in the temporary folder it names when a check fails, or when
// QB_KEEP_TEST_DIRS is set.
import { chromium } from 'playwright-core';
import { harness, linkOf, signIn, writeHostileSuite, HOSTILE } from './lib.mjs';

const { chromiumPath, dir, check, q, serve, personContext, inert, finish } = harness('serve.test.mjs');

function writeHostileRun() {
  const values = Object.values(HOSTILE);
  writeHostileSuite(dir,
    values.map((v, i) => ({ id: `h-${i}`, category: v, input: `${v} ${HOSTILE.link}`, reference: v })),
    values.map((v, i) => ({ id: `h-${i}`, output: i % 2 ? v : `${HOSTILE.json} ${v}` })));
  q(['run', 'hostile/suite.yaml', '--store', 's.db', '-q', '--model', HOSTILE.img,
    '--label', '<script>alert(1)</script>', '--label', '"><img/src=x/onerror=alert(1)>',
    '--note', `${HOSTILE.script} ${HOSTILE.bidi} ${HOSTILE.remote}`], [0, 1]);
}

// A viewer signs in, opens the runs, a run's report, and the run full of hostile strings.
async function viewerReadsRuns(browser, base, link) {
  const { context, page, seen, shot } = await personContext(browser, base, 'viewer');
  await signIn(page, link);
  check(new URL(page.url()).pathname === '/', `viewer: signed in at ${page.url()}, not the runs page`);
  const runs = await page.locator('main').innerText();
  check(runs.includes('support-bot-v2'), 'viewer: the runs page lists support-bot-v2');
  check(runs.includes(HOSTILE.img), 'viewer: the hostile model name shows as text on the runs page');
  check(runs.includes('<script>alert(1)</script>'), 'viewer: the hostile label shows as text');
  await shot('runs');
  await inert(page, 'runs page');

  await page.goto(`${base}/runs/latest~1`);
  const report = await page.locator('body').innerText();
  check(report.includes('FAIL — 7 bars missed'), 'viewer: the demo run\'s report says FAIL — 7 bars missed');
  await shot('report');

  await page.goto(`${base}/runs/latest`);
  const hostile = await page.locator('body').innerText();
  check(hostile.includes(HOSTILE.img), 'viewer: the hostile run\'s report shows its model name as text');
  await shot('hostile-report');
  await inert(page, 'hostile run report');

  check(seen.dialogs.length === 0, `viewer: dialogs opened: ${seen.dialogs.join(' | ')}`);
  check(seen.offsite.length === 0, `viewer: requests left the page: ${seen.offsite.join(', ')}`);
  check(seen.errors.length === 0, `viewer: page errors: ${seen.errors.join(' | ')}`);

  await page.goto(`${base}/`);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForLoadState('load');
  check(new URL(page.url()).pathname === '/signin', `viewer: signing out lands on ${page.url()}`);
  await page.goto(`${base}/`);
  check(new URL(page.url()).pathname === '/signin', 'viewer: after signing out the runs page asks to sign in');
  await context.close();
}

// A viewer filters a run's failing cases, opens a comparison and sees a changed case with both
// outputs, and finds the incidents on the production dashboard.
async function viewerExploresComparesAndWatches(browser, base, link) {
  const { context, page, seen, shot } = await personContext(browser, base, 'viewer2');
  await signIn(page, link);
  // The demo's v2 run is the one before the hostile run.
  await page.goto(`${base}/runs/latest~1`);
  await page.getByRole('link', { name: 'Case explorer' }).click();
  await page.waitForLoadState('load');
  await page.locator('select[name="failing"]').selectOption('grounded');
  await page.getByRole('button', { name: /filter/i }).first().click();
  await page.waitForLoadState('load');
  const explorer = await page.locator('main').innerText();
  check(explorer.includes('44 cases that fail grounded'), 'viewer: the explorer counts 44 cases failing grounded');
  check((await page.locator('tbody tr').count()) === 44, `viewer: the explorer lists ${await page.locator('tbody tr').count()} rows, not 44`);
  await shot('explorer');

  await page.goto(`${base}/`);
  await page.getByRole('link', { name: 'compare with previous' }).first().click();
  await page.waitForLoadState('load');
  const changed = page.locator('.changed-case');
  check((await changed.count()) > 0, 'viewer: the comparison lists changed cases');
  if (await changed.count()) {
    const first = await changed.first().innerText();
    check(/pass → fail/.test(first), 'viewer: a pass → fail case comes first');
    check((await changed.first().locator('td.text').count()) >= 2, 'viewer: the changed case shows both outputs side by side');
  }
  await shot('compare');
  await inert(page, 'comparison');

  await page.goto(`${base}/runs`.replace('/runs', '/'));
  await page.getByRole('link', { name: 'Production' }).first().click();
  await page.waitForLoadState('load');
  await page.getByRole('link', { name: /support-assistant-demo/ }).first().click();
  await page.waitForLoadState('load');
  const incidents = await page.locator('#incidents').innerText();
  check(/open incident/i.test(incidents), 'viewer: the dashboard opens with the open incidents');
  check(incidents.includes('no_pii'), 'viewer: the no_pii incident is on the dashboard');
  await shot('dashboard');

  const judge = await page.goto(`${base}/runs/latest~1/judge-check`);
  check(judge.status() === 200, `viewer: the judge check page answered ${judge.status()}`);
  check((await page.locator('main').innerText()).includes('helpful'), 'viewer: the judge check covers helpful');
  await shot('judge-check');

  await page.goto(`${base}/runs/latest/cases`);
  const hostileCases = await page.locator('main').innerText();
  check(hostileCases.includes(HOSTILE.script), 'viewer: a hostile input shows as text in the explorer');
  check(hostileCases.includes('</script><script>'), 'viewer: </script> in an answer shows as text');
  await shot('hostile-cases');
  await inert(page, 'hostile case explorer');
  check(seen.dialogs.length === 0, `viewer2: dialogs opened: ${seen.dialogs.join(' | ')}`);
  check(seen.offsite.length === 0, `viewer2: requests left the page: ${seen.offsite.join(', ')}`);
  check(seen.errors.length === 0, `viewer2: page errors: ${seen.errors.join(' | ')}`);
  await context.close();
}

// An admin archives the hostile run from the runs page; it leaves the list, and the audit log on
// the admin page says who did it.
async function adminArchivesARun(browser, base, link) {
  const { context, page, shot } = await personContext(browser, base, 'admin');
  await signIn(page, link);
  const rows = page.locator('tbody tr');
  const before = await rows.count();
  const hostileRow = rows.filter({ hasText: 'hostile-<b>suite</b>' });
  check((await hostileRow.count()) === 1, 'admin: the hostile run is listed once');
  await hostileRow.getByRole('button', { name: 'archive' }).click();
  await page.waitForLoadState('load');
  check((await rows.count()) === before - 1, 'admin: the archived run left the list');
  await page.getByRole('link', { name: 'People and tokens' }).click();
  await page.waitForLoadState('load');
  const audit = await page.locator('main').innerText();
  check(/admin-1\s+runs\.archive/.test(audit), 'admin: the audit log names who archived the run');
  await shot('admin');
  await context.close();
}

// A reviewer signs in, lands on the review page, and is refused every run page.
async function reviewerSeesOnlyReview(browser, base, link) {
  const { context, page, seen, shot } = await personContext(browser, base, 'reviewer');
  await signIn(page, link);
  check(new URL(page.url()).pathname === '/review', `reviewer: signed in at ${page.url()}, not /review`);
  await shot('review');
  for (const where of ['/', '/runs/latest', '/api/v1/runs', '/api/v1/runs/latest/cases']) {
    const response = await page.goto(`${base}${where}`);
    check(response.status() === 403, `reviewer: ${where} answered ${response.status()}, not 403`);
    const text = await page.locator('body').innerText();
    check(!text.includes('support-bot'), `reviewer: ${where} shows a model name`);
  }
  check(seen.offsite.length === 0, `reviewer: requests left the page: ${seen.offsite.join(', ')}`);
  await context.close();
}

async function main() {
  q(['demo', '--dir', 'd', '--store', 's.db']);
  q(['review', 'import', '--run', 'latest', '--store', 's.db', 'd/grades/reviewer-1.jsonl', 'd/grades/reviewer-2.csv']);
  q(['monitor', 'ingest', 'd/production.jsonl', '--suite', 'd/suite.yaml', '--store', 's.db']);
  q(['monitor', 'status', '--suite', 'd/suite.yaml', '--store', 's.db'], [0, 1]);  // records the incidents
  writeHostileRun();
  const links = {};
  for (const role of ['admin', 'viewer', 'reviewer']) links[role] = linkOf(q(['users', 'add', `${role}-1`, '--role', role]));
  links.viewer2 = linkOf(q(['users', 'add', 'viewer-2', '--role', 'viewer']));
  const { child, base } = await serve();
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  try {
    for (const role of Object.keys(links)) links[role] = links[role].replace('http://127.0.0.1:8080', base);
    await viewerReadsRuns(browser, base, links.viewer);
    await viewerExploresComparesAndWatches(browser, base, links.viewer2);
    await adminArchivesARun(browser, base, links.admin);
    await reviewerSeesOnlyReview(browser, base, links.reviewer);
  } finally {
    await browser.close();
    child.kill('SIGTERM');
  }
}

finish(main());
