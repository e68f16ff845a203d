/**
 * The codec matrix: each video codec Conclave protects (docs/FRAME_FORMAT.md) is forced on
 * both participants, and each receiver decodes the other's encrypted video in that codec.
 * A codec this Chromium does not offer gets a test that says so and fails nothing; every
 * codec it offers is tested.
 */
import type { Browser } from '@playwright/test';
import { test, expect, expectRising, viewingPairs, type VideoCodecName } from '../fixtures/meeting';

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
  test(`encrypted ${codec} video decodes on both sides (when this browser offers ${codec})`, async ({ meeting, browser }) => {
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

    const people = await meeting(['Alice', 'Bob'], { videoCodec: codec });
    for (const [viewer, remote] of viewingPairs(people)) {
      await expect(viewer.tile(remote.name)).toBeVisible();
      await expectRising(() => viewer.framesDecodedOf(remote.name), 20);
      await expect.poll(() => viewer.inboundVideoCodecsOf(remote.name)).toEqual([`video/${codec}`]);
      // A decoded picture has the fake camera's contrast; garbage or a blank picture has not.
      await expect.poll(() => viewer.pictureContrastOf(remote.name)).toBeGreaterThan(10);
    }
    // Every received frame decrypted: none failed authentication.
    for (const viewer of people) {
      const video = (await viewer.receiveStatsLog()).filter((stats) => stats.mediaKind === 'video');
      expect(video.length).toBeGreaterThan(0);
      expect(video[video.length - 1].failed).toBe(0);
    }
  });
}
