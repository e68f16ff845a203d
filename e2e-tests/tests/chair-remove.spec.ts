/**
 * A chair removes a member (issue 13): the remaining members commit the Remove and move to
 * a new epoch at once; the removed person's page says so. Bob's browser keeps its peer
 * connections (test hook) and the server keeps relaying to him (hostile mode
 * `keep_expelled`), as a removed member who clings on could: packets keep arriving, but he
 * decodes nothing sent after the switch.
 */
import { test, expect, expectRising } from '../fixtures/meeting';
import { armHostile } from '../fixtures/hostile-server';

test('a removed member keeps receiving packets but decodes nothing sent after the switch', async ({ meeting }) => {
  const [alice, bob, carol] = await meeting(['Alice', 'Bob', 'Carol'], {
    whoCanJoin: 'People the chair admits',
    keepPeerConnections: true,
  });
  await armHostile(alice.page.request, alice.invite, { keep_expelled: true });
  await expectRising(async () => (await bob.inboundVideoTotals()).framesDecoded, 20);
  const codeWithBob = await alice.securityCode();

  await alice.removeMember('Bob');
  await expect(bob.meetingClosed()).toContainText('A chair removed you from the meeting');

  for (const viewer of [alice, carol]) {
    await expect.poll(() => viewer.securityCode()).not.toBe(codeWithBob);
    await expect(viewer.roster()).toHaveCount(2);
  }
  expect(await carol.rosterNames()).toEqual(['Alice', 'Carol']);
  await expect.poll(() => carol.securityCode()).toBe(await alice.securityCode());
  await expectRising(() => alice.framesDecodedOf('Carol'), 20);
  await expectRising(() => carol.framesDecodedOf('Alice'), 20);

  // Bob's connections still deliver packets, but nothing sent under the new keys decodes.
  const afterSwitch = await bob.inboundVideoTotals();
  await expectRising(async () => (await bob.inboundVideoTotals()).packetsReceived, 300);
  const later = await bob.inboundVideoTotals();
  // A frame or two may still have been in the decoder when the keys changed.
  expect(later.framesDecoded - afterSwitch.framesDecoded).toBeLessThanOrEqual(2);
  // His worker gets the new frames and refuses them: their epoch is ahead of every key he holds.
  await expectRising(async () => (await bob.frameCounts()).newerEpoch, 20);
});
