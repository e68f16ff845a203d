/**
 * Council-size meetings (issue 16), in SFU mode through the suite's Janus, at 10, 20 and
 * 30 members: two Chromium pages with media (Alice, Bob), headless members without media
 * (support/headless-members.ts) up to N - 1, then Carol's page joins last. Figures:
 * - join: from Carol's click on "Join meeting" to her first decrypted video frame (three
 *   rounds: Carol leaves and another Carol joins);
 * - leave: (three rounds) from one headless member's leave to every remaining Chromium sender's frames
 *   being decrypted under the new epoch (each page, each feed), and to every remaining
 *   member (pages and headless) being in that epoch;
 * - sizes: the commit that adds Carol and the Welcome she gets (her WebSocket frames), the
 *   commit that removes the leaver;
 * - the server's CPU (`/proc/PID/stat`) while the N members join and over a quiet window
 *   with N members, and its resident memory (`/proc/PID/status`) with N members.
 * The server is the suite's Janus-mode conclave-server (a debug build, as `cargo xtask
 * test` runs it). Figures are printed and appended to test-results/benchmarks.jsonl;
 * BENCHMARKS.md records them. Nothing here is a pass/fail timing.
 */
import * as fs from 'node:fs';
import { test, expect, type Participant } from '../fixtures/meeting';
import { HeadlessMembers } from '../support/headless-members';
import { writeLine } from './report';

const JANUS_MODE_PORT = 8091;
const SIZES = [10, 20, 30];
const QUIET_WINDOW_MS = 10_000;
/** Joins of the last joiner, and leaves, measured per size. */
const ROUNDS = 3;
/** Clock ticks per second in /proc/PID/stat (USER_HZ). */
const TICKS_PER_SECOND = 100;

/** The Janus-mode conclave-server this run started (a child of the Playwright runner, whose worker we are). */
function serverPid(): number {
  const parentOf = (pid: number): number => {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  };
  const descendsFromRunner = (pid: number): boolean => {
    for (let at = pid, hops = 0; at > 1 && hops < 6; hops++) {
      at = parentOf(at);
      if (at === process.ppid) return true;
    }
    return false;
  };
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    // The server itself, not the shell Playwright starts it through.
    const isServer = argv[0].endsWith('/conclave-server') && argv.includes(`127.0.0.1:${JANUS_MODE_PORT}`);
    if (isServer && descendsFromRunner(Number(entry))) return Number(entry);
  }
  throw new Error(`no conclave-server on port ${JANUS_MODE_PORT} started by this run`);
}

/** The server's CPU time (ms, user + system) and resident memory (MiB) now. */
function serverSample(pid: number): { cpuMs: number; rssMiB: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3, utime field 14, stime field 15.
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return { cpuMs: (ticks * 1000) / TICKS_PER_SECOND, rssMiB: Math.round((rssKiB / 1024) * 10) / 10 };
}

/** Median, maximum and the samples. */
function summary(samples: number[]): { median: number; max: number; samples: number[] } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1], samples };
}

/** Sizes (bytes) of the MLS Welcomes a page received on its signaling WebSocket. */
function recordWelcomes(person: Participant): number[] {
  const sizes: number[] = [];
  person.page.on('websocket', (socket) =>
    socket.on('framereceived', ({ payload }) => {
      if (typeof payload !== 'string' || !payload.includes('"welcome"')) return;
      const message = JSON.parse(payload) as { type?: string; welcome?: string };
      if (message.type === 'welcome' && typeof message.welcome === 'string') {
        sizes.push(Buffer.from(message.welcome, 'base64url').length);
      }
    }),
  );
  return sizes;
}

/**
 * When each feed `person` receives was first decrypted under `epoch` or later (the worker's
 * clock), for the feeds still sending after `since`; null for a feed not there yet.
 */
async function epochSwitches(person: Participant, epoch: number, since: number): Promise<(number | null)[]> {
  const log = await person.receiveStatsLog();
  const feeds = new Set(log.filter((s) => s.at >= since).map((s) => `${s.feedId ?? s.participantId}/${s.mediaKind}`));
  return [...feeds].map((feed) => {
    const switched = log.find(
      (s) => `${s.feedId ?? s.participantId}/${s.mediaKind}` === feed && (s.epoch ?? -1) >= epoch && s.epochSince != null,
    );
    return switched?.epochSince ?? null;
  });
}

