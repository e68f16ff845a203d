/**
 * The media path to Janus breaks during a meeting, in two ways:
 * - Janus restarts: every room and session on it is gone, and the signaling server
 *   recreates the room;
 * - the network drops out for longer than ICE waits: the connections to Janus fail (Janus
 *   itself does not hang them up).
 * Either way both clients show "Reconnecting to the media server", publish and subscribe
 * again, and decrypt each other again within a bound of the path being back. The mesh has
 * its own outage scenario (mesh/network-outage).
 */
import { test, expect, expectRising, viewingPairs, type Participant } from '../../fixtures/meeting';
import { startJanus, stopJanus } from '../../support/janus';

const RECONNECTING = 'Reconnecting to the media server';

/** Within `recoveryMs` everyone stops showing the banner and decrypts the others' new frames. */
async function expectBackWithin(people: Participant[], recoveryMs: number): Promise<void> {
  for (const [viewer, remote] of viewingPairs(people)) {
    await expect(viewer.page.getByText(RECONNECTING)).toBeHidden({ timeout: recoveryMs });
    await expect.poll(() => viewer.framesDecodedOf(remote.name), { timeout: recoveryMs }).toBeGreaterThan(0);
    await expectRising(() => viewer.framesDecodedOf(remote.name), 20);
    await expect(viewer.tileStatus(remote.name)).toHaveText('Decrypting');
  }
}

test('after a Janus restart the meeting reconnects and decrypts again', async ({ meeting }) => {
  test.setTimeout(120_000);
  const [alice, bob] = await meeting(['Alice', 'Bob']);

  await stopJanus();
  for (const person of [alice, bob]) {
    await expect(person.page.getByText(RECONNECTING)).toBeVisible();
  }
  await startJanus();

  // The bound we promise: from Janus accepting connections again to decrypting again.
  await expectBackWithin([alice, bob], 15_000);
});

test('after a network outage the meeting reconnects to Janus by itself and decrypts again', async ({
  meeting,
  networkOutage,
}) => {
  test.setTimeout(180_000);
  const [alice, bob] = await meeting(['Alice', 'Bob']);

  networkOutage.start();
  for (const person of [alice, bob]) {
    await expect(person.page.getByText(RECONNECTING)).toBeVisible({ timeout: 45_000 });
  }
  networkOutage.end();

  // The bound we promise: from the network coming back to decrypting again.
  await expectBackWithin([alice, bob], 20_000);
});
