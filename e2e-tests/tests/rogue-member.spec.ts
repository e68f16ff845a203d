/**
 * A rogue member (issue 13): Bob's client (test hook) commits what only a chair may: an Add
 * of a knocking joiner, a Remove of another member, and a policy naming himself chair. Every
 * other client refuses the commit (it is not merged): the roster, the chairs and the keys
 * stay as they were, and the chair's client then removes the rule breaker.
 */
import { test, expect, expectRising, type Participant } from '../fixtures/meeting';

type RogueKind = 'add' | 'remove' | 'promote';

for (const kind of ['add', 'remove', 'promote'] as RogueKind[]) {
  test(`every other client refuses a rogue member's ${kind} commit`, async ({ meeting, newParticipant }) => {
    const [alice, bob, carol] = await meeting(['Alice', 'Bob', 'Carol'], { whoCanJoin: 'People the chair admits' });
    const honest: Participant[] = [alice, carol];
    let mallory: Participant | null = null;
    if (kind === 'add') {
      mallory = await newParticipant('Mallory');
      await mallory.join(alice.invite);
      await expect(alice.knock('Mallory')).toBeVisible();
    }
    const code = await alice.securityCode();

    await bob.rogueCommit(kind, kind === 'add' ? 'Mallory' : kind === 'remove' ? 'Carol' : '');

    // The next epoch is the chair's expulsion of the rule breaker, and nothing Bob committed:
    // Mallory not added, Carol not removed, Bob no chair.
    for (const member of honest) {
      await expect.poll(() => member.securityCode()).not.toBe(code);
      await expect.poll(() => member.rosterNames()).toEqual(['Alice', 'Carol']);
      expect(await member.chairNames()).toEqual(['Alice']);
    }
    // Bob's client followed its own commit, so the chair's counter-commit is not in its
    // line: only the server's close tells it, and the page does not blame a chair.
    await expect(bob.meetingClosed()).toContainText('The server disconnected you');
    expect(await carol.securityCode()).toBe(await alice.securityCode());
    await expectRising(() => carol.framesDecodedOf('Alice'), 20);
    await expectRising(() => alice.framesDecodedOf('Carol'), 20);
    if (mallory !== null) {
      // Still knocking, never seated (MLS leaves keep their index, so Alice's view of the
      // honest leaves is the fork's too). The rogue's Welcome put her in his own fork of the group,
      // so she may decrypt what he himself sent under its key until the chair expelled him (as
      // he could forward his own camera anyway; seen in SFU mode, where nobody has to accept a
      // connection): never a frame of an honest member.
      await expect(alice.knock('Mallory')).toBeVisible();
      const honestLeaves = [await alice.leafIndexOf('Alice'), await alice.leafIndexOf('Carol')];
      const leaked = (await mallory.leavesDecrypted()).filter((leaf) => honestLeaves.includes(leaf));
      expect(leaked, "leaves of honest members whose frames Mallory decrypted").toEqual([]);
    }
  });
}

/**
 * The server closes the connection of whoever a commit names as expelled, before any member
 * can check it: Bob commits nothing but says (signed) that he expels Alice, the only chair,
 * to take the chair by succession. The server disconnects Alice; every other client sees
 * the lie, so the chair passes over Bob to Carol, who expels him.
 */
test('a rogue member that gets the chair disconnected does not take the chair', async ({ meeting }) => {
  const [alice, bob, carol, dave] = await meeting(['Alice', 'Bob', 'Carol', 'Dave'], {
    whoCanJoin: 'People the chair admits',
  });
  await bob.rogueCommit('expel', 'Alice');
  await expect(alice.meetingClosed()).toContainText('The server disconnected you');
  await expect(bob.meetingClosed()).toContainText('The server disconnected you');
  for (const member of [carol, dave]) {
    await expect.poll(() => member.rosterNames()).toEqual(['Carol', 'Dave']);
    await expect.poll(() => member.chairNames()).toEqual(['Carol']);
  }
  await expect.poll(() => dave.securityCode()).toBe(await carol.securityCode());
  await expectRising(() => carol.framesDecodedOf('Dave'), 20);
  await expectRising(() => dave.framesDecodedOf('Carol'), 20);
});
