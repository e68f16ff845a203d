/**
 * Reads the SFrame tag length off the wire: which `Nt` turns the lengths of the frames a
 * receiver got back into the lengths the sender protected. Audio only (Opus has no clear
 * prefix, and its frames arrive in order), so a run of received frames lines up with a run
 * of sent ones.
 */
import type { RecordedFrame } from '../fixtures/meeting';

/** Bytes of the SFrame header at the start of `frame` (RFC 9605 section 4.3). */
export function sframeHeaderLength(frame: Uint8Array): number {
  const config = frame[0];
  const kidExtended = (config & 0x80) !== 0;
  const kidLength = (config >> 4) & 0x07;
  const ctrExtended = (config & 0x08) !== 0;
  const ctrLength = config & 0x07;
  return 1 + (kidExtended ? kidLength + 1 : 0) + (ctrExtended ? ctrLength + 1 : 0);
}

/**
 * How many runs of `window` consecutive received audio frames match a run of sent audio frames
 * when the tag is `tagLength` bytes: received length = header + sent length + tag.
 */
export function matchingAudioRuns(
  sent: RecordedFrame[],
  received: RecordedFrame[],
  tagLength: number,
  window = 8,
): number {
  const sentLengths = sent.filter((f) => f.codec === 'opus').map((f) => f.data.length);
  const bodyLengths = received
    .filter((f) => f.codec === 'opus')
    .map((f) => f.data.length - sframeHeaderLength(f.data) - tagLength);
  const sentText = `,${sentLengths.join(',')},`;
  let runs = 0;
  for (let start = 0; start + window <= bodyLengths.length; start += window) {
    if (sentText.includes(`,${bodyLengths.slice(start, start + window).join(',')},`)) runs += 1;
  }
  return runs;
}
