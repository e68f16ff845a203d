/**
 * How long the app takes to start (issue 15; run: `cargo xtask bench`), from the navigation
 * to the home page's first button, in three ways:
 * - cold: a new browser context (empty HTTP cache), service workers blocked;
 * - warm: a reload with the HTTP cache filled (each file revalidated, mostly 304), service
 *   workers blocked: how every start went before the build was pinned;
 * - pinned: a reload served by the service worker from its verified copy (docs/RELEASES.md),
 *   which then checks the server's manifest in the background.
 * Also the first visit with the service worker allowed (it installs and downloads the build
 * once more in the background) and how long that install took.
 * To compare with a tree built before the service worker existed, run with
 * `CONCLAVE_WWW_DIR=<that tree>` (it has no pinned figures). Printed and appended to
 * test-results/benchmarks.jsonl; nothing here is a pass/fail timing.
 */
import { test, expect, type Browser, type Page } from '@playwright/test';
import { recordSamples } from './report';

const ROUNDS = 10;

/** Records, in the page, when the app's first button appears (ms after the navigation began). */
function markAppStarted(): void {
  const seen = () => {
    if (document.querySelector('#app button') === null) return false;
    (window as unknown as { appStartedAt: number }).appStartedAt = performance.now();
    return true;
  };
  const observer = new MutationObserver(() => {
    if (seen()) observer.disconnect();
  });
  observer.observe(document, { childList: true, subtree: true });
}

/** Navigates (or reloads) and answers the ms from the navigation to the app's first button. */
async function timedStart(page: Page, load: () => Promise<unknown>): Promise<number> {
  await load();
  await expect(page.getByRole('button', { name: 'New meeting' })).toBeVisible();
  return page.evaluate(() => (window as unknown as { appStartedAt: number }).appStartedAt);
}

async function context(browser: Browser, serviceWorkers: 'allow' | 'block') {
  const opened = await browser.newContext({ serviceWorkers });
  await opened.addInitScript(markAppStarted);
  return opened;
}

test('the app starts: cold, warm from the HTTP cache, and from the pinned copy', async ({ browser }) => {
  test.setTimeout(600_000);
  const signedTree = (await fetch(new URL('/release/manifest.json', test.info().project.use.baseURL))).ok;
  const cold: number[] = [];
  const warm: number[] = [];
  const firstVisit: number[] = [];
  const install: number[] = [];
  const fromPin: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const blocked = await context(browser, 'block');
    const page = await blocked.newPage();
    cold.push(await timedStart(page, () => page.goto('/')));
    warm.push(await timedStart(page, () => page.reload()));
    await blocked.close();

    if (!signedTree) continue;
    const allowed = await context(browser, 'allow');
    const visitor = await allowed.newPage();
    firstVisit.push(await timedStart(visitor, () => visitor.goto('/')));
    install.push(
      // performance.now() counts from the navigation's start.
      await visitor.evaluate(async () => {
        await navigator.serviceWorker.ready;
        return performance.now();
      }),
    );
    await visitor.reload();
    for (let reload = 0; reload < 2; reload++) {
      fromPin.push(await timedStart(visitor, () => visitor.reload()));
      expect(await visitor.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    }
    await allowed.close();
  }
  recordSamples('start: cold (no cache, no service worker)', 'ms', cold);
  recordSamples('start: warm (HTTP cache, no service worker)', 'ms', warm);
  if (signedTree) {
    recordSamples('start: first visit (service worker installs)', 'ms', firstVisit);
    recordSamples('start: first visit until the pin is made', 'ms', install);
    recordSamples('start: from the pinned copy (service worker)', 'ms', fromPin);
  }
});
