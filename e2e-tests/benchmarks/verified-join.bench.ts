/**
 * The join latency chain validation adds (issue 17; run: `cargo xtask bench`), in mesh mode,
 * one Chromium per person. A CA made with the real `conclave-admin` (support/conclave-admin.ts;
 * `cargo build -p conclave-admin` first) is listed by this benchmark's own server
 * (`--organisation`); meetings accept it (pinned) and admit anyone with the link.
 * - verified meeting: Ada and Bob enrolled. An enrolled joiner (each member checks her
 *   chain on her knock, and she checks Ada's and Bob's for her roster), or a not-enrolled
 *   one (he checks Ada's and Bob's; nobody checks his);
 * - plain meeting: Cyril and Dee not enrolled, a not-enrolled joiner: no chain anywhere,
 *   as every join went before issue 17.
 * Both meetings stay open, and the three kinds of join take turns (rotating who goes first).
 * Each joiner is a new browser (a new key, so no member has a cached result for it) that
 * first opens the enrollment page (enrolled or not: the same warm HTTP cache), then the
 * meeting. Figures: from the page receiving the click on "Join meeting" to the security code
 * showing (the joiner is a member), and from opening the meeting page to then (includes the
 * page's start and Playwright typing the name). The first round of each kind warms up and is
 * not counted. The server is a debug build, as `cargo xtask test` runs it; printed and
 * appended to test-results/benchmarks.jsonl. Nothing here is a pass/fail timing.
 */
import * as fs from 'node:fs';
import type { Browser } from '@playwright/test';
import { test, expect, type Participant } from '../fixtures/meeting';
import { openParticipant } from '../fixtures/participant';
import { startServer, serverLog, type Running } from '../support/cluster';
import { enrollThroughThePage, OrganisationCa } from '../support/conclave-admin';
import { writeLine } from './report';

/** This benchmark's server (mesh): the suite's servers list no organisation. */
const PORT = 8112;
const ORGANISATION = 'Ministry of Example';
/** Counted joins of each kind (after one warm-up join). */
const ROUNDS = 10;

type Kind = 'enrolled joiner, verified meeting' | 'not-enrolled joiner, verified meeting' | 'not-enrolled joiner, plain meeting';

let ministry: OrganisationCa;
let server: Running | undefined;

test.use({ baseURL: `http://127.0.0.1:${PORT}` });

test.beforeAll(async () => {
  ministry = OrganisationCa.create(ORGANISATION);
  fs.rmSync(serverLog(PORT), { force: true });
  server = await startServer(PORT, null, ['--organisation', `${ministry.dir}/ca.pem,${ministry.dir}/crl.pem`]);
});

test.afterAll(async () => {
  await server?.stop();
  ministry?.remove();
});

