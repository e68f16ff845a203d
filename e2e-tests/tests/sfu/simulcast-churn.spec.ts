/**
 * Simulcast through Janus while people come and go: each camera is sent in several
 * layers (one encrypting sender, one SFrame counter for all of them); a late joiner and
 * a leaver do not disturb the others, and no received frame fails to decrypt.
 */
import { test, expect, expectRising, type Participant } from '../../fixtures/meeting';

/** rids of the active simulcast layers this page sends. */
async function sentLayers(person: Participant): Promise<string[]> {
  return person.page.evaluate(async () => {
    const rids = new Set<string>();
    for (const pc of (window as any).__conclaveTest.peerConnections as RTCPeerConnection[]) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((report: any) => {
        if (report.type === 'outbound-rtp' && report.kind === 'video' && report.rid && report.framesEncoded > 0) {
          rids.add(report.rid);
        }
      });
    }
    return [...rids].sort();
  });
}

/** Frames that failed to decrypt at `person`, over every source. */
async function failedFrames(person: Participant): Promise<number> {
  const latest = new Map<string, number>();
  for (const stats of await person.receiveStatsLog()) {
    latest.set(`${stats.feedId ?? stats.participantId}/${stats.mediaKind}`, stats.failed);
  }
  return [...latest.values()].reduce((sum, failed) => sum + failed, 0);
}

test('with simulcast on, a late joiner and a leaver leave the others decrypting', async ({ newParticipant }) => {
  test.setTimeout(150_000);
  const alice = await newParticipant('Alice');
  const bob = await newParticipant('Bob');
  const carol = await newParticipant('Carol');
  const invite = await alice.createMeeting();
  for (const person of [alice, bob, carol]) await person.join(invite);
  await expect(alice.tileStatus('Carol')).toHaveText('Decrypting');
  // Chromium sends as many layers as the 640x480 camera allows (at least two).
  await expect.poll(() => sentLayers(alice)).toEqual(expect.arrayContaining(['h', 'm']));

  const dave = await newParticipant('Dave');
  await dave.join(invite);
  await bob.page.getByRole('button', { name: 'Leave' }).click();

  const staying = [alice, carol, dave];
  for (const viewer of staying) {
    await expect(viewer.roster()).toHaveCount(3);
    for (const remote of staying.filter((p) => p !== viewer)) {
      await expect(viewer.tileStatus(remote.name)).toHaveText('Decrypting');
      await expectRising(async () => (await viewer.inboundVideoOf(remote.name)).framesDecoded, 20);
    }
  }
  for (const viewer of staying) {
    expect(await failedFrames(viewer), `${viewer.name}: frames that failed to decrypt`).toBe(0);
  }
});
