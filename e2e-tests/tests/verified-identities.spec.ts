/**
 * Verified identities in a meeting (issue 17), in mesh mode and with a real Janus carrying
 * the media. Two organisations run their CA with the real `conclave-admin`
 * (support/conclave-admin.ts; `cargo build -p conclave-admin` first), and this spec's own
 * server lists both (`--organisation`). Ada and Bob enroll with the North Ministry through
 * the enrollment page, Dee with the South Agency, Cyril not at all. Ada starts a meeting for
 * verified members only that accepts the North Ministry and not the South Agency:
 * - Bob's knock and, once he is in, every roster say "Verified by North Ministry", and the
 *   media still decrypts;
 * - Cyril's knock is refused (he lands on "This meeting admits verified members only") and
 *   his name never shows in a roster or a knock list;
 * - so is Dee's, although the server lists her organisation: the meeting did not pin it
 *   (her browser does not even show her certificate to a meeting that does not accept it);
 * - with Ada gone, Bob's page refuses them alone: every member refuses, not only the one
 *   that answers;
 * - once the North Ministry revokes Bob, a meeting open to everyone that pins it shows each
 *   one's mark: Ada verified, Dee not verified (name typed by the person), Bob's
 *   certificate refused as revoked, and everyone decrypts everyone;
 * - a page whose requests for the server's organisations fail at join tries twice more (after
 *   1 s and 3 s), then every 30 s in the meeting, and marks its members verified once one
 *   succeeds.
 *
 * The browsers, CAs and server are shared by the file's tests, which run in order.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Locator, TestInfo } from '@playwright/test';
import { words } from '../fixtures/catalogue';
import { test, expect, expectEveryoneDecrypting, type Participant, type WhoCanJoin } from '../fixtures/meeting';
import { openParticipant } from '../fixtures/participant';
import { startServer, serverLog, type Running } from '../support/cluster';
import { enrollThroughThePage, OrganisationCa, type Member } from '../support/conclave-admin';
import { JANUS_ADMIN_KEY, JANUS_WS_URL } from '../support/janus';

/** This spec's server in each project: the suite's servers list no organisation. */
const PORTS: Record<string, number> = { chromium: 8104, janus: 8105 };

const NORTH = 'North Ministry';
const SOUTH = 'South Agency';
const ADA: Member = { name: 'Ada', role: 'Delegate' };
const BOB: Member = { name: 'Bob', role: 'Observer' };
const CYRIL_NAME = 'Cyril';
const DEE: Member = { name: 'Dee', role: 'Delegate' };

test.describe.configure({ mode: 'serial' });

/** The spec's server: on its project's port, in its project's media mode. */
test.use({ baseURL: async ({}, use, testInfo) => use(originOf(testInfo)) });

let north: OrganisationCa;
let south: OrganisationCa;
let server: Running | undefined;
let ada: Participant;
let bob: Participant;
let cyril: Participant;
let dee: Participant;
/** The chain Bob imported (leaf, CA), which the North Ministry revokes later. */
let bobsChain = '';
const everyone: Participant[] = [];
/** The verified-only meeting's invite link. */
let invite = '';

function originOf(testInfo: TestInfo): string {
  const port = PORTS[testInfo.project.name];
  if (port === undefined) throw new Error(`no server port for project ${testInfo.project.name}`);
  return `http://127.0.0.1:${port}`;
}

/**
 * Starts the spec's server listing both organisations (each CA certificate with its
 * revocation list), in the project's media mode: the janus project's with the suite's Janus.
 */
async function startListingServer(testInfo: TestInfo): Promise<Running> {
  const port = PORTS[testInfo.project.name];
  const args = [north, south].flatMap((ca) => ['--organisation', `${ca.dir}/ca.pem,${ca.dir}/crl.pem`]);
  if (testInfo.project.name === 'janus') {
    const workDir = path.resolve(__dirname, '..', 'test-results', 'verified-identities');
    fs.mkdirSync(workDir, { recursive: true });
    const config = path.join(workDir, 'janus.toml');
    const janus = ['[media]', 'mode = "janus"', '[[janus]]', `url = "${JANUS_WS_URL}"`, `admin_key = "${JANUS_ADMIN_KEY}"`];
    fs.writeFileSync(config, `${janus.join('\n')}\n`);
    args.push('--config', config);
  }
  fs.rmSync(serverLog(port), { force: true });
  return startServer(port, null, args);
}

