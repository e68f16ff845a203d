/**
 * Simulcast layer switching: a receiver asks Janus for a lower layer of a sender's camera,
 * then for the highest again. The picture changes size each time, keeps decoding, and no
 * frame fails to decrypt: all layers come from one encrypting sender with one counter.
 */
import { test, expect, expectRising } from '../../fixtures/meeting';

test('a receiver switches simulcast layers without a decryption failure', async ({ meeting }) => {
  const [, bob] = await meeting(['Alice', 'Bob']);
  const width = async () => (await bob.pictureSizeOf('Alice')).width;

  // Janus forwards the highest layer by default: Chromium's fake camera is 640 wide.
  await expect.poll(width).toBe(640);
  await bob.chooseSimulcastLayer(1);
  await expect.poll(width).toBeLessThan(640);
  await expectRising(() => bob.framesDecodedOf('Alice'), 20);
  await bob.chooseSimulcastLayer(2);
  await expect.poll(width).toBe(640);
  await expectRising(() => bob.framesDecodedOf('Alice'), 20);

  const counts = await bob.frameCounts();
  expect(counts.failed, 'frames that failed to decrypt').toBe(0);
  // One counter for all layers: no layer's frame repeats a counter another layer used.
  expect(counts.replayed, 'frames refused as replayed').toBe(0);
  await expect(bob.tileStatus('Alice')).toHaveText('Decrypting');
});
