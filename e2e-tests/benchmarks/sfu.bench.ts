/**
 * SFU mode figures (run: `cargo xtask bench`), beside mesh mode for comparison:
 * - join: from the page receiving the click on "Join meeting" to the joiner's first
 *   decrypted video frame, with a real Janus carrying the media;
 * - CPU: renderer-process CPU time per second of wall time of each participant of a
 *   3-party meeting (each sends camera and microphone and receives the other two), read
 *   from Chromium's own `ProcessTime` metric (encoding, decoding, the E2EE worker and the
 *   page itself all run in the renderer).
 * Figures are printed and appended to test-results/benchmarks.jsonl; BENCHMARKS.md records
 * them. Nothing here is a pass/fail timing.
 */
import { test, expect, type Participant } from '../fixtures/meeting';
import { recordSamples } from './report';

const MODES = [
  { mode: 'mesh', baseURL: 'http://127.0.0.1:8090' },
  { mode: 'janus', baseURL: 'http://127.0.0.1:8091' },
];
const JOIN_ROUNDS = 5;
const CPU_WINDOW_MS = 20_000;

/** Seconds of CPU the participant's renderer process has used so far. */
async function processSeconds(person: Participant): Promise<number> {
  const session = await person.context.newCDPSession(person.page);
  await session.send('Performance.enable');
  const { metrics } = await session.send('Performance.getMetrics');
  await session.detach();
  const processTime = metrics.find((metric) => metric.name === 'ProcessTime');
  if (!processTime) throw new Error('Chromium reported no ProcessTime metric');
  return processTime.value;
}

for (const { mode, baseURL } of MODES) {
  test.describe(`${mode} mode`, () => {
    test.use({ baseURL });

    test(`join to first decrypted video frame (${mode})`, async ({ meeting, newParticipant }) => {
      test.setTimeout(240_000);
      const joins: number[] = [];
      const [alice] = await meeting(['Alice', 'Bob']);
      for (let round = 0; round < JOIN_ROUNDS; round++) {
        const carol = await newParticipant(`Carol ${round}`);
        joins.push(await carol.timeJoinToFirstVideo(alice.invite));
        await expect(alice.tileStatus(carol.name)).toHaveText('Decrypting');
        await carol.page.getByRole('button', { name: 'Leave' }).click();
        await expect(alice.roster()).toHaveCount(2);
        await carol.context.close();
      }
      recordSamples(`join to first decrypted video frame (3-party, ${mode})`, 'ms', joins);
    });

    test(`CPU per second of a 3-party meeting (${mode})`, async ({ meeting }) => {
      test.setTimeout(180_000);
      const people = await meeting(['Alice', 'Bob', 'Carol']);
      // Let bandwidth estimation and simulcast settle before measuring.
      await expect.poll(() => people[2].framesDecodedOf('Alice'), { timeout: 30_000 }).toBeGreaterThan(150);
      const before = await Promise.all(people.map(processSeconds));
      const startedAt = Date.now();
      // The measurement window itself: CPU used per second of a meeting left alone.
      await people[0].page.waitForTimeout(CPU_WINDOW_MS);
      const after = await Promise.all(people.map(processSeconds));
      const wallSeconds = (Date.now() - startedAt) / 1000;
      const percentOfACore = people.map((_, i) => Math.round(((after[i] - before[i]) / wallSeconds) * 1000) / 10);
      recordSamples(`renderer CPU per participant, 3-party meeting (${mode}; each sends 1, receives 2)`, '% of a core', percentOfACore);
    });
  });
}
