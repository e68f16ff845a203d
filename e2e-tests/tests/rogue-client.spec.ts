/**
 * A rogue client: a script that speaks the signaling protocol but does not have the invite
 * secret. It asks to be added with a well-formed, correctly signed MLS KeyPackage whose
 * credential names its own participant id (made by the test build's
 * `POST /test/hostile/key-package`), so that the invite proof is the only thing wrong with
 * its request, and a made-up proof. No member adds it, it receives no Welcome and no key, and
 * the members list it as not in the encrypted meeting.
 */
import { randomBytes } from 'node:crypto';
import { test, expect } from '../fixtures/meeting';
import { rogueKeyPackage } from '../fixtures/hostile-server';
import { SignalingClient, base64url } from '../support/signaling-client';

test('a client without the invite secret is never added to the encrypted meeting', async ({ meeting, newParticipant, baseURL }) => {
  const [alice, bob] = await meeting(['Alice', 'Bob']);
  const carol = await newParticipant('Carol');

  const rogue = await SignalingClient.connect(baseURL!, alice.invite);
  try {
    rogue.join();
    const joined = await rogue.next('joined');
    expect((joined.group as { epoch: number | null }).epoch).not.toBeNull();
    // A KeyPackage every member can parse and verify, naming the rogue as the server knows it.
    const keyPackage = await rogueKeyPackage(alice.page.request, 'Rogue', joined.you as number);
    // Without the secret, the best it can do is a guess at the proof.
    rogue.send({
      type: 'publish_key_package',
      key_package: keyPackage,
      invite_proof: base64url(randomBytes(32)),
    });

    for (const member of [alice, bob]) {
      await expect(member.outsiders()).toHaveText([/^Unidentified connection .* - not in the encrypted meeting - cannot see or hear you$/]);
    }
    // Carol, who has the link, joins after the rogue's request: the server orders her
    // addition after it, so once she is in, the rogue's request has been dealt with.
    await carol.join(alice.invite);
    const code = await carol.securityCode();
    for (const member of [alice, bob, carol]) {
      await expect.poll(() => member.securityCode()).toBe(code);
      expect(await member.rosterNames()).toEqual(['Alice', 'Bob', 'Carol']);
      await expect(member.outsiders()).toHaveText([/^Unidentified connection .* - not in the encrypted meeting - cannot see or hear you$/]);
    }
    expect(rogue.received.map((message) => message.type)).not.toContain('welcome');
    expect(rogue.received.map((message) => message.type)).not.toContain('commit');
  } finally {
    rogue.close();
  }
});