test.describe('council-size meetings (janus)', () => {
  test.use({ baseURL: `http://127.0.0.1:${JANUS_MODE_PORT}` });

  for (const size of SIZES) {
    test(`${size} members: join, leave, sizes, server CPU and memory`, async ({ meeting, newParticipant }) => {
      test.setTimeout(300_000);
      const pid = serverPid();
      const [alice, bob] = await meeting(['Alice', 'Bob']);
      const headlessCount = size - 3;
      const beforeJoins = serverSample(pid);
      const headlessStart = Date.now();
      const headless = HeadlessMembers.start(alice.invite, headlessCount, { allAtOnce: true, namePrefix: 'Delegate' });
      try {
        await expect
          .poll(() => headless.all('joined').length, { timeout: 120_000, message: headless.troubles().join('; ') })
          .toBe(headlessCount);
        const headlessJoinedMs = Math.max(...headless.all('joined').map((e) => e.unix_ms)) - headlessStart;
        await expect(alice.roster()).toHaveCount(size - 1, { timeout: 60_000 });

        // The last joiner, with media, in rounds: each but the last leaves again.
        const joinMs: number[] = [];
        let welcomeBytes: number | null = null;
        let addingLastJoiner: number | null = null;
        let afterJoins = beforeJoins;
        let carol: Participant | null = null;
        for (let round = 1; round <= ROUNDS; round++) {
          if (carol !== null) {
            await carol.page.getByRole('button', { name: 'Leave' }).click();
            await expect(alice.roster()).toHaveCount(size - 1, { timeout: 60_000 });
            await carol.context.close();
          }
          carol = await newParticipant(`Carol ${round}`);
          const welcomes = recordWelcomes(carol);
          const joinStart = Date.now();
          joinMs.push(Math.round(await carol.timeJoinToFirstVideo(alice.invite)));
          for (const person of [alice, bob, carol]) await expect(person.roster()).toHaveCount(size, { timeout: 60_000 });
          if (round === 1) afterJoins = serverSample(pid);
          welcomeBytes = welcomes.length > 0 ? welcomes[welcomes.length - 1] : null;
          const adding = headless.all('commit_seen').find((e) => e.unix_ms >= joinStart && (e.added ?? 0) > 0);
          addingLastJoiner = adding?.bytes ?? null;
        }
        if (carol === null) throw new Error('no last joiner');
        const people = [alice, bob, carol];

        // A quiet meeting of `size` members.
        const quietStart = serverSample(pid);
        const quietFrom = Date.now();
        await alice.page.waitForTimeout(QUIET_WINDOW_MS);
        const quietEnd = serverSample(pid);
        const quietPercent = ((quietEnd.cpuMs - quietStart.cpuMs) / (Date.now() - quietFrom)) * 100;

        // Delegates leave one at a time, from the last.
        const toSenders: number[] = [];
        const toHeadless: number[] = [];
        let removingBytes: number | null = null;
        for (let round = 1; round <= ROUNDS; round++) {
          const leaver = headlessCount + 1 - round;
          const remaining = size - round;
          const leftAt = Date.now();
          headless.leave(leaver);
          const staying = Array.from({ length: leaver - 1 }, (_, i) => i + 1);
          await expect
            .poll(() => staying.filter((k) => headless.lastEpochOf(k)?.members === remaining).length, { timeout: 60_000 })
            .toBe(staying.length);
          const newEpoch = Math.max(...staying.map((k) => headless.lastEpochOf(k)?.epoch ?? 0));
          toHeadless.push(Math.max(...staying.map((k) => headless.lastEpochOf(k)?.unix_ms ?? Infinity)) - leftAt);
          let switches: (number | null)[] = [];
          await expect
            .poll(
              async () => {
                switches = (await Promise.all(people.map((p) => epochSwitches(p, newEpoch, leftAt)))).flat();
                return switches.length > 0 && switches.every((at) => at !== null);
              },
              { timeout: 60_000, message: 'every feed of every page decrypted under the new epoch' },
            )
            .toBe(true);
          toSenders.push(Math.max(...(switches as number[])) - leftAt);
          for (const person of people) await expect(person.roster()).toHaveCount(remaining);
          removingBytes = headless.all('commit_seen').find((e) => e.unix_ms >= leftAt && (e.removed ?? 0) > 0)?.bytes ?? null;
        }

        writeLine({
          benchmark: 'council-size meeting (janus, debug server)',
          members: size,
          browsers_with_media: 3,
          headless_members: headlessCount,
          headless_all_joined_ms: headlessJoinedMs,
          last_joiner_join_to_first_decrypted_video_ms: summary(joinMs),
          leave_to_every_remaining_sender_on_new_epoch_ms: summary(toSenders),
          leave_to_every_headless_member_on_new_epoch_ms: summary(toHeadless),
          commit_adding_last_joiner_bytes: addingLastJoiner,
          welcome_to_last_joiner_bytes: welcomeBytes,
          commit_removing_one_member_bytes: removingBytes,
          server_cpu_ms_while_members_joined: Math.round(afterJoins.cpuMs - beforeJoins.cpuMs),
          server_cpu_percent_quiet_meeting: Math.round(quietPercent * 10) / 10,
          server_rss_mib_with_two_members: beforeJoins.rssMiB,
          server_rss_mib_with_all_members: afterJoins.rssMiB,
          troubles: headless.troubles(),
        });
      } finally {
        await headless.stop();
      }
    });
  }
});
