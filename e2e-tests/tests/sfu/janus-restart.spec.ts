/**
 * Janus restarts during a meeting: every room and session on it is gone. The signaling
 * server recreates the room, the clients show "Reconnecting", publish and subscribe
 * again, and decrypt each other again within RECOVERY_MS of Janus being back.
 */
import { test, expect, expectRising } from '../../fixtures/meeting';
import { startJanus, stopJanus } from '../../support/janus';

/** The bound we promise: from Janus accepting connections again to decrypting again. */
const RECOVERY_MS = 15_000;

test('after a Janus restart the meeting reconnects and decrypts again', async ({ newParticipant }) => {
  test.setTimeout(120_000);
  const alice = await newParticipant('Alice');
  const bob = await newParticipant('Bob');
  const invite = await alice.createMeeting();
  await alice.join(invite);
  await bob.join(invite);
  await expect(alice.tileStatus('Bob')).toHaveText('Decrypting');
  await expect(bob.tileStatus('Alice')).toHaveText('Decrypting');

  await stopJanus();
  for (const person of [alice, bob]) {
    await expect(person.page.getByText('Reconnecting to the media server')).toBeVisible();
  }
  await startJanus();

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
