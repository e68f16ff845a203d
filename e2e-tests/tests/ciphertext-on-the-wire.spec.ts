/**
 * What travels between browsers is not the plaintext. The worker's test hook (compiled
 * only into the test build) records each frame before protection at the sender and as
 * received before unprotection at the receiver; no 16-byte run of what the encoder
 * produced, beyond the codec's clear prefix, may appear in what arrived.
 */
import { test, expect, viewingPairs } from '../fixtures/meeting';
import { countShared, windowsBeyondClearPrefix } from '../support/plaintext-runs';

test('no run of a sender’s plaintext reaches the receiver, in either direction', async ({ meeting }) => {
  // Alice was there first, so she sent the offer and Bob answered: both roles are covered.
  const [alice, bob] = await meeting(['Alice', 'Bob']);
  for (const [viewer, remote] of viewingPairs([alice, bob])) {
    await expect.poll(() => viewer.framesDecodedOf(remote.name)).toBeGreaterThan(30);
  }

  // Each has one peer, so everything one received came from the other.
  const fromAlice = await alice.takeRecordings();
  const fromBob = await bob.takeRecordings();
  for (const [sent, received] of [
    [fromAlice.sent, fromBob.received],
    [fromBob.sent, fromAlice.received],
  ]) {
    const sentVideo = sent.filter((frame) => frame.codec !== 'opus');
    const receivedVideo = received.filter((frame) => frame.codec !== 'opus');
    expect(sentVideo.length, 'video frames recorded at the sender').toBeGreaterThan(30);
    expect(receivedVideo.length, 'video frames recorded at the receiver').toBeGreaterThan(30);
    expect(sent.some((frame) => frame.codec === 'opus'), 'audio frames recorded at the sender').toBe(true);
    expect(received.some((frame) => frame.codec === 'opus'), 'audio frames recorded at the receiver').toBe(true);

    const plaintext = windowsBeyondClearPrefix(sent);
    // The check must be able to fail: the plaintext itself holds many such runs.
    expect(plaintext.size).toBeGreaterThan(10_000);
    expect(countShared(sent, plaintext)).toBeGreaterThan(10_000);

    expect(countShared(received, plaintext), 'plaintext runs found in received frames').toBe(0);

    // Video frames keep their VP8 clear prefix (what an SFU may read) and nothing more.
    for (const frame of receivedVideo) {
      expect([3, 10]).toContain(frame.clearBytes);
    }
  }
});
