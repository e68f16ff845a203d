/**
 * The operator cannot swap the code (issue 15, docs/RELEASES.md): a returning visitor runs
 * the signed build their browser pinned on the first visit, whatever the server serves now.
 * The server here is hostile through its test hook (`/test/static-overlay`): it serves
 * tampered files, or whole new trees signed by the policy's keys or by a key it does not
 * know. Tampered JavaScript calls `/test/tamper-marker` when it runs, so "it never ran" is
 * counted, not assumed. Mesh only: the pin is about the app's files, not the media path.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, expect, expectEveryoneDecrypting, type Participant } from '../../fixtures/meeting';
import {
  buildIdOf,
  conclaveVerify,
  grouped,
  newRelease,
  serveOverlay,
  servedTree,
  swappedWasm,
  tamperMarker,
  tamperedFiles,
  tamperedRuns,
  testPolicy,
} from '../../fixtures/release';

const signedBuild = buildIdOf(servedTree);

test.afterEach(async ({ request }) => {
  await serveOverlay(request, null);
});

/** First visit (trust on first use), then a reload: the page now runs from the pinned copy. */
async function pinTheBuild(person: Participant): Promise<void> {
  await person.page.goto('/');
  await expect(person.page.getByTestId('first-visit-notice')).toContainText(grouped(signedBuild).slice(0, 19));
  await person.page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await person.page.reload();
  await expect(person.page.getByRole('button', { name: 'New meeting' })).toBeVisible();
  expect(await person.page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
}

/** The build id the About panel shows. */
async function buildShown(person: Participant): Promise<string> {
  await person.page.getByRole('button', { name: 'About this build' }).click();
  const shown = (await person.page.getByTestId('build-id').textContent()) ?? '';
  await person.page.keyboard.press('Escape');
  return shown.replace(/\s+/g, ' ').trim();
}

test('a returning visitor keeps the signed build when the server swaps the page and app.js, and is warned', async ({ newParticipant, request }) => {
  const alice = await newParticipant('Alice', { pinsTheBuild: true });
  await pinTheBuild(alice);

  // The swapped page has no integrity attributes: served, it would run the swapped app.js.
  await serveOverlay(request, tamperedFiles('swapped-app', ['index.html', 'app.js']));
  await alice.page.reload();

  const alarm = alice.page.getByTestId('integrity-alarm');
  await expect(alarm).toBeVisible();
  await expect(alarm).toContainText(/\/index\.html|\/app\.js/);
  await expect(alice.page.getByRole('button', { name: 'New meeting' })).toBeVisible();
  expect(await buildShown(alice)).toBe(grouped(signedBuild));
  // Still warned on the next load, and the swapped file has still not run.
  await alice.page.reload();
  await expect(alarm).toBeVisible();
  expect((await tamperedRuns(request))['swapped-app/app.js'] ?? 0).toBe(0);
});

test('without the service worker, Subresource Integrity refuses a swapped app.js', async ({ newParticipant, request }) => {
  // Service workers blocked (a private window, or the first visit to a swapped server whose
  // index.html is honest): the page's integrity attributes are the guard.
  const bob = await newParticipant('Bob');
  const refused: string[] = [];
  bob.page.on('console', (message) => {
    if (message.text().includes('integrity')) refused.push(message.text());
  });
  await serveOverlay(request, tamperedFiles('sri-app', ['app.js']));
  await bob.page.goto('/');
  await expect.poll(() => refused.join('\n')).toContain('/app.js');
  await expect(bob.page.getByRole('button', { name: 'New meeting' })).toHaveCount(0);
  expect((await tamperedRuns(request))['sri-app/app.js'] ?? 0).toBe(0);
});

test('a swapped worker script never runs in a pinned meeting, and the meeting stays encrypted', async ({ newParticipant, request }) => {
  const alice = await newParticipant('Alice', { pinsTheBuild: true });
  const bob = await newParticipant('Bob', { pinsTheBuild: true });
  await pinTheBuild(alice);
  await pinTheBuild(bob);

  await serveOverlay(request, tamperedFiles('swapped-worker', ['e2ee-worker.js', 'frame-crypto.js']));
  const invite = await alice.createMeeting();
  await alice.join(invite);
  await bob.join(invite);
  await expectEveryoneDecrypting([alice, bob]);

  await expect(alice.page.getByTestId('integrity-alarm')).toBeVisible();
  const runs = await tamperedRuns(request);
  expect(runs['swapped-worker/e2ee-worker.js'] ?? 0).toBe(0);
  expect(runs['swapped-worker/frame-crypto.js'] ?? 0).toBe(0);
});

test('without the service worker, the encryption worker refuses a swapped wasm module and says so', async ({ newParticipant, request }) => {
  await serveOverlay(request, swappedWasm('pkg/crypto_wasm_bg.wasm'));

  const carol = await newParticipant('Carol');
  const invite = await carol.createMeeting();
  await carol.askToJoin(invite);
  const alert = carol.page.getByRole('alert');
  await expect(alert).toContainText('Encryption is not available, so this meeting was not joined');
  await expect(alert).toContainText('No audio or video was sent');
  // The browser's refusal, under Technical details.
  await expect(alert).toContainText('the encryption module could not be loaded');
});

test("without the service worker, the page refuses a swapped app wasm before any of it runs", async ({ newParticipant, request }) => {
  await serveOverlay(request, swappedWasm('pkg/client_bg.wasm'));

  const dave = await newParticipant('Dave');
  await dave.page.goto('/');
  const alert = dave.page.getByRole('alert');
  await expect(alert).toContainText('Conclave could not start');
  await expect(alert).toContainText("the app's wasm is not the one this page names");
  await expect(dave.page.getByRole('button', { name: 'New meeting' })).toHaveCount(0);
});

test('a new release signed under the pinned policy is taken up on the next load', async ({ newParticipant, request }) => {
  const alice = await newParticipant('Alice', { pinsTheBuild: true });
  await pinTheBuild(alice);
  const next = newRelease({
    signers: ['test-vendor', 'test-auditor'],
    change: (tree) => fs.appendFileSync(path.join(tree, 'favicon.svg'), '<!-- the next release -->\n'),
  });

  await serveOverlay(request, next);
  await alice.page.reload();
  // Verified and staged in the background: used from the next load on.
  await alice.page.getByRole('button', { name: 'About this build' }).click();
  await expect(alice.page.getByTestId('staged-build')).toContainText(grouped(buildIdOf(next)).slice(0, 19));
  await alice.page.keyboard.press('Escape');
  await alice.page.reload();
  expect(await buildShown(alice)).toBe(grouped(buildIdOf(next)));
  await expect(alice.page.getByTestId('integrity-alarm')).toHaveCount(0);
});

test('a staged release whose copy lost a file is not switched to: the pinned build runs, and the next check fetches it again', async ({ newParticipant, request }) => {
  const alice = await newParticipant('Alice', { pinsTheBuild: true });
  await pinTheBuild(alice);
  const next = newRelease({
    signers: ['test-vendor', 'test-auditor'],
    change: (tree) => fs.appendFileSync(path.join(tree, 'favicon.svg'), '<!-- a release that loses a file -->\n'),
  });
  await serveOverlay(request, next);
  await alice.page.reload();
  await alice.page.getByRole('button', { name: 'About this build' }).click();
  await expect(alice.page.getByTestId('staged-build')).toContainText(grouped(buildIdOf(next)).slice(0, 19));
  await alice.page.keyboard.press('Escape');

  // Storage pressure, or another worker's pruning: the staged copy loses a file.
  await alice.page.evaluate(async (id) => {
    await (await caches.open(`conclave-build-${id}`)).delete('/favicon.svg');
  }, buildIdOf(next));
  await alice.page.reload();
  expect(await buildShown(alice)).toBe(grouped(signedBuild));
  // That load's check staged it again, whole: the next load runs it.
  await alice.page.getByRole('button', { name: 'About this build' }).click();
  await expect(alice.page.getByTestId('staged-build')).toContainText(grouped(buildIdOf(next)).slice(0, 19));
  await alice.page.keyboard.press('Escape');
  await alice.page.reload();
  expect(await buildShown(alice)).toBe(grouped(buildIdOf(next)));
});

for (const { what, signers } of [
  { what: 'a key the pinned policy does not know', signers: ['test-rogue'] as const },
  { what: 'fewer keys than the policy requires', signers: ['test-vendor'] as const },
]) {
  test(`a release signed by ${what} is refused, and its code never runs`, async ({ newParticipant, request }) => {
    const alice = await newParticipant('Alice', { pinsTheBuild: true });
    await pinTheBuild(alice);
    const marker = `refused-${signers.join('+')}/app.js`;
    const rogue = newRelease({
      signers: [...signers],
      change: (tree) => {
        const app = path.join(tree, 'app.js');
        fs.writeFileSync(app, tamperMarker(marker) + fs.readFileSync(app, 'utf8'));
      },
    });

    await serveOverlay(request, rogue);
    await alice.page.reload();
    await expect(alice.page.getByTestId('integrity-alarm')).toContainText('not a signed Conclave release');
    await alice.page.reload();
    expect(await buildShown(alice)).toBe(grouped(signedBuild));
    expect((await tamperedRuns(request))[marker] ?? 0).toBe(0);
  });
}

test('a pinned visitor refuses an older signed release (rollback)', async ({ newParticipant, request }) => {
  const alice = await newParticipant('Alice', { pinsTheBuild: true });
  await pinTheBuild(alice);
  const older = newRelease({
    signers: ['test-vendor', 'test-auditor'],
    serial: JSON.parse(fs.readFileSync(path.join(servedTree, 'release/manifest.json'), 'utf8')).serial - 1,
    change: (tree) => fs.appendFileSync(path.join(tree, 'favicon.svg'), '<!-- an older release -->\n'),
  });

  await serveOverlay(request, older);
  await alice.page.reload();
  await expect(alice.page.getByTestId('integrity-alarm')).toContainText('an older Conclave release than the one you run');
  await alice.page.reload();
  expect(await buildShown(alice)).toBe(grouped(signedBuild));
});

test("a pinned visitor reaches the enrollment page from the pinned copy, and the server's organisations", async ({ newParticipant }) => {
  const alice = await newParticipant('Alice', { pinsTheBuild: true });
  await pinTheBuild(alice);

  // An organisation's link too (its fragment never reaches a server or the worker).
  for (const route of ['/enroll', '/enroll/', `/enroll#org=${'ab'.repeat(32)}`]) {
    const response = await alice.page.goto(route);
    expect(response?.status(), route).toBe(200);
    expect(response?.fromServiceWorker(), route).toBe(true);
    await expect(alice.page.getByTestId('enroll-make-request')).toBeVisible();
  }
  // Only the app's routes are pages: anything else under /enroll stays the worker's 404.
  expect((await alice.page.goto('/enroll/other'))?.status()).toBe(404);

  // The list is data from the server, never a pinned file.
  await alice.page.goto('/enroll');
  const organisations = await alice.page.evaluate(async () => {
    const response = await fetch('/organisations');
    return { status: response.status, type: response.headers.get('content-type'), body: await response.json() };
  });
  expect(organisations.status).toBe(200);
  expect(organisations.type).toContain('application/json');
  expect(Array.isArray(organisations.body.organisations)).toBe(true);
});

test("a form posted to the pinned origin from elsewhere loads none of the server's pages", async ({ newParticipant }) => {
  const alice = await newParticipant('Alice', { pinsTheBuild: true });
  await pinTheBuild(alice);

  // As a page of another site would (the app's own pages may submit no form: its CSP has
  // form-action 'none'): a POST navigation to the app's address.
  const app = new URL('/', alice.page.url()).toString();
  await alice.page.goto('about:blank');
  const posted = alice.page.waitForNavigation();
  await alice.page.evaluate((action) => {
    const form = document.createElement('form');
    form.method = 'post';
    form.action = action;
    document.body.append(form);
    form.submit();
  }, app);
  expect((await posted)?.status()).toBe(405);
  await expect(alice.page.locator('body')).toHaveText('Conclave takes no form submissions.');
});

test('a pinned copy altered inside the browser is never served: the alarm, and the signed file again', async ({ newParticipant, request }) => {
  const alice = await newParticipant('Alice', { pinsTheBuild: true });
  await pinTheBuild(alice);

  // What code that once ran in this origin (a hard reload's page) could do to the pin.
  await alice.page.evaluate(async (marker) => {
    const name = (await caches.keys()).find((key) => key.startsWith('conclave-build-'));
    if (name === undefined) throw new Error('no pinned build in Cache Storage');
    const cache = await caches.open(name);
    const original = await cache.match('/app.js');
    if (original === undefined) throw new Error('no pinned app.js');
    await cache.put('/app.js', new Response(marker + (await original.text()), { headers: original.headers }));
  }, tamperMarker('poisoned-cache/app.js'));
  await alice.page.reload();

  await expect(alice.page.getByTestId('integrity-alarm')).toContainText('/app.js');
  await expect(alice.page.getByRole('button', { name: 'New meeting' })).toBeVisible();
  expect((await tamperedRuns(request))['poisoned-cache/app.js'] ?? 0).toBe(0);
});

test('a pinned page whose copy is erased while it is open says so', async ({ newParticipant }) => {
  const alice = await newParticipant('Alice', { pinsTheBuild: true });
  await pinTheBuild(alice);

  // What the server's Clear-Site-Data ("storage") does to the registration.
  await alice.page.evaluate(async () => {
    await (await navigator.serviceWorker.getRegistration('/'))?.unregister();
  });
  await expect(alice.page.getByTestId('integrity-alarm')).toContainText('pinned copy of Conclave was erased');
});

test('a replaced /sw.js raises the alarm on the page that sees it installed', async ({ newParticipant, request }) => {
  const alice = await newParticipant('Alice', { pinsTheBuild: true });
  await pinTheBuild(alice);

  // The browser installs any byte-different /sw.js it is served; the pinned page sees it.
  const swapped = fs.mkdtempSync(path.join(os.tmpdir(), 'conclave-sw-'));
  fs.writeFileSync(path.join(swapped, 'sw.js'), `${fs.readFileSync(path.join(servedTree, 'sw.js'), 'utf8')}\n// swapped\n`);
  await serveOverlay(request, swapped);
  await alice.page.reload();
  await expect(alice.page.getByTestId('integrity-alarm')).toContainText("This server may have replaced Conclave's code guard");
});

test('pinned visitors start and hold an encrypted meeting when the server serves none of the app', async ({ newParticipant }) => {
  const alice = await newParticipant('Alice', { pinsTheBuild: true });
  const bob = await newParticipant('Bob', { pinsTheBuild: true });
  await pinTheBuild(alice);
  await pinTheBuild(bob);
  // Every request for an app file fails; only the API, signaling and media reach the server.
  for (const person of [alice, bob]) {
    await person.context.route((url) => !/^\/(api|ws|test|release)\//.test(url.pathname), (route) => route.abort());
  }

  const invite = await alice.createMeeting();
  await alice.join(invite);
  await bob.join(invite);
  await expectEveryoneDecrypting([alice, bob]);

  // And with no network at all, the app itself still starts.
  await bob.page.getByRole('button', { name: 'Leave' }).click();
  await bob.context.setOffline(true);
  await bob.page.goto('/');
  await expect(bob.page.getByRole('button', { name: 'New meeting' })).toBeVisible();
});

test('conclave-verify passes the honest server and names the file a swapping one serves', async ({ request, baseURL }) => {
  const honest = conclaveVerify([baseURL!, '--policy', testPolicy]);
  expect(honest.output).toContain(grouped(signedBuild));
  expect(honest.status, honest.output).toBe(0);

  await serveOverlay(request, tamperedFiles('verified-app', ['app.js']));
  const swapped = conclaveVerify([baseURL!, '--policy', testPolicy]);
  expect(swapped.status, swapped.output).toBe(1);
  expect(swapped.output).toMatch(/FAIL[\s\S]*\/app\.js: its bytes differ/);
});
