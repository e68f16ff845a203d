/**
 * The network drops out for longer than ICE waits (a laptop changing networks, a dead
 * Wi-Fi): the peer connections fail, and each tile says "Reconnecting…". Once the network
 * is back, the meeting reconnects by itself, the side that offered each connection making
 * it again, and both decrypt each other again. Mesh only: the SFU mode has its own reconnection (sfu/janus-restart).
 */
import { test, expect, expectRising } from '../../fixtures/meeting';
import { cutMediaPaths, restoreMediaPaths } from '../../support/network-outage';

/** The bound we promise: from the network coming back to decrypting again. */
const RECOVERY_MS = 20_000;

test('after a network outage the mesh connects again by itself and decrypts again', async ({ newParticipant }) => {
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
    // Chromium gives up on a connection whose every path went silent.
    for (const [viewer, remote] of [
      [alice, bob],
      [bob, alice],
    ] as const) {
      await expect.poll(() => viewer.peerConnectionStates(), { timeout: 90_000 }).toContain('failed');
      // The tile says what is wrong: the connection, not the keys.
      await expect(viewer.tileStatus(remote.name)).toHaveText('Reconnecting…');
    }
  } finally {
    restoreMediaPaths();
  }

  for (const [viewer, remote] of [
    [alice, bob],
    [bob, alice],
  ] as const) {
    await expect.poll(() => viewer.peerConnectionStates(), { timeout: RECOVERY_MS }).toContain('connected');
    await expectRising(async () => (await viewer.inboundVideoOf(remote.name)).framesDecoded, 20);
    await expect(viewer.tileStatus(remote.name)).toHaveText('Decrypting');
  }
});
