/**
 * Keys by MLS: three people join one after another; each decodes the others, and all
 * three screens show the same roster (the MLS group's members) and the same security code.
 */
import { test, expect, expectRising } from '../fixtures/meeting';

test('three participants share one roster and one security code', async ({ newParticipant }) => {
  const alice = await newParticipant('Alice');
  const bob = await newParticipant('Bob');
  const carol = await newParticipant('Carol');
  const everyone = [alice, bob, carol];

  const invite = await alice.createMeeting();
  await alice.join(invite);
  const codeAlone = await alice.securityCode();
  await bob.join(invite);
  await expect.poll(() => alice.securityCode()).not.toBe(codeAlone);
  await carol.join(invite);

  for (const viewer of everyone) {
    await expect(viewer.roster()).toHaveCount(3);
    for (const remote of everyone.filter((p) => p !== viewer)) {
      await expect(viewer.tileStatus(remote.name)).toHaveText('Decrypting');
      await expectRising(() => viewer.framesDecodedOf(remote.name), 10);
    }
  }

  // One epoch, one code, one member list on every screen.
  const code = await alice.securityCode();
  for (const viewer of everyone) {
    await expect.poll(() => viewer.securityCode()).toBe(code);
    expect(await viewer.rosterNames()).toEqual(['Alice', 'Bob', 'Carol']);
    await expect(viewer.outsiders()).toHaveCount(0);
  }

  // Checking the code aloud is remembered for this code only.
  await bob.page.getByRole('button', { name: 'Mark as checked' }).click();
  await expect(bob.page.getByRole('region', { name: 'Security code' })).toContainText('Checked aloud');
});
