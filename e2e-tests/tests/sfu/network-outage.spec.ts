/**
 * The network drops out for longer than ICE waits while the meeting runs through Janus:
 * the connections to Janus fail (Janus itself does not hang them up), the page shows
 * "Reconnecting to the media server", and once the network is back it publishes and
 * subscribes again and everyone decrypts everyone again. The mesh has its own scenario
 * (mesh/network-outage).
 */
import { test, expect, expectRising } from '../../fixtures/meeting';
import { cutMediaPaths, restoreMediaPaths } from '../../support/network-outage';

/** The bound we promise: from the network coming back to decrypting again. */
const RECOVERY_MS = 20_000;

test('after a network outage the meeting reconnects to Janus by itself and decrypts again', async ({ newParticipant }) => {
  test.setTimeout(180_000);
  const alice = await newParticipant('Alice');
  const bob = await newParticipant('Bob');
  const invite = await alice.createMeeting();
  await alice.join(invite);
  await bob.join(invite);
  await expect(alice.tileStatus('Bob')).toHaveText('Decrypting');
  await expect(bob.tileStatus('Alice')).toHaveText('Decrypting');

  cutMediaPaths();
  try {
    for (const person of [alice, bob]) {
      await expect(person.page.getByText('Reconnecting to the media server')).toBeVisible({ timeout: 45_000 });
    }
  } finally {
    restoreMediaPaths();
  }

  for (const [viewer, remote] of [
    [alice, bob],
    [bob, alice],
  ] as const) {
    await expect(viewer.page.getByText('Reconnecting to the media server')).toBeHidden({ timeout: RECOVERY_MS });
    await expect
      .poll(async () => (await viewer.inboundVideoOf(remote.name)).framesDecoded, { timeout: RECOVERY_MS })
      .toBeGreaterThan(0);
    await expectRising(async () => (await viewer.inboundVideoOf(remote.name)).framesDecoded, 20);
    await expect(viewer.tileStatus(remote.name)).toHaveText('Decrypting');
  }
});
