/**
 * Many tiles (issue 14, "keep 25 tiles usable"): from five remote tiles on, a receiver asks
 * Janus for a lower simulcast layer of everyone's camera, and back to the highest when the
 * tiles are large again. Six people: each sees five small tiles, decoding a picture
 * narrower than the camera's 640 and than the sender's widest layer (so the layer is the
 * receiver's choice, not the encoder scaling down); after two leave, three large tiles at
 * 640 again. Every frame still decrypts (all layers come from one encrypting sender).
 * A receiver whose signaling connection is made again keeps its layer.
 */
import type { WebSocketRoute } from '@playwright/test';
import { test, expect, expectEveryoneDecrypting } from '../../fixtures/meeting';

test('with five remote tiles a receiver takes a lower simulcast layer, also after a reconnect, and the highest again with three', async ({
  newParticipant,
}) => {
  test.setTimeout(180_000);
  const people = [];
  for (const name of ['Alice', 'Bob', 'Carol', 'Dave', 'Erin', 'Frank']) people.push(await newParticipant(name));
  const [alice, bob] = people;
  // Alice's signaling passes through a relay here, so that her connection alone can be cut.
  const relays: WebSocketRoute[] = [];
  await alice.page.routeWebSocket(/\/ws\//, (page) => {
    relays.push(page);
    page.connectToServer();
  });
  const invite = await alice.createMeeting();
  for (const person of people) await person.join(invite);
  await expectEveryoneDecrypting(people);
  const width = async () => (await alice.pictureSizeOf('Bob')).width;
  const lowerLayer = async () => {
    const shown = await width();
    return shown > 0 && shown < 640; // a picture, and a lower layer's
  };

  await expect.poll(lowerLayer, { timeout: 30_000 }).toBe(true);
  // Bob sends a wider layer than Alice gets: the narrower picture is the layer Alice asked
  // for, not Bob's encoder scaling down.
  expect(await bob.widestSentVideo()).toBeGreaterThan(await width());

  // Alice's signaling connection is lost and made again: her new session asks for the
  // same lower layer (her tiles did not change, so her page asks nothing new).
  for (const relay of relays.splice(0)) await relay.close({ code: 1001 });
  await expect(alice.page.getByTestId('signaling-reconnecting')).toBeVisible();
  await expect(alice.page.getByTestId('signaling-reconnecting')).toHaveCount(0, { timeout: 30_000 });
  await expect(alice.tileStatus('Bob')).toHaveText('Decrypting', { timeout: 30_000 });
  await expect.poll(lowerLayer, { timeout: 30_000 }).toBe(true);

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
