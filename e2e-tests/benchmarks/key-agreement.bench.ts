/**
 * Key agreement latencies in a real 3-party mesh meeting (run: `cargo xtask bench`):
 * - join: from the page receiving the click on "Join meeting" to the joiner's first
 *   decrypted video frame;
 * - leave: from a member clicking "Leave" to every remaining receiver decrypting every
 *   remaining sender's video under the new epoch's keys.
 * Figures are printed and appended to test-results/benchmarks.jsonl; BENCHMARKS.md
 * records them. Nothing here is a pass/fail timing.
 */
import { test, expect, type Participant } from '../fixtures/meeting';
import { recordSamples } from './report';

const ROUNDS = 5;

/** When `viewer` first decrypted video from a participant under an epoch newer than `epoch`. */
async function newEpochSince(viewer: Participant, epochBefore: number): Promise<number[]> {
  const log = await viewer.receiveStatsLog();
  const firsts = new Map<string, number>();
  for (const stats of log) {
    if (stats.mediaKind !== 'video' || stats.epoch == null || stats.epoch <= epochBefore) continue;
    const since = stats.epochSince ?? stats.at;
    const sender = String(stats.participantId);
    const known = firsts.get(sender);
    if (known === undefined || since < known) firsts.set(sender, since);
  }
  return [...firsts.values()];
}

async function latestEpoch(viewer: Participant): Promise<number> {
  const log = await viewer.receiveStatsLog();
  return Math.max(-1, ...log.map((stats) => stats.epoch ?? -1));
}

test('join and leave latencies of the MLS key switch', async ({ meeting, newParticipant }) => {
  const joins: number[] = [];
  const leaves: number[] = [];
  const [alice, bob] = await meeting(['Alice', 'Bob']);

  for (let round = 0; round < ROUNDS; round++) {
    const carol = await newParticipant(`Carol ${round}`);
    joins.push(await carol.timeJoinToFirstVideo(alice.invite));
    await expect(alice.tileStatus(carol.name)).toHaveText('Decrypting');
    await expect(bob.tileStatus(carol.name)).toHaveText('Decrypting');

    const epochBefore = Math.max(await latestEpoch(alice), await latestEpoch(bob));
    const leftAt = await carol.clickTimed(carol.page.getByRole('button', { name: 'Leave' }));
    // Each of Alice and Bob must decrypt the other under a newer epoch.
    await expect.poll(async () => (await newEpochSince(alice, epochBefore)).length).toBeGreaterThanOrEqual(1);
    await expect.poll(async () => (await newEpochSince(bob, epochBefore)).length).toBeGreaterThanOrEqual(1);
    const switched = [...(await newEpochSince(alice, epochBefore)), ...(await newEpochSince(bob, epochBefore))];
    leaves.push(Math.max(...switched) - leftAt);
    await carol.context.close();
  }
  recordSamples('join to first decrypted video frame (3-party mesh)', 'ms', joins);
  recordSamples('leave to every remaining sender decrypted under the new epoch (mesh)', 'ms', leaves);
});
