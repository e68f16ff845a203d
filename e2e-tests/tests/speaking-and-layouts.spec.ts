/**
 * Who is speaking and how the tiles are laid out (issue 14). The speaking outline comes
 * from the level of the decrypted audio in the receiving browser (no RTP audio-level
 * extension is negotiated, see sdp-audio-metadata.spec.ts); Chromium's fake microphone
 * beeps in turns, which counts as speech. The speaker view shows one tile large: the pinned
 * one, else a shared screen (shown whole), else whoever spoke last.
 */
import { test, expect } from '../fixtures/meeting';

test('the tile of whoever speaks is outlined, and a muted member’s never is', async ({ meeting }) => {
  const [alice, bob] = await meeting(['Alice', 'Bob']);
  await expect(alice.tile('Bob')).toHaveAttribute('data-speaking', 'true', { timeout: 15_000 });
  await expect(alice.tile('Bob')).toHaveClass(/tile-speaking/);

  await bob.page.getByRole('button', { name: 'Mute microphone' }).click();
  await expect(alice.tile('Bob')).toContainText('Muted');
  await expect(alice.tile('Bob')).toHaveAttribute('data-speaking', 'false');
  // Bob's muted track sends silence: for three seconds, never speaking.
  for (let i = 0; i < 15; i++) {
    await expect(alice.tile('Bob')).toHaveAttribute('data-speaking', 'false', { timeout: 100 });
    await alice.page.waitForTimeout(200);
  }
  // Bob still hears Alice speak.
  await expect(bob.tile('Alice')).toHaveAttribute('data-speaking', 'true', { timeout: 15_000 });
});

test('speaker view shows a pinned tile large, then a shared screen whole; a tile goes full screen', async ({
  meeting,
}) => {
  const [alice, bob, carol] = await meeting(['Alice', 'Bob', 'Carol']);
  const page = alice.page;
  const stage = page.locator('section[aria-label="Video"] .tile-stage');
  await expect(stage).toHaveCount(0);

  await page.getByRole('button', { name: 'Speaker view' }).click();
  await expect(page.getByRole('button', { name: 'Speaker view' })).toHaveAttribute('aria-pressed', 'true');
  await expect(stage).toHaveCount(1);

  await alice.tile('Carol').hover();
  await alice.tile('Carol').getByRole('button', { name: 'Pin Carol' }).click();
  await expect(alice.tile('Carol')).toHaveClass(/tile-stage/);
  await expect(alice.tile('Carol').getByRole('button', { name: 'Pin Carol' })).toHaveAttribute('aria-pressed', 'true');
  // The stage is the widest tile.
  const stageWidth = (await alice.tile('Carol').boundingBox())?.width ?? 0;
  const smallWidth = (await alice.tile('Bob').boundingBox())?.width ?? 0;
  expect(stageWidth).toBeGreaterThan(2 * smallWidth);

  // Bob shares his screen: shown whole, not cropped; unpinned, it takes the stage.
  await bob.page.getByRole('button', { name: 'Share screen' }).click();
  await expect(alice.tile('Bob')).toHaveClass(/tile-screen/);
  const fit = await alice.tile('Bob').locator('video').evaluate((video) => getComputedStyle(video).objectFit);
  expect(fit).toBe('contain');
  await alice.tile('Carol').getByRole('button', { name: 'Pin Carol' }).click();
  await expect(alice.tile('Bob')).toHaveClass(/tile-stage/);
  await expect(carol.tile('Bob')).toHaveClass(/tile-screen/);

  // Full screen, then back.
  await alice.tile('Carol').hover();
  await alice.tile('Carol').getByRole('button', { name: 'Full screen Carol' }).click();
  await expect.poll(() => page.evaluate(() => document.fullscreenElement?.getAttribute('aria-label') ?? null)).toBe('Carol');
  await page.evaluate(() => document.exitFullscreen());
  await expect.poll(() => page.evaluate(() => document.fullscreenElement === null)).toBe(true);

  // The grid again: no stage.
  await page.getByRole('button', { name: 'Speaker view' }).click();
  await expect(stage).toHaveCount(0);
  await expect(alice.tileStatus('Bob')).toHaveText('Decrypting');
});