/** A participant in a browser of their own, kept for the whole file. */
async function person(browser: Browser, name: string): Promise<Participant> {
  const participant = await openParticipant(browser, name, {});
  everyone.push(participant);
  return participant;
}

/**
 * Creates a meeting from the home page with the trust `creator` chooses: verified members
 * only or not, and the listed organisations it accepts (every other one unchecked).
 */
async function createMeeting(
  creator: Participant,
  trust: { verifiedOnly: boolean; accepted: string[] },
  whoCanJoin: WhoCanJoin,
): Promise<string> {
  const page = creator.page;
  await page.goto('/');
  const choice = page.getByTestId('verified-choice');
  const organisations = choice.getByTestId('accept-organisation');
  await expect(organisations).toHaveCount(2);
  for (const organisation of await organisations.all()) {
    // Only the organisation that enrolled the creator (Ada: North) is ticked by default: a
    // server may list a CA of its own under a real organisation's name.
    const name = await organisation.getAttribute('data-organisation');
    await expect(organisation).toBeChecked({ checked: name === NORTH });
    await organisation.setChecked(trust.accepted.includes(name ?? ''));
  }
  await choice.getByTestId('verified-only').setChecked(trust.verifiedOnly);
  await page.getByRole('group', { name: 'Who can join' }).getByLabel(whoCanJoin).check();
  await page.getByRole('button', { name: 'New meeting' }).click();
  await expect(page).toHaveURL(/\/m\/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{43}(\.[1-5])?(~trust=[av](\.[A-Za-z0-9_-]{43})*)?(~open)?$/);
  return page.url();
}

/** A verified mark's whole text: a check mark, then `verifiedText`. */
function verifiedMark(organisation: string, member: Member): string {
  return `\u2714 ${verifiedText(organisation, member)}`;
}

/** How an invite link writes `ca`'s pin (SHA-256 of its certificate): base64url. */
function pinInLink(ca: OrganisationCa): string {
  return Buffer.from(ca.pin(), 'hex').toString('base64url');
}

/** `row` (a roster line or a knock row) holds a verification mark of `kind` that reads `text`. */
async function expectMark(row: Locator, kind: 'verified' | 'not-verified' | 'refused', text: string): Promise<void> {
  const mark = row.getByTestId('verification');
  await expect(mark).toHaveAttribute('data-verification', kind);
  await expect(mark).toHaveText(text);
}

/** The mark of a member `organisation` vouches for: "Verified by <organisation>: <name>, <role>". */
function verifiedText(organisation: string, member: Member): string {
  return words('en', 'roster-verified', { organisation, name: member.name, role: member.role ?? '' });
}

/**
 * From now on, `viewer`'s page records every name that shows in a roster line or a knock
 * row, and whether any of `watched` shows anywhere in its text, until `namesShown` reads it.
 */
async function watchNames(viewer: Participant, watched: string[]): Promise<void> {
  await viewer.page.evaluate((watched) => {
    const seen = new Set<string>();
    const textSeen = new Set<string>();
    const record = () => {
      for (const row of document.querySelectorAll('li.roster-member, [data-testid="knock"]')) {
        seen.add(row.getAttribute('data-display-name') ?? '');
      }
      const text = document.body.textContent ?? '';
      for (const name of watched) if (text.includes(name)) textSeen.add(name);
    };
    record();
    new MutationObserver(record).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
      attributeFilter: ['data-display-name'],
    });
    (window as any).__verifiedSpecNames = { seen, textSeen };
  }, watched);
}

/** What `watchNames` recorded on `viewer`'s page: names in rows, and the watched names seen in its text. */
async function namesShown(viewer: Participant): Promise<{ rows: string[]; text: string[] }> {
  return viewer.page.evaluate(() => {
    const names = (window as any).__verifiedSpecNames as { seen: Set<string>; textSeen: Set<string> };
    return { rows: [...names.seen].sort(), text: [...names.textSeen].sort() };
  });
}

/** `knocker` asks to join the verified-only meeting and is refused as not verified. */
async function expectRefusedAsNotVerified(knocker: Participant): Promise<void> {
  await knocker.knockWith(invite);
  await expect(knocker.meetingClosed()).toContainText(words('en', 'closed-not-verified'));
  await expect(knocker.page.getByRole('button', { name: 'Leave' })).toHaveCount(0);
}

