/**
 * A council-size meeting (issue 16): thirty members in one Janus meeting, three of them
 * Chromium pages with camera and microphone, twenty-seven headless members running the
 * page's own MLS group code and signaling without media (support/headless-members.ts).
 * Every page lists all thirty and shows the security code every headless member holds,
 * everyone decrypts everyone's media; when one headless member leaves, the pages and the
 * other headless members move to one new epoch without it and keep decrypting.
 */
import * as fs from 'node:fs';
import { test, expect, expectEveryoneDecrypting, expectRising, viewingPairs, type Participant } from '../../fixtures/meeting';
import { HeadlessMembers } from '../../support/headless-members';

const HEADLESS = 27;
const MEMBERS = 3 + HEADLESS;

/** Every page shows `count` members and one security code (not `unlike`); returns it. */
async function pagesAgree(people: Participant[], count: number, unlike?: string): Promise<string> {
  for (const person of people) await expect(person.roster()).toHaveCount(count, { timeout: 60_000 });
  const code = await people[0].securityCode();
  if (unlike !== undefined) expect(code).not.toBe(unlike);
  for (const person of people) {
    await expect.poll(() => person.securityCode(), { timeout: 30_000 }).toBe(code);
  }
  return code;
}

/** Each of the headless `members` last reported the epoch whose security code is `code`, with `count` members. */
async function headlessAgree(headless: HeadlessMembers, members: number[], count: number, code: string): Promise<void> {
  await expect
    .poll(
      () => members.filter((k) => {
        const last = headless.lastEpochOf(k);
        return last?.security_code === code && last.members === count;
      }).length,
      { timeout: 30_000, message: `every headless member on code ${code}: ${headless.troubles().join('; ')}` },
    )
    .toBe(members.length);
}

test('thirty members: three pages with media and 27 headless members, one leaves', async ({ meeting }, testInfo) => {
  test.setTimeout(120_000);
  const people = await meeting(['Alice', 'Bob', 'Carol']);
  const headless = HeadlessMembers.start(people[0].invite, HEADLESS, { allAtOnce: true, namePrefix: 'Delegate' });
  try {
    await expect
      .poll(() => headless.all('joined').length, {
        timeout: 60_000,
        message: `all headless members joined: ${headless.troubles().join('; ')}`,
      })
      .toBe(HEADLESS);
    const code = await pagesAgree(people, MEMBERS);
    const everyone = Array.from({ length: HEADLESS }, (_, i) => i + 1);
    await headlessAgree(headless, everyone, MEMBERS, code);
    expect(headless.failures()).toEqual([]);

    await expectEveryoneDecrypting(people);
    for (const [viewer, remote] of viewingPairs(people)) {
      await expectRising(() => viewer.framesDecodedOf(remote.name), 10);
    }

    // The last delegate leaves: one new epoch for the 29 others, pages and headless alike.
    headless.leave(HEADLESS);
    await expect.poll(() => headless.of(HEADLESS, 'left').length).toBe(1);
    const after = await pagesAgree(people, MEMBERS - 1, code);
    await headlessAgree(headless, everyone.slice(0, -1), MEMBERS - 1, after);
    await expect(people[0].rosterMember(`Delegate ${HEADLESS}`)).toHaveCount(0);
    for (const [viewer, remote] of viewingPairs(people)) {
      await expectRising(() => viewer.framesDecodedOf(remote.name), 10);
    }
    await expectEveryoneDecrypting(people);
    expect(headless.failures()).toEqual([]);
  } finally {
    const exit = await headless.stop();
    // Beside the trace, for a failure's post-mortem.
    fs.writeFileSync(testInfo.outputPath('headless-members.jsonl'), headless.events.map((e) => JSON.stringify(e)).join('\n'));
    expect(exit, `headless members exited: ${headless.troubles().join('; ')}`).toBe(0);
  }
});
