/**
 * Lock (issue 13): a locked meeting admits nobody new; the knocker is told it is locked.
 * Unlocking lets the next knock through again.
 */
import { test, expect, expectEveryoneDecrypting } from '../fixtures/meeting';

test('a locked meeting tells a new knocker so, and unlocking admits again', async ({ newParticipant }) => {
  const alice = await newParticipant('Alice');
  const dave = await newParticipant('Dave');
  const erin = await newParticipant('Erin');
  const invite = await alice.createMeeting(undefined, 'People the chair admits');
  await alice.join(invite);

  const controls = alice.chairControls();
  await controls.getByRole('button', { name: 'Lock' }).click();
  await expect(controls.getByTestId('lock-state')).toHaveText('Locked: nobody new can join.');
  const code = await alice.securityCode();

  await dave.knockWith(invite);
  await expect(dave.meetingClosed()).toContainText('This meeting is locked');
  expect(await alice.rosterNames()).toEqual(['Alice']);
  expect(await alice.securityCode()).toBe(code);
  expect((await dave.frameCounts()).decrypted).toBe(0);

  await controls.getByRole('button', { name: 'Unlock' }).click();
  await expect(controls.getByTestId('lock-state')).toHaveText('Open to people you admit.');
  await erin.join(invite);
  await alice.admit('Erin');
  await expectEveryoneDecrypting([alice, erin]);
});