/**
 * Makes `viewer`'s page fail its next `count` requests for the server's organisations (as a
 * lost connection does); returns how many it made since.
 */
async function failOrganisationRequests(viewer: Participant, count: number): Promise<() => number> {
  let requests = 0;
  await viewer.page.unroute('**/organisations');
  await viewer.page.route('**/organisations', async (route) => {
    requests += 1;
    if (requests <= count) await route.abort('connectionfailed');
    else await route.continue();
  });
  return () => requests;
}

test.beforeAll(async ({ browser }, testInfo) => {
  north = OrganisationCa.create(NORTH);
  south = OrganisationCa.create(SOUTH);
  server = await startListingServer(testInfo);
  const listed = await (await fetch(`${originOf(testInfo)}/organisations`)).json();
  expect(listed.organisations).toHaveLength(2);

  ada = await person(browser, ADA.name);
  bob = await person(browser, BOB.name);
  cyril = await person(browser, CYRIL_NAME);
  dee = await person(browser, DEE.name);
  await enrollThroughThePage(ada.page, north, ADA);
  bobsChain = await enrollThroughThePage(bob.page, north, BOB);
  await enrollThroughThePage(dee.page, south, DEE);
});

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status === testInfo.expectedStatus) return;
  const shown = await Promise.all(everyone.map((participant) => participant.whatItShows()));
  let log = '(none)';
  try {
    log = fs.readFileSync(serverLog(PORTS[testInfo.project.name]), 'utf8').slice(-4_000);
  } catch {
    // Not started, or another run cleared test-results.
  }
  await testInfo.attach('what each participant showed', { body: `${shown.join('\n')}\n\nserver log:\n${log}` });
});

test.afterAll(async () => {
  for (const participant of everyone) await participant.context.close().catch(() => undefined);
  await server?.stop();
  north?.remove();
  south?.remove();
});

test('in a verified-only meeting, an enrolled member knocks and every roster shows both verified by their organisation', async () => {
  invite = await createMeeting(ada, { verifiedOnly: true, accepted: [NORTH] }, 'People the chair admits');
  // The link carries the meeting's trust: verified only, the North Ministry's pin alone.
  expect(new URL(invite).hash).toContain(`~trust=v.${pinInLink(north)}`);
  expect(new URL(invite).hash).not.toContain(pinInLink(south));
  await ada.join(invite);
  const trust = ada.page.getByTestId('meeting-trust');
  await expect(trust).toContainText(words('en', 'meeting-trust-verified-only'));
  await expect(trust).toContainText(words('en', 'meeting-trust-accepts', { organisations: NORTH }));
  await expect(trust).not.toContainText(SOUTH);

  await bob.askToJoin(invite);
  await expectMark(ada.knock(BOB.name), 'verified', verifiedMark(NORTH, BOB));
  await ada.admit(BOB.name);
  await expect(bob.page.getByRole('button', { name: 'Leave' })).toBeVisible();

  for (const viewer of [ada, bob]) {
    await expect(viewer.roster()).toHaveCount(2);
    for (const member of [ADA, BOB]) {
      await expectMark(viewer.rosterMember(member.name), 'verified', verifiedMark(NORTH, member));
    }
    await expect(viewer.page.getByTestId('meeting-trust')).toContainText(words('en', 'meeting-trust-verified-only'));
  }
  // Verification changes nothing of the media's end-to-end encryption.
  await expectEveryoneDecrypting([ada, bob]);
});

test('the unenrolled person\'s knock is refused, and their name shows in no roster or knock list', async () => {
  for (const member of [ada, bob]) await watchNames(member, [CYRIL_NAME]);
  await expectRefusedAsNotVerified(cyril);
  for (const member of [ada, bob]) {
    await expect(member.knock(CYRIL_NAME)).toHaveCount(0);
    expect(await member.rosterNames()).toEqual([ADA.name, BOB.name]);
    expect(await namesShown(member), `what ${member.name}'s page showed`).toEqual({
      rows: [ADA.name, BOB.name],
      text: [],
    });
  }
  await expectEveryoneDecrypting([ada, bob]);
});

