/**
 * A browser with neither RTCRtpScriptTransform nor createEncodedStreams cannot encrypt
 * frames: it gets a clear page saying the meeting was not joined, and never an unencrypted
 * call. Both APIs are deleted before the app loads (fixtures/browser-instrumentation.ts).
 */
import type { WebSocket } from '@playwright/test';
import { test, expect } from '../fixtures/meeting';

test('a browser without encoded transforms is told so and sends nothing', async ({ meeting, newParticipant }) => {
  const [alice] = await meeting(['Alice']);
  const mallory = await newParticipant('Mallory', { withoutEncodedTransforms: true });
  // The lobby opens the signaling socket ahead of a join (without sending on it).
  const sockets: WebSocket[] = [];
  const framesSent: string[] = [];
  mallory.page.on('websocket', (socket) => {
    sockets.push(socket);
    socket.on('framesent', (frame) => framesSent.push(String(frame.payload)));
  });

  await mallory.askToJoin(alice.invite);

  const alert = mallory.page.getByRole('alert');
  await expect(alert).toContainText('Encryption is not available, so this meeting was not joined.');
  await expect(alert).toContainText('neither RTCRtpScriptTransform nor createEncodedStreams');
  await expect(alert).toContainText('No audio or video was sent.');
  // Nothing that could carry media or announce Mallory was made: no peer connection, no
  // message to the signaling server (the lobby's socket is closed), no encryption worker.
  expect(await mallory.peerConnectionsMade()).toBe(0);
  await expect.poll(() => sockets.every((socket) => socket.isClosed())).toBe(true);
  expect(framesSent).toEqual([]);
  expect(await mallory.page.evaluate(() => (window as any).__conclaveTest.workers.length)).toBe(0);
  // Alice's meeting never saw Mallory, as a member or as someone outside it.
  await expect(alice.tile('Mallory')).toHaveCount(0);
  await expect(alice.outsiders()).toHaveCount(0);
  expect(await alice.rosterNames()).toEqual(['Alice']);
});