/** Records, in the page, when the security code first shows (the page is a member). */
function markMember(): void {
  const seen = () => {
    const code = document.querySelector('[data-testid="security-code"]');
    if (code === null || !/\d{5}/.test(code.textContent ?? '')) return false;
    (window as any).__memberAt = { unixMs: Date.now(), sinceNavigationMs: performance.now() };
    return true;
  };
  const observer = new MutationObserver(() => {
    if (seen()) observer.disconnect();
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
}

/** A person in a new browser who has opened the enrollment page, enrolled with the ministry if `enrolled`. */
async function newPerson(browser: Browser, name: string, enrolled: boolean): Promise<Participant> {
  const person = await openParticipant(browser, name, {});
  await person.context.addInitScript(markMember);
  if (enrolled) {
    await enrollThroughThePage(person.page, ministry, { name, role: 'Delegate' });
  } else {
    await person.page.goto('/enroll');
    await expect(person.page.getByTestId('enroll-fingerprint')).toBeVisible();
  }
  return person;
}

/** `joiner` opens `invite` and joins; the ms from the click, and from opening the page, to being a member. */
async function timedJoin(joiner: Participant, invite: string): Promise<{ fromClick: number; fromOpening: number }> {
  await joiner.page.goto(invite);
  await joiner.page.getByLabel('Your name').fill(joiner.name);
  const joinButton = joiner.page.getByRole('button', { name: 'Join meeting' });
  await expect(joinButton).toBeEnabled();
  const clickedAt = await joiner.clickTimed(joinButton);
  await expect(joiner.page.getByTestId('security-code')).toHaveText(/^\d{5}( \d{5}){4}$/);
  const member = await joiner.page.evaluate(() => (window as any).__memberAt as { unixMs: number; sinceNavigationMs: number });
  return { fromClick: member.unixMs - clickedAt, fromOpening: Math.round(member.sinceNavigationMs) };
}

/** One join of `kind` into the meeting of `members`: measured, its verification mark checked, then the joiner leaves. */
async function joinOnce(
  browser: Browser,
  members: Participant[],
  kind: Kind,
  name: string,
): Promise<{ fromClick: number; fromOpening: number }> {
  const enrolled = kind === 'enrolled joiner, verified meeting';
  const joiner = await newPerson(browser, name, enrolled);
  try {
    const times = await timedJoin(joiner, members[0].invite);
    for (const viewer of [...members, joiner]) await expect(viewer.roster()).toHaveCount(members.length + 1);
    // What was measured is what was meant: the joiner's mark, and the members' on the joiner's page.
    await expect(members[0].rosterMember(name).getByTestId('verification')).toHaveAttribute(
      'data-verification',
      enrolled ? 'verified' : 'not-verified',
    );
    for (const member of members) {
      await expect(joiner.rosterMember(member.name).getByTestId('verification')).toHaveAttribute(
        'data-verification',
        kind.endsWith('plain meeting') ? 'not-verified' : 'verified',
      );
    }
    await joiner.page.getByRole('button', { name: 'Leave' }).click();
    for (const member of members) await expect(member.roster()).toHaveCount(members.length);
    return times;
  } finally {
    await joiner.context.close();
  }
}

/** Median, maximum and the samples. */
function summary(samples: number[]): { median: number; max: number; samples: number[] } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1], samples };
}

/** Starts a meeting (accepting the ministry, open to anyone with the link) of `names`, enrolled or not. */
async function startMeeting(browser: Browser, names: string[], enrolled: boolean): Promise<Participant[]> {
  const members: Participant[] = [];
  for (const name of names) members.push(await newPerson(browser, name, enrolled));
  const invite = await members[0].createMeeting(undefined, 'Anyone with the link');
  for (const member of members) await member.join(invite);
  for (const member of members) await expect(member.roster()).toHaveCount(members.length);
  return members;
}

test('the join latency chain validation adds (mesh, two members)', async ({ browser }) => {
  test.setTimeout(900_000);
  const figures = new Map<Kind, { fromClick: number[]; fromOpening: number[] }>();
  const record = (kind: Kind, round: number, times: { fromClick: number; fromOpening: number }) => {
    if (round === 0) return;
    const entry = figures.get(kind) ?? { fromClick: [], fromOpening: [] };
    entry.fromClick.push(times.fromClick);
    entry.fromOpening.push(times.fromOpening);
    figures.set(kind, entry);
  };

  // Both meetings stay open throughout, and the three kinds of join take turns, so that
  // the machine's load and any drift fall on each kind alike.
  const verified = await startMeeting(browser, ['Ada', 'Bob'], true);
  const plain = await startMeeting(browser, ['Cyril', 'Dee'], false);
  const turns: [Kind, Participant[], string][] = [
    ['enrolled joiner, verified meeting', verified, 'Erin'],
    ['not-enrolled joiner, verified meeting', verified, 'Nell'],
    ['not-enrolled joiner, plain meeting', plain, 'Pat'],
  ];
  try {
    for (let round = 0; round <= ROUNDS; round++) {
      for (let turn = 0; turn < turns.length; turn++) {
        const [kind, members, name] = turns[(round + turn) % turns.length];
        record(kind, round, await joinOnce(browser, members, kind, `${name} ${round}`));
      }
    }
  } finally {
    for (const member of [...verified, ...plain]) await member.context.close();
  }

  for (const [kind, samples] of figures) {
    writeLine({
      benchmark: 'join with verified identities (mesh, 2 members, debug server)',
      kind,
      click_to_member_ms: summary(samples.fromClick),
      opening_to_member_ms: summary(samples.fromOpening),
    });
  }
});
