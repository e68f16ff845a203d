/**
 * New link (issue 13): a chair makes a new invite link. Every member derives the new invite
 * secret inside the group (it never crosses the server); the page shows and copies the new
 * link. The new link admits (its knock reaches the chair); the old one no longer does: its
 * holder cannot prove the secret, so no knock appears and nobody adds them, and a member who
 * knew the old link tells them it was replaced (rather than leave them waiting).
 */
import { test, expect, expectEveryoneDecrypting } from '../fixtures/meeting';

test('the new link admits, the old one does not', async ({ meeting, newParticipant }) => {
  const [alice, bob] = await meeting(['Alice', 'Bob'], { whoCanJoin: 'People the chair admits' });
  const oldLink = alice.invite;
  const oldSecret = new URL(oldLink).hash;

  await alice.chairControls().getByRole('button', { name: 'New link' }).click();
  // The address bar, and what "Copy invite link" copies, carry the new secret; so do Bob's.
  await expect.poll(() => new URL(alice.page.url()).hash).not.toBe(oldSecret);
  const newLink = alice.page.url();
  expect(new URL(newLink).pathname).toBe(new URL(oldLink).pathname);
  await expect.poll(() => bob.page.url()).toBe(newLink);
  // Bob's page says so, next to "Copy invite link".
  await expect(bob.page.getByTestId('copy-notice')).toHaveText('New invite link: the old one no longer lets anyone in');
  await alice.page.getByRole('button', { name: 'Copy invite link' }).click();
  await expect(alice.page.getByText('Link copied')).toBeVisible();
  expect(await alice.page.evaluate(() => navigator.clipboard.readText())).toBe(newLink);
  const code = await alice.securityCode();

  // The old link: never a knock, never added; its holder is told to ask for the new one.
  const mallory = await newParticipant('Mallory');
  await mallory.askToJoin(oldLink);
  await expect(mallory.meetingClosed()).toContainText('This invite link was replaced');
  await expect(mallory.meetingClosed()).toContainText('Ask someone in the meeting for the new link');

  // The new link: a knock the chair admits.
  const carol = await newParticipant('Carol');
  await carol.join(newLink);
  await alice.admit('Carol');
  await expectEveryoneDecrypting([alice, bob, carol]);
  await expect(alice.knock('Mallory')).toHaveCount(0);
  for (const member of [alice, bob, carol]) {
    expect(await member.rosterNames()).toEqual(['Alice', 'Bob', 'Carol']);
  }
  expect(await alice.securityCode()).not.toBe(code);
  await expect(mallory.meetingClosed()).toBeVisible();
  expect((await mallory.frameCounts()).decrypted).toBe(0);
});
