/**
 * The network drops out for longer than ICE waits (a laptop changing networks, a dead
 * Wi-Fi): the peer connections fail, and each tile says "Reconnecting…". The side that
 * offered each connection makes it again (still without a path, so again and again); once
 * the network is back, one of those attempts connects and both decrypt each other again.
 * The SFU mode has its own scenario (sfu/reconnection).
 */
import { test, expect, expectRising, viewingPairs } from '../../fixtures/meeting';

/** The bound we promise: from the network coming back to decrypting again. */
const RECOVERY_MS = 20_000;

test('after a network outage the mesh connects again by itself and decrypts again', async ({
  meeting,
  networkOutage,
}) => {
  test.setTimeout(180_000);
  const [alice, bob] = await meeting(['Alice', 'Bob']);
  const made = { alice: await alice.peerConnectionsMade(), bob: await bob.peerConnectionsMade() };

  networkOutage.start();
  // The tile says what is wrong: the connection, not the keys.
  await expect(alice.tileStatus('Bob')).toHaveText('Reconnecting…', { timeout: 45_000 });
  await expect(bob.tileStatus('Alice')).toHaveText('Reconnecting…', { timeout: 45_000 });
  // Failed (not only disconnected, which Chromium would heal alone): Alice, who offered
  // first, offered again, and Bob answered on a new connection.
  await expect.poll(() => alice.peerConnectionsMade(), { timeout: 45_000 }).toBeGreaterThan(made.alice);
  await expect.poll(() => bob.peerConnectionsMade(), { timeout: 15_000 }).toBeGreaterThan(made.bob);
  networkOutage.end();

  for (const [viewer, remote] of viewingPairs([alice, bob])) {
    await expect(viewer.tileStatus(remote.name)).toHaveText('Decrypting', { timeout: RECOVERY_MS });
    await expectRising(() => viewer.framesDecodedOf(remote.name), 20);
  }
});
