/**
 * The plaintext check of the wire tests: no RUN-byte window of what a sender's encoder
 * produced (beyond the codec's clear prefix) may appear in what someone received.
 */

/** Bytes of one frame, and how many of its first bytes are meant to stay in clear. */
export interface FrameBytes {
  clearBytes: number;
  data: Buffer;
}

/** Length of the windows compared. */
export const RUN = 16;

/** Every RUN-byte window of the frames' protected parts, as latin1 strings. */
export function windowsBeyondClearPrefix(frames: FrameBytes[]): Set<string> {
  const windows = new Set<string>();
  for (const frame of frames) {
    for (let i = frame.clearBytes; i + RUN <= frame.data.length; i++) {
      windows.add(frame.data.toString('latin1', i, i + RUN));
    }
  }
  return windows;
}

/** How many RUN-byte windows of `frames` (anywhere in them) are in `windows`. */
export function countShared(frames: { data: Buffer }[], windows: Set<string>): number {
  let shared = 0;
  for (const frame of frames) {
    for (let i = 0; i + RUN <= frame.data.length; i++) {
      if (windows.has(frame.data.toString('latin1', i, i + RUN))) shared++;
    }
  }
  return shared;
}
