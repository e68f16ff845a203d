/**
 * Someone who reaches the room with a wrong invite secret cannot prove knowledge of the
 * real one, so no member adds them: they are listed apart as not in the encrypted meeting,
 * get no media keys and decode nothing, and the others go on.
 */
import { test, expect, expectRising, withWrongSecret } from '../fixtures/meeting';

test('a participant with a wrong secret is never added and decodes nothing', async ({ meeting, newParticipant }) => {
  const [alice, bob] = await meeting(['Alice', 'Bob']);
  const code = await alice.securityCode();

  const mallory = await newParticipant('Mallory');
  await mallory.join(withWrongSecret(alice.invite));

  // Listed apart on the members' screens; never in the roster.
  for (const member of [alice, bob]) {
    await expect(member.outsiders()).toHaveText([/^Unidentified connection \(for \d+ s\) - not in the encrypted meeting - cannot see or hear you$/]);
    expect(await member.rosterNames()).toEqual(['Alice', 'Bob']);
    expect(await member.securityCode()).toBe(code);
  }
  await expect(mallory.page.getByLabel('Encryption status')).toContainText('Waiting to be added');
  await expect(mallory.page.getByLabel('Encryption status')).toContainText('your invite link may be wrong');
  expect((await mallory.inboundVideoTotals()).framesDecoded).toBe(0);

  // Alice and Bob are unaffected.
  await expectRising(() => alice.framesDecodedOf('Bob'), 20);
  await expectRising(() => bob.framesDecodedOf('Alice'), 20);
  expect((await mallory.inboundVideoTotals()).framesDecoded).toBe(0);
});
