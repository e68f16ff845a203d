/**
 * The chair decides who is in (issue 13): with the default "People the chair admits", a
 * joiner with the link waits until a chair admits them. The chair admits Bob; Mallory, who
 * has the same link, is denied: her page says so, she is never added, and she decodes no
 * frame. Every knock shows the name the joiner's credential carries and their key.
 */
import { test, expect, expectEveryoneDecrypting, expectRising } from '../fixtures/meeting';

test('the chair admits Bob and denies Mallory, who is never added and decodes nothing', async ({ newParticipant }) => {
  const alice = await newParticipant('Alice');
  const bob = await newParticipant('Bob');
  const mallory = await newParticipant('Mallory');

  const invite = await alice.createMeeting(undefined, 'People the chair admits');
  expect(invite, 'the default needs no marker in the link').not.toContain('~open');
  await alice.join(invite);
  await expect(alice.rosterMember('Alice').getByTestId('chair-badge')).toHaveText('chair');

  // Bob knocks: he waits, the chair sees his name and key, and hears of it (aria-live).
  await bob.join(invite);
  await expect(bob.page.getByLabel('Encryption status')).toHaveText('Waiting for the chair to let you in');
  await expect(alice.knock('Bob')).toContainText(/[0-9a-f]{4} [0-9a-f]{4}/);
  await expect(alice.page.getByTestId('knock-announcement')).toHaveText('Bob asks to join');
  await expect(alice.knockPrompt().getByRole('button', { name: 'Admit all' })).toHaveCount(0);
  await alice.admit('Bob');
  await expectEveryoneDecrypting([alice, bob]);
  await expect(alice.knockPrompt()).toHaveCount(0);
  const code = await alice.securityCode();

  // Mallory has the very same link, and knocks too.
  await mallory.join(invite);
  await expect(alice.knock('Mallory')).toBeVisible();
  await expect(mallory.page.getByLabel('Encryption status')).toHaveText('Waiting for the chair to let you in');
  await alice.deny('Mallory');
  await expect(mallory.meetingClosed()).toContainText('The chair did not let you in');
  await expect(alice.knockPrompt()).toHaveCount(0);

  // Never added: no commit, no new epoch, no frame.
  for (const member of [alice, bob]) {
    expect(await member.rosterNames()).toEqual(['Alice', 'Bob']);
    expect(await member.securityCode()).toBe(code);
  }
  await expectRising(() => bob.framesDecodedOf('Alice'), 20);
  expect((await mallory.frameCounts()).decrypted).toBe(0);
  expect((await mallory.inboundVideoTotals()).framesDecoded).toBe(0);
  // Bob, not a chair, has no chair controls.
  await expect(bob.chairControls()).toHaveCount(0);
  await expect(bob.rosterMember('Alice').getByRole('button')).toHaveCount(0);
});

test("a knock says 'seen before' for a key this browser met in an earlier meeting", async ({ newParticipant }) => {
  const alice = await newParticipant('Alice');
  const bob = await newParticipant('Bob');
  const mallory = await newParticipant('Mallory');
  const first = await alice.createMeeting();
  await alice.join(first);
  await bob.join(first);
  await expect(alice.tileStatus('Bob')).toHaveText('Decrypting');

  const second = await alice.createMeeting(undefined, 'People the chair admits');
  await alice.join(second);
  await bob.join(second);
  await mallory.join(second);
  await expect(alice.knock('Bob')).toContainText('seen before');
  await expect(alice.knock('Mallory')).toBeVisible();
  await expect(alice.knock('Mallory')).not.toContainText('seen before');
});
