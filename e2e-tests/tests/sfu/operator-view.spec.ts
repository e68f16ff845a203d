/**
 * What the SFU operator gets: a plain Janus subscriber, with no Conclave code and the
 * room's pin (as anyone in the signaling room gets it), receives the room's packets but
 * decodes nothing, and no 16-byte run of a sender's plaintext is in the frames it gets.
 */
import { test, expect } from '../../fixtures/meeting';
import { watchAsOperator, type JanusRoomAccess } from '../../support/plain-janus-subscriber';
import { countShared, windowsBeyondClearPrefix } from '../../support/plaintext-runs';
import { SignalingClient } from '../../support/signaling-client';

test('a plain Janus subscriber receives packets, decodes nothing and sees no plaintext', async ({
  meeting,
  browser,
  baseURL,
}) => {
  const [alice, bob] = await meeting(['Alice', 'Bob']);

  // The operator's way in: the room id and pin, as the signaling server hands them out.
  const operator = await SignalingClient.connect(baseURL!, alice.invite);
  operator.join();
  const ready = await operator.next('sfu_room_ready');
  const access = ready.access as JanusRoomAccess & { kind: string };
  expect(access.kind).toBe('janus');

  // Recordings restart now, so the senders' plaintext covers the operator's window.
  await alice.takeRecordings();
  await bob.takeRecordings();
  const operatorContext = await browser.newContext();
  const view = await watchAsOperator(await operatorContext.newPage(), access, 6_000);
  const sent = [...(await alice.takeRecordings()).sent, ...(await bob.takeRecordings()).sent];
  operator.close();
  await operatorContext.close();

  expect(view.feeds).toBe(2);
  expect(view.packetsReceived).toBeGreaterThan(100);
  // At most a key frame per feed: its VP8 header (10 bytes) stays in clear for SFUs
  // (crypto-wasm/src/codec), and libvpx may accept the noise behind it as a picture; no
  // frame after it decodes. (A bound of 1 in all failed a run where both feeds' did.)
  expect(view.framesDecoded).toBeLessThanOrEqual(view.feeds);
  const videoFrames = view.frames.filter((frame) => frame.kind === 'video');
  expect(videoFrames.length).toBeGreaterThan(30);

  const plaintext = windowsBeyondClearPrefix(sent);
  // The check must be able to fail: the plaintext itself holds many such runs.
  expect(plaintext.size).toBeGreaterThan(10_000);
  expect(countShared(view.frames, plaintext), 'plaintext runs in what the SFU forwarded').toBe(0);

  // The meeting itself is unaffected, and the operator is listed as outside it.
  await expect(alice.outsiders()).toHaveCount(0);
  await expect(alice.tileStatus('Bob')).toHaveText('Decrypting');
});
