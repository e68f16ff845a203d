/**
 * Leaving: the remaining members commit the Remove and switch to a new epoch. The member
 * who left keeps its peer connections open (test hook), still receives the media, and
 * decodes nothing sent after the switch.
 */
import { test, expect, expectRising } from '../fixtures/meeting';

test('after a member leaves, the rest switch keys and the leaver decodes nothing new', async ({ newParticipant }) => {
  const keep = { keepPeerConnections: true };
  const alice = await newParticipant('Alice', keep);
  const bob = await newParticipant('Bob', keep);
  const carol = await newParticipant('Carol', keep);

  const invite = await alice.createMeeting();
  await alice.join(invite);
  await bob.join(invite);
  await carol.join(invite);
  for (const remote of ['Alice', 'Bob']) {
    await expect(carol.tileStatus(remote)).toHaveText('Decrypting');
  }
  await expectRising(async () => (await carol.inboundVideoTotals()).framesDecoded, 20);
  const codeWithCarol = await alice.securityCode();

  await carol.page.getByRole('button', { name: 'Leave' }).click();
  await expect(carol.page.getByText('You left the meeting')).toBeVisible();

  // Alice and Bob move to a new epoch without Carol.
  for (const viewer of [alice, bob]) {
    await expect.poll(() => viewer.securityCode()).not.toBe(codeWithCarol);
    await expect(viewer.roster()).toHaveCount(2);
  }
  await expect.poll(() => bob.securityCode()).toBe(await alice.securityCode());
  await expectRising(async () => (await alice.inboundVideoOf('Bob')).framesDecoded, 20);
  await expectRising(async () => (await bob.inboundVideoOf('Alice')).framesDecoded, 20);

  // Carol's connections still deliver packets, but nothing sent under the new keys decodes.
  const afterSwitch = await carol.inboundVideoTotals();
  await expectRising(async () => (await carol.inboundVideoTotals()).packetsReceived, 300);
  const later = await carol.inboundVideoTotals();
  // A frame or two may still have been in the decoder when the keys changed.
  expect(later.framesDecoded - afterSwitch.framesDecoded).toBeLessThanOrEqual(2);
});
