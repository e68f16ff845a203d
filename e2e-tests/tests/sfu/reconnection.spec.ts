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
import { test, expect, expectRising, type Participant } from '../../fixtures/meeting';
import { cutMediaPaths, restoreMediaPaths } from '../../support/network-outage';
import { startJanus, stopJanus } from '../../support/janus';

const RECONNECTING = 'Reconnecting to the media server';

/** Alice and Bob in one meeting through Janus, decrypting each other. */
async function meetingOfTwo(
  newParticipant: (name: string) => Promise<Participant>,
): Promise<[Participant, Participant]> {
  const alice = await newParticipant('Alice');
  const bob = await newParticipant('Bob');
  const invite = await alice.createMeeting();
  await alice.join(invite);
  await bob.join(invite);
  await expect(alice.tileStatus('Bob')).toHaveText('Decrypting');
  await expect(bob.tileStatus('Alice')).toHaveText('Decrypting');
  return [alice, bob];
}

/** Within `recoveryMs` both stop showing the banner and decrypt each other's new frames. */
async function expectBackWithin(alice: Participant, bob: Participant, recoveryMs: number): Promise<void> {
  for (const [viewer, remote] of [
    [alice, bob],
    [bob, alice],
  ] as const) {
    await expect(viewer.page.getByText(RECONNECTING)).toBeHidden({ timeout: recoveryMs });
    await expect
      .poll(async () => (await viewer.inboundVideoOf(remote.name)).framesDecoded, { timeout: recoveryMs })
      .toBeGreaterThan(0);
    await expectRising(async () => (await viewer.inboundVideoOf(remote.name)).framesDecoded, 20);
    await expect(viewer.tileStatus(remote.name)).toHaveText('Decrypting');
  }
}

test('after a Janus restart the meeting reconnects and decrypts again', async ({ newParticipant }) => {
  test.setTimeout(120_000);
  const [alice, bob] = await meetingOfTwo(newParticipant);

  await stopJanus();
  for (const person of [alice, bob]) {
    await expect(person.page.getByText(RECONNECTING)).toBeVisible();
  }
  await startJanus();

  // The bound we promise: from Janus accepting connections again to decrypting again.
  await expectBackWithin(alice, bob, 15_000);
});

test('after a network outage the meeting reconnects to Janus by itself and decrypts again', async ({ newParticipant }) => {
  test.setTimeout(180_000);
  const [alice, bob] = await meetingOfTwo(newParticipant);

  cutMediaPaths();
  try {
    for (const person of [alice, bob]) {
      await expect(person.page.getByText(RECONNECTING)).toBeVisible({ timeout: 45_000 });
    }
  } finally {
    restoreMediaPaths();
  }

  // The bound we promise: from the network coming back to decrypting again.
  await expectBackWithin(alice, bob, 20_000);
});
