/**
 * The codec matrix: each video codec Conclave protects (docs/FRAME_FORMAT.md) is forced on
 * both participants, and each receiver decodes the other's encrypted video in that codec.
 * A codec this Chromium does not offer gets a test that says so and fails nothing; every
 * codec it offers is tested.
 */
import type { Browser } from '@playwright/test';
import { test, expect, expectRising, type VideoCodecName } from '../fixtures/meeting';

const CODECS: VideoCodecName[] = ['VP8', 'VP9', 'H264', 'AV1'];

/** The video codecs this browser can both send and receive, by MIME subtype. */
async function availableCodecs(browser: Browser): Promise<Set<string>> {
  const page = await browser.newPage();
  try {
    const names = await page.evaluate(() => {
      const subtype = (codec: { mimeType: string }) => codec.mimeType.replace(/^video\//i, '').toUpperCase();
      const send = new Set((RTCRtpSender.getCapabilities('video')?.codecs ?? []).map(subtype));
      const receive = (RTCRtpReceiver.getCapabilities('video')?.codecs ?? []).map(subtype);
      return receive.filter((name) => send.has(name));
    });
    return new Set(names);
  } finally {
    await page.close();
  }
}

let available: Set<string> | null = null;

for (const codec of CODECS) {
  test(`encrypted ${codec} video decodes on both sides (when this browser offers ${codec})`, async ({ newParticipant, browser }) => {
    available ??= await availableCodecs(browser);
    if (!available.has(codec)) {
      // Not a skip: the test passes and says, in the report, that it could not run here.
      test.info().annotations.push({
        type: 'codec not offered',
        description: `${codec} is not in this Chromium's send and receive capabilities; not tested`,
      });
      console.log(`codecs.spec: ${codec} is not offered by this Chromium; not tested`);
      return;
    }
    test.info().annotations.push({ type: 'codec', description: `${codec} offered and tested` });

    const alice = await newParticipant('Alice', { videoCodec: codec });
    const bob = await newParticipant('Bob', { videoCodec: codec });
    const invite = await alice.createMeeting();
    await alice.join(invite);
    await bob.join(invite);

    for (const [viewer, remote] of [[alice, bob], [bob, alice]] as const) {
      await expect(viewer.tile(remote.name)).toBeVisible();
      await expect(viewer.tileStatus(remote.name)).toHaveText('Decrypting');
      await expectRising(async () => (await viewer.inboundVideoOf(remote.name)).framesDecoded, 20);
      await expect.poll(() => viewer.inboundVideoCodecsOf(remote.name)).toEqual([`video/${codec}`]);
      // A decoded picture has the fake camera's contrast; garbage or a blank picture has not.
      await expect.poll(() => viewer.pictureContrastOf(remote.name)).toBeGreaterThan(10);
    }
    // Every received frame decrypted: none failed authentication.
    for (const viewer of [alice, bob]) {
      const log = await viewer.receiveStatsLog();
      const video = log.filter((stats) => stats.mediaKind === 'video');
      expect(video.length).toBeGreaterThan(0);
      expect(video[video.length - 1].failed).toBe(0);
    }
  });
}
