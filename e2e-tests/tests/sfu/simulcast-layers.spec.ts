/**
 * Simulcast layer switching: a receiver asks Janus for a lower layer of a sender's camera,
 * then for the highest again. The picture changes size each time, keeps decoding, and no
 * frame fails to decrypt: all layers come from one encrypting sender with one counter.
 */
import { test, expect, expectRising, type Participant } from '../../fixtures/meeting';

/** Width of the picture in a remote tile (0 before any picture). */
async function widthOf(viewer: Participant, remoteName: string): Promise<number> {
  return viewer.page.evaluate((name) => {
    const video = [...document.querySelectorAll('article')]
      .find((tile) => tile.getAttribute('aria-label') === name)
      ?.querySelector('video');
    return video?.videoWidth ?? 0;
  }, remoteName);
}

async function chooseLayer(viewer: Participant, layer: number): Promise<void> {
  await viewer.page.evaluate((layer) => (window as any).__conclaveTestHooks.chooseSubstream(layer), layer);
}

test('a receiver switches simulcast layers without a decryption failure', async ({ newParticipant }) => {
  const alice = await newParticipant('Alice');
  const bob = await newParticipant('Bob');
  const invite = await alice.createMeeting();
  await alice.join(invite);
  await bob.join(invite);
  await expect(bob.tileStatus('Alice')).toHaveText('Decrypting');

  // Janus forwards the highest layer by default: Chromium's fake camera is 640 wide.
  await expect.poll(() => widthOf(bob, 'Alice')).toBe(640);
  await chooseLayer(bob, 1);
  await expect.poll(() => widthOf(bob, 'Alice')).toBeLessThan(640);
  await expectRising(async () => (await bob.inboundVideoOf('Alice')).framesDecoded, 20);
  await chooseLayer(bob, 2);
  await expect.poll(() => widthOf(bob, 'Alice')).toBe(640);
  await expectRising(async () => (await bob.inboundVideoOf('Alice')).framesDecoded, 20);

  const failed = (await bob.receiveStatsLog()).reduce((most, stats) => Math.max(most, stats.failed), 0);
  expect(failed, 'frames that failed to decrypt').toBe(0);
  await expect(bob.tileStatus('Alice')).toHaveText('Decrypting');
});
