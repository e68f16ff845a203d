/**
 * What whoever relays the media learns about speech for free (docs/THREAT_MODEL.md,
 * metadata): nothing from RTP header extensions, nothing from frame sizes. No session
 * description of any peer connection, local or remote, mesh or Janus (whose own offers to
 * subscribers included), negotiates the audio-level header extension; every Opus format
 * asks for constant bitrate; and the encoder really makes every audio frame one size.
 * Chromium's fake microphone beeps and is silent in turns: a variable-bitrate encoder
 * makes the silent frames much smaller than the beeps, so the size check can fail.
 */
import { test, expect, type Participant, type RecordedFrame } from '../fixtures/meeting';
import { sframeHeaderLength } from '../support/sframe-overhead';

/** The RTP header extensions that carry audio levels in clear (RFC 6464, RFC 6465). */
const AUDIO_LEVEL = /urn:ietf:params:rtp-hdrext:(ssrc|csrc)-audio-level/;

/** Collects Opus frames from `take` until there are `count` (about 20 ms of speech each). */
async function collectOpusFrames(
  take: () => Promise<RecordedFrame[]>,
  count: number,
): Promise<RecordedFrame[]> {
  const frames: RecordedFrame[] = [];
  await expect
    .poll(
      async () => {
        frames.push(...(await take()).filter((frame) => frame.codec === 'opus'));
        return frames.length;
      },
      { timeout: 30_000 },
    )
    .toBeGreaterThanOrEqual(count);
  return frames;
}

/** The sizes seen, sorted, each once. */
function distinctSizes(frames: RecordedFrame[]): number[] {
  return [...new Set(frames.map((frame) => frame.data.length))].sort((a, b) => a - b);
}

test('no session description negotiates the audio level, and Opus asks for constant bitrate', async ({ meeting }) => {
  const people: Participant[] = await meeting(['Alice', 'Bob']);
  for (const person of people) {
    const descriptions = await person.sessionDescriptions();
    expect(descriptions.length, `${person.name}'s peer connections`).toBeGreaterThan(0);
    for (const { local, remote } of descriptions) {
      for (const [side, sdp] of [
        ['local', local],
        ['remote', remote],
      ]) {
        expect(sdp, `${person.name}'s ${side} description`).toContain('m=audio');
        expect(sdp, `${person.name}'s ${side} description`).not.toMatch(AUDIO_LEVEL);
        const opus = [...sdp.matchAll(/^a=rtpmap:(\d+) opus\//gim)].map((match) => match[1]);
        expect(opus.length, `${person.name}'s ${side} description names Opus`).toBeGreaterThan(0);
        for (const payloadType of opus) {
          expect(sdp, `${person.name}'s ${side} Opus ${payloadType}`).toMatch(
            new RegExp(`^a=fmtp:${payloadType} [^\\r\\n]*\\bcbr=1\\b`, 'm'),
          );
        }
      }
    }
  }
});

test('every audio frame has the same size, beep or silence', async ({ meeting }) => {
  const [alice, bob] = await meeting(['Alice', 'Bob']);
  // The recordings so far hold the meeting's start; keep only what comes from now on.
  await alice.takeRecordings();
  await bob.takeRecordings();

  // 200 frames of 20 ms: four seconds, several beeps and the silences between.
  const sent = await collectOpusFrames(async () => (await alice.takeRecordings()).sent, 200);
  expect(distinctSizes(sent), 'sizes of the Opus frames Alice encoded').toHaveLength(1);

  // What the SFU (or the other browser) gets: one size too after the SFrame header, whose
  // counter field grows with the frame count (inline below 8, then 1, 2... bytes), not speech.
  const received = await collectOpusFrames(async () => (await bob.takeRecordings()).received, 200);
  const bodySizes = new Set(received.map((frame) => frame.data.length - sframeHeaderLength(frame.data)));
  expect([...bodySizes], 'sizes of the protected Opus frames Bob received, less the SFrame header').toHaveLength(1);
});
