/**
 * Leaving: the remaining members commit the Remove and switch to a new epoch. The member
 * who left keeps its peer connections open (test hook), still receives the media, and
 * decodes nothing sent after the switch.
 */
import { test, expect, expectRising } from '../fixtures/meeting';

test('after a member leaves, the rest switch keys and the leaver decodes nothing new', async ({ meeting }) => {
  const [alice, bob, carol] = await meeting(['Alice', 'Bob', 'Carol'], { keepPeerConnections: true });
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
  await expectRising(() => alice.framesDecodedOf('Bob'), 20);
  await expectRising(() => bob.framesDecodedOf('Alice'), 20);

  // Carol's connections still deliver packets, but nothing sent under the new keys decodes.
  const afterSwitch = await carol.inboundVideoTotals();
  await expectRising(async () => (await carol.inboundVideoTotals()).packetsReceived, 300);
  const later = await carol.inboundVideoTotals();
  // A frame or two may still have been in the decoder when the keys changed.
  expect(later.framesDecoded - afterSwitch.framesDecoded).toBeLessThanOrEqual(2);
  // Her worker gets the new frames and refuses them: their epoch is ahead of every key she holds.
  await expectRising(async () => (await carol.frameCounts()).newerEpoch, 20);
});
