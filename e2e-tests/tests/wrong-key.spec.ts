/**
 * Someone who reaches the room with a wrong invite secret cannot prove knowledge of the
 * real one, so no member adds them: they are listed apart as not in the encrypted meeting,
 * get no media keys and decode nothing, and the others go on.
 */
import { test, expect, expectRising, withWrongSecret } from '../fixtures/meeting';

test('a participant with a wrong secret is never added and decodes nothing', async ({ newParticipant }) => {
  const alice = await newParticipant('Alice');
  const bob = await newParticipant('Bob');
  const mallory = await newParticipant('Mallory');

  const invite = await alice.createMeeting();
  await alice.join(invite);
  await bob.join(invite);
  await expect(alice.tileStatus('Bob')).toHaveText('Decrypting');
  await expect(bob.tileStatus('Alice')).toHaveText('Decrypting');
  const code = await alice.securityCode();

  await mallory.join(withWrongSecret(invite));

  // Listed apart on the members' screens; never in the roster.
  for (const member of [alice, bob]) {
    await expect(member.outsiders()).toHaveText([/Mallory - not in the encrypted meeting - cannot see or hear you/]);
    expect(await member.rosterNames()).toEqual(['Alice', 'Bob']);
    expect(await member.securityCode()).toBe(code);
  }
  await expect(mallory.page.getByLabel('Encryption status')).toContainText('Waiting to be added');
  await expect(mallory.page.getByLabel('Encryption status')).toContainText('your invite link may be wrong');
  expect((await mallory.inboundVideoTotals()).framesDecoded).toBe(0);

  // Alice and Bob are unaffected.
  await expectRising(async () => (await alice.inboundVideoOf('Bob')).framesDecoded, 20);
  await expectRising(async () => (await bob.inboundVideoOf('Alice')).framesDecoded, 20);
  expect((await mallory.inboundVideoTotals()).framesDecoded).toBe(0);
});
