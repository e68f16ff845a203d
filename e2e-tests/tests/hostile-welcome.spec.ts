/**
 * A hostile signaling server (the MLS Delivery Service) tries to capture joiners (issue 12):
 * in its test-only hostile mode (`POST /test/hostile`, signaling-server/src/hostile/) it does
 * not relay a joiner's KeyPackage to the members, but adds it to a real MLS group of its own,
 * made without the invite secret, and sends the joiner that group's Welcome. As a squatter it
 * also tells the first joiners that the room already has a group, so that every honest joiner
 * asks the server's group to add it. A joiner must refuse such a Welcome: its page says the
 * meeting could not prove it is the one in the link, it never becomes a member, it protects
 * no frame under the server's key (so a plain Janus subscriber decodes nothing from it), and
 * the honest members never list it.
 *
 * The checks after the attack are soft: a run against a vulnerable build reports every one of
 * them that the attack broke.
 */
import type { APIRequestContext, Browser } from '@playwright/test';
import { test, expect, type Participant } from '../fixtures/meeting';
import {
  MEMBER_STATUS,
  armHostile,
  framesProtected,
  hostileRoomStatus,
  recordTextsShown,
  textsEverShown,
} from '../fixtures/hostile-server';
import { watchAsOperator, type JanusRoomAccess } from '../support/plain-janus-subscriber';
import { SignalingClient } from '../support/signaling-client';

/** What the joiner's page says about a group that cannot show it knows the invite secret. */
const UNPROVEN_MEETING = 'could not prove it is the one in your link';

/** How long the joiners are watched after the server's Welcome reached them. */
const WATCH_MS = 6_000;

/** Waits until the server has sent its own group's Welcome to `count` joiners. */
async function expectCaptured(request: APIRequestContext, invite: string, count: number): Promise<void> {
  await expect
    .poll(async () => (await hostileRoomStatus(request, invite)).captured.length, {
      message: 'the hostile server sent its Welcome',
    })
    .toBeGreaterThanOrEqual(count);
}

/**
 * The joiners the server tried to capture refused it, sent nothing, and (in Janus mode) the
 * operator decodes nothing; the honest members (if any) never list them.
 */
async function expectCaptureRefused(
  joiners: Participant[],
  honest: Participant[],
  options: { browser: Browser; baseURL: string; invite: string; janus: boolean },
): Promise<void> {
  for (const joiner of joiners) {
    await framesProtected(joiner); // recordings restart now
  }
  let operatorView = null;
  if (options.janus) {
    const operator = await SignalingClient.connect(options.baseURL, options.invite);
    operator.join();
    const access = (await operator.next('sfu_room_ready')).access as JanusRoomAccess;
    const operatorContext = await options.browser.newContext();
    operatorView = await watchAsOperator(await operatorContext.newPage(), access, WATCH_MS);
    operator.close();
    await operatorContext.close();
  } else {
    // A "never" needs a window to watch: the captured joiner would send within it.
    await new Promise((resolve) => setTimeout(resolve, WATCH_MS));
  }

  for (const joiner of joiners) {
    const who = joiner.name;
    await expect.soft(joiner.page.getByTestId('unproven-meeting'), `${who}'s warning`).toContainText(UNPROVEN_MEETING);
    // Read once, not retried: each is already settled after the watch window.
    expect.soft(await textsEverShown(joiner.page), `${who} never a member`).not.toContain(MEMBER_STATUS);
    expect.soft(await joiner.page.getByTestId('security-code').count(), `${who}'s security code`).toBe(0);
    expect.soft(await joiner.roster().count(), `members ${who} lists`).toBe(0);
    expect.soft(await framesProtected(joiner), `frames ${who} protected under the server's key`).toBe(0);
  }
  if (operatorView !== null) {
    // It watches every feed, the honest members' encrypted ones too; Chromium's VP8 decoder
    // may take one garbled frame of a feed before it gives up (as in sfu/operator-view), so
    // at most one a feed. The captured joiner's own frames are counted above: none.
    expect
      .soft(operatorView.framesDecoded, 'frames the plain Janus subscriber decoded')
      .toBeLessThanOrEqual(operatorView.feeds);
  }
  const honestNames = honest.map((member) => member.name).sort();
  for (const member of honest) {
    expect.soft(await member.rosterNames(), `${member.name}'s roster`).toEqual(honestNames);
    // The server knows no names: each captured joiner is an unidentified connection.
    const outsiders = await member.outsiders().allTextContents();
    expect
      .soft(outsiders.filter((line) => line.startsWith('Unidentified connection') && line.includes('not in the encrypted meeting')))
      .toHaveLength(joiners.length);
  }
}

// Three or four browsers, a watch window, and (in Janus mode) an operator's subscription.
test.describe.configure({ timeout: 150_000 });

test('a joiner refuses the Welcome into a group the server made, and sends nothing', async ({
  meeting,
  newParticipant,
  browser,
  baseURL,
}, testInfo) => {
  const [alice, bob] = await meeting(['Alice', 'Bob']);
  await armHostile(alice.page.request, alice.invite, { welcome_attack: true });

  const carol = await newParticipant('Carol');
  await recordTextsShown(carol.context, [MEMBER_STATUS]);
  await carol.join(alice.invite);
  await expectCaptured(alice.page.request, alice.invite, 1);

  await expectCaptureRefused([carol], [alice, bob], {
    browser,
    baseURL: baseURL!,
    invite: alice.invite,
    janus: testInfo.project.name === 'janus',
  });
  // The honest meeting goes on.
  await expect(alice.tileStatus('Bob')).toHaveText('Decrypting');
  await expect(bob.tileStatus('Alice')).toHaveText('Decrypting');
});

test('every honest joiner refuses the Welcome of a group the server squats the room with', async ({
  newParticipant,
  browser,
  baseURL,
}, testInfo) => {
  const alice = await newParticipant('Alice');
  const bob = await newParticipant('Bob');
  for (const person of [alice, bob]) await recordTextsShown(person.context, [MEMBER_STATUS]);
  const invite = await alice.createMeeting();
  // Before anyone joins: the server will say the room has a group, and its own is "first".
  await armHostile(alice.page.request, invite, { squat: true });
  for (const person of [alice, bob]) await person.join(invite);
  await expectCaptured(alice.page.request, invite, 2);

  await expectCaptureRefused([alice, bob], [], {
    browser,
    baseURL: baseURL!,
    invite,
    janus: testInfo.project.name === 'janus',
  });
  // Two captured joiners would see each other in one group: neither may show the other.
  for (const [viewer, remote] of [
    [alice, bob],
    [bob, alice],
  ]) {
    expect.soft((await viewer.inboundVideoOf(remote.name)).framesDecoded, `${viewer.name} decoding ${remote.name}`).toBe(0);
  }
});
