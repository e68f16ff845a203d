/**
 * Many tiles (issue 14, "keep 25 tiles usable"): from five remote tiles on, a receiver asks
 * Janus for a lower simulcast layer of everyone's camera, and back to the highest when the
 * tiles are large again. Six people: each sees five small tiles, decoding a picture
 * narrower than the camera's 640 and than the sender's widest layer (so the layer is the
 * receiver's choice, not the encoder scaling down); after two leave, three large tiles at
 * 640 again. Every frame still decrypts (all layers come from one encrypting sender).
 */
import { test, expect, expectEveryoneDecrypting } from '../../fixtures/meeting';

test('with five remote tiles a receiver takes a lower simulcast layer, and the highest again with three', async ({
  meeting,
}) => {
  test.setTimeout(150_000);
  const people = await meeting(['Alice', 'Bob', 'Carol', 'Dave', 'Erin', 'Frank']);
  const [alice, bob] = people;
  const width = async () => (await alice.pictureSizeOf('Bob')).width;
  const lowerLayer = async () => {
    const shown = await width();
    return shown > 0 && shown < 640; // a picture, and a lower layer's
  };

  await expect.poll(lowerLayer, { timeout: 30_000 }).toBe(true);
  // Bob sends a wider layer than Alice gets: the narrower picture is the layer Alice asked
  // for, not Bob's encoder scaling down.
  expect(await bob.widestSentVideo()).toBeGreaterThan(await width());

  for (const leaver of people.slice(4)) await leaver.page.getByRole('button', { name: 'Leave' }).click();
  await expect(alice.tile('Frank')).toHaveCount(0);
  await expect(alice.tile('Erin')).toHaveCount(0);
  await expect.poll(width, { timeout: 30_000 }).toBe(640);

  await expectEveryoneDecrypting(people.slice(0, 4));
  const counts = await alice.frameCounts();
  expect(counts.decrypted, 'frames decrypted').toBeGreaterThan(0);
  expect(counts.failed, 'frames that failed to decrypt').toBe(0);
  await expect(bob.tileStatus('Alice')).toHaveText('Decrypting');
});
