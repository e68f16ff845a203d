/**
 * SFU mode: three people meet through a real Janus VideoRoom. Everyone decrypts everyone,
 * and the media really travels through Janus (every peer connection of every page is to
 * the VideoRoom), not peer to peer.
 */
import { test, expect, expectRising, viewingPairs } from '../../fixtures/meeting';

test('three participants meet through Janus and everyone decrypts everyone', async ({ meeting }) => {
  const people = await meeting(['Alice', 'Bob', 'Carol']);

  for (const [viewer, remote] of viewingPairs(people)) {
    await expectRising(() => viewer.framesDecodedOf(remote.name), 20);
    await expect.poll(() => viewer.pictureContrastOf(remote.name)).toBeGreaterThan(10);
  }
  for (const viewer of people) {
    // One publisher and one subscriber connection, both answered by Janus (its SDP names
    // its media streams "janus"), none to another browser.
    expect(await viewer.remoteStreamSemantics()).toEqual(['WMS janus', 'WMS janus']);
  }
});