test('a certificate from an organisation the server lists but the meeting did not pin is refused', async () => {
  for (const member of [ada, bob]) await watchNames(member, []);
  await expectRefusedAsNotVerified(dee);
  for (const member of [ada, bob]) {
    await expect(member.knock(DEE.name)).toHaveCount(0);
    expect(await member.rosterNames()).toEqual([ADA.name, BOB.name]);
    expect((await namesShown(member)).rows, `names ${member.name}'s page showed`).toEqual([ADA.name, BOB.name]);
  }
});

test('with the first member gone, the one left refuses both on its own', async () => {
  // Ada answered the knocks so far (the lowest present member does); now Bob alone, the chair.
  await ada.page.getByRole('button', { name: 'Leave' }).click();
  await expect(bob.roster()).toHaveCount(1);
  await expect.poll(() => bob.chairNames()).toEqual([BOB.name]);
  await watchNames(bob, []);
  for (const knocker of [cyril, dee]) await expectRefusedAsNotVerified(knocker);
  expect(await bob.rosterNames()).toEqual([BOB.name]);
  expect((await namesShown(bob)).rows).toEqual([BOB.name]);
});

test('a meeting open to everyone shows who is verified, who typed their name, and whose certificate it refuses', async () => {
  // A new revocation list at once; the server serves it without a restart.
  north.revoke(bobsChain);
  const open = await createMeeting(ada, { verifiedOnly: false, accepted: [NORTH] }, 'Anyone with the link');
  const people = [ada, bob, dee];
  for (const member of people) await member.join(open);
  const trust = ada.page.getByTestId('meeting-trust');
  await expect(trust).toContainText(words('en', 'meeting-trust-accepts', { organisations: NORTH }));
  await expect(trust).not.toContainText(words('en', 'meeting-trust-verified-only'));
  await expect(trust).not.toContainText(SOUTH);

  for (const viewer of people) {
    await expect(viewer.roster()).toHaveCount(3);
    await expectMark(viewer.rosterMember(ADA.name), 'verified', verifiedMark(NORTH, ADA));
    // Her browser keeps her certificate of an organisation this meeting does not accept to itself.
    await expectMark(viewer.rosterMember(DEE.name), 'not-verified', words('en', 'roster-not-verified'));
    const revoked = words('en', 'verification-reason-revoked');
    await expectMark(viewer.rosterMember(BOB.name), 'refused', words('en', 'roster-verification-refused', { reason: revoked }));
  }
  // Ada's browser met Bob's key verified by North in the first meeting: it warns.
  await expect(ada.rosterMember(BOB.name).getByTestId('verification-warning')).toHaveText(
    words('en', 'roster-was-verified', { organisation: NORTH }),
  );
  // Dee's browser never met it verified.
  await expect(dee.rosterMember(BOB.name).getByTestId('verification-warning')).toHaveCount(0);
  await expectEveryoneDecrypting(people);
});

test('a page whose request for the organisations fails at join tries again within seconds', async () => {
  const meeting = await createMeeting(ada, { verifiedOnly: false, accepted: [NORTH, SOUTH] }, 'Anyone with the link');
  await ada.join(meeting);
  const requests = await failOrganisationRequests(dee, 2);
  await dee.join(meeting);
  await expectMark(dee.rosterMember(ADA.name), 'verified', verifiedMark(NORTH, ADA));
  expect(requests(), "Dee's requests for the organisations").toBe(3);
});

test('a page that could not read the organisations at join tries again within half a minute', async () => {
  const meeting = await createMeeting(ada, { verifiedOnly: false, accepted: [NORTH, SOUTH] }, 'Anyone with the link');
  await ada.join(meeting);
  const requests = await failOrganisationRequests(dee, 3);
  await dee.join(meeting);
  // Her page shows the meeting while the join's three tries go on (pauses of 1 s and 3 s).
  await expect.poll(requests, { message: "Dee's requests for the organisations at join" }).toBe(3);
  // Without the list, her page cannot check Ada's certificate.
  const mark = dee.rosterMember(ADA.name).getByTestId('verification');
  await expect(mark).toBeVisible();
  await expect(mark).not.toHaveAttribute('data-verification', 'verified');
  await expect(mark).toHaveAttribute('data-verification', 'verified', { timeout: 45_000 });
  await expect(mark).toHaveText(verifiedMark(NORTH, ADA));
  expect(requests(), "Dee's requests for the organisations").toBe(4);
});
