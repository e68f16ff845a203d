/**
 * Chair control figures (issue 13; run: `cargo xtask bench`), in mesh and SFU mode:
 * - knock to first decrypted frame: from the page receiving the chair's click on "Admit" to
 *   the first video frame the admitted joiner decrypted;
 * - remove to last decrypted frame: from the page receiving the chair's click on "Remove" to
 *   the last frame the removed member decrypted, while the removed member's browser keeps its
 *   peer connections (test hook) and the server keeps relaying to it (hostile mode
 *   `keep_expelled`), the worst case: only the key change stops it.
 * Both pages run on this machine, so their Date.now() clocks compare. The worker reports its
 * counters at most every 250 ms, so a figure is known to about that much. Printed and
 * appended to test-results/benchmarks.jsonl; nothing here is a pass/fail timing.
 */
import { test, expect, type Participant } from '../fixtures/meeting';
import { keepExpelled } from '../fixtures/hostile-server';
import { recordSamples } from './report';

const MODES = [
  { mode: 'mesh', baseURL: 'http://127.0.0.1:8090' },
  { mode: 'janus', baseURL: 'http://127.0.0.1:8091' },
];
const ROUNDS = 5;
/** How long the removed member's page is watched for more decrypted frames after its removal. */
const AFTER_REMOVAL_MS = 3_000;

/** The page time of the first video frame `person` decrypted, once there is one. */
async function firstDecryptedVideoAt(person: Participant): Promise<number> {
  const decrypted = async () =>
    (await person.receiveStatsLog()).filter((stats) => stats.mediaKind === 'video' && stats.decrypted > 0);
  await expect.poll(async () => (await decrypted()).length, { timeout: 30_000 }).toBeGreaterThan(0);
  return Math.min(...(await decrypted()).map((stats) => stats.at));
}

/** The page time of the last report in which a source's decrypted count grew. */
async function lastDecryptedAt(person: Participant): Promise<number> {
  const seen = new Map<string, number>();
  let last = 0;
  for (const stats of await person.receiveStatsLog()) {
    const source = `${stats.feedId ?? stats.participantId}/${stats.mediaKind}`;
    if (stats.decrypted > (seen.get(source) ?? 0)) last = stats.at;
    seen.set(source, Math.max(stats.decrypted, seen.get(source) ?? 0));
  }
  return last;
}

for (const { mode, baseURL } of MODES) {
  test.describe(`${mode} mode`, () => {
    test.use({ baseURL });

    test(`knock to first decrypted frame (${mode})`, async ({ meeting, newParticipant }) => {
      test.setTimeout(240_000);
      const samples: number[] = [];
      const [alice] = await meeting(['Alice', 'Bob'], { whoCanJoin: 'People the chair admits' });
      for (let round = 0; round < ROUNDS; round++) {
        const carol = await newParticipant(`Carol ${round}`);
        await carol.join(alice.invite);
        const admit = alice.knock(carol.name).getByRole('button', { name: `Admit ${carol.name}` });
        await expect(admit).toBeVisible();
        const clickedAt = await alice.clickTimed(admit);
        samples.push((await firstDecryptedVideoAt(carol)) - clickedAt);
        await carol.page.getByRole('button', { name: 'Leave' }).click();
        await expect(alice.roster()).toHaveCount(2);
        await carol.context.close();
      }
      recordSamples(`knock to first decrypted video frame (chair's click on Admit, ${mode})`, 'ms', samples);
    });

    test(`remove to the removed member's last decrypted frame (${mode})`, async ({ meeting, newParticipant }) => {
      test.setTimeout(240_000);
      const samples: number[] = [];
      const [alice] = await meeting(['Alice', 'Bob'], { whoCanJoin: 'People the chair admits' });
      await keepExpelled(alice.page.request, alice.invite);
      for (let round = 0; round < ROUNDS; round++) {
        const carol = await newParticipant(`Carol ${round}`, { keepPeerConnections: true });
        await carol.join(alice.invite);
        await alice.admit(carol.name);
        await expect(carol.tileStatus('Alice')).toHaveText('Decrypting');
        const remove = alice.rosterMember(carol.name).getByRole('button', { name: `Remove ${carol.name}` });
        const clickedAt = await alice.clickTimed(remove);
        await expect(carol.meetingClosed()).toContainText('A chair removed you from the meeting');
        await carol.page.waitForTimeout(AFTER_REMOVAL_MS);
        samples.push((await lastDecryptedAt(carol)) - clickedAt);
        await expect(alice.roster()).toHaveCount(2);
        await carol.context.close();
      }
      recordSamples(`remove to the removed member's last decrypted frame (chair's click on Remove, ${mode})`, 'ms', samples);
    });
  });
}
