/**
 * SFU mode: three people meet through a real Janus VideoRoom. Everyone decrypts everyone,
 * and the media really travels through Janus (every peer connection of every page is to
 * the VideoRoom), not peer to peer.
 */
import { test, expect, expectRising } from '../../fixtures/meeting';

test('three participants meet through Janus and everyone decrypts everyone', async ({ newParticipant }) => {
  const people = [await newParticipant('Alice'), await newParticipant('Bob'), await newParticipant('Carol')];
  const invite = await people[0].createMeeting();
  for (const person of people) await person.join(invite);

  for (const viewer of people) {
    for (const remote of people.filter((p) => p !== viewer)) {
      await expect(viewer.tileStatus(remote.name)).toHaveText('Decrypting');
      await expectRising(async () => (await viewer.inboundVideoOf(remote.name)).framesDecoded, 20);
      await expect.poll(() => viewer.pictureContrastOf(remote.name)).toBeGreaterThan(10);
    }
    const streamSemantics = await viewer.page.evaluate(() =>
      ((window as any).__conclaveTest.peerConnections as RTCPeerConnection[])
        .filter((pc) => pc.connectionState !== 'closed')
        .map((pc) => /^a=msid-semantic:(.*)$/m.exec(pc.remoteDescription?.sdp ?? '')?.[1]?.trim() ?? ''),
    );
    // One publisher and one subscriber connection, both answered by Janus (its SDP names
    // its media streams "janus"), none to another browser.
    expect(streamSemantics).toEqual(['WMS janus', 'WMS janus']);
  }
});
