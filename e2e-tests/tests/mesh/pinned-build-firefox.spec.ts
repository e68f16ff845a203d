/**
 * The pinned build in Firefox ESR (issue 15): its service workers pin and refuse as
 * Chromium's do (tests/mesh/pinned-build.spec.ts has the whole set in Chromium). The server
 * swaps files through its test hook; tampered JavaScript counts its runs at the server.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'puppeteer-core';
import { test, expect } from '../../fixtures/mixed-meeting';
import {
  buildIdOf,
  grouped,
  newRelease,
  serveOverlay,
  servedTree,
  tamperMarker,
  tamperedFiles,
  tamperedRuns,
} from '../../fixtures/release';

const signedBuild = buildIdOf(servedTree);

test.afterEach(async ({ request }) => {
  await serveOverlay(request, null);
});

/** First visit, then a reload: the page now runs from the pinned copy. */
async function pinTheBuild(page: Page, baseURL: string): Promise<void> {
  await page.goto(new URL('/', baseURL).toString());
  await page.waitForSelector('[data-testid="first-visit-notice"]');
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await page.waitForSelector('::-p-aria([name="New meeting"][role="button"])');
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
}

/** The build id the About panel shows. */
async function buildShown(page: Page): Promise<string> {
  await page.locator('::-p-aria([name="About this build"][role="button"])').click();
  const shown = await page.$eval('[data-testid="build-id"]', (element) => element.textContent ?? '');
  await page.keyboard.press('Escape');
  return shown.replace(/\s+/g, ' ').trim();
}

test('Firefox: a returning visitor keeps the signed build when the server swaps the page and app.js', async ({
  newFirefoxParticipant,
  request,
  baseURL,
}) => {
  const bob = await newFirefoxParticipant('Bob');
  await pinTheBuild(bob.page, baseURL!);

  await serveOverlay(request, tamperedFiles('firefox-swapped-app', ['index.html', 'app.js']));
  await bob.page.reload();
  await bob.page.waitForSelector('[data-testid="integrity-alarm"]');
  expect(await buildShown(bob.page)).toBe(grouped(signedBuild));
  expect((await tamperedRuns(request))['firefox-swapped-app/app.js'] ?? 0).toBe(0);
});

test('Firefox: a signed new release is taken up on the next load, one signed by an unknown key is refused', async ({
  newFirefoxParticipant,
  request,
  baseURL,
}) => {
  const bob = await newFirefoxParticipant('Bob');
  await pinTheBuild(bob.page, baseURL!);
  const marker = 'firefox-rogue/app.js';
  const rogue = newRelease({
    signers: ['test-rogue'],
    change: (tree) => {
      const app = path.join(tree, 'app.js');
      fs.writeFileSync(app, tamperMarker(marker) + fs.readFileSync(app, 'utf8'));
    },
  });
  await serveOverlay(request, rogue);
  await bob.page.reload();
  await bob.page.waitForSelector('[data-testid="integrity-alarm"]');
  await bob.page.reload();
  expect(await buildShown(bob.page)).toBe(grouped(signedBuild));
  expect((await tamperedRuns(request))[marker] ?? 0).toBe(0);

  const next = newRelease({
    signers: ['test-vendor', 'test-auditor'],
    change: (tree) => fs.appendFileSync(path.join(tree, 'favicon.svg'), '<!-- the next release (Firefox) -->\n'),
  });
  await serveOverlay(request, next);
  await bob.page.reload();
  // Staged in the background; the load after that runs it.
  await bob.page.locator('::-p-aria([name="About this build"][role="button"])').click();
  await bob.page.waitForFunction(
    (short) => document.querySelector('[data-testid="staged-build"]')?.textContent?.includes(short) ?? false,
    {},
    grouped(buildIdOf(next)).slice(0, 19),
  );
  await bob.page.keyboard.press('Escape');
  await bob.page.reload();
  expect(await buildShown(bob.page)).toBe(grouped(buildIdOf(next)));
});
