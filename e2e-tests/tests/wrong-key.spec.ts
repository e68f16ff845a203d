/**
 * Someone who reaches the room without the right meeting secret (a wrong link fragment)
 * is in the server's room, receives the packets, and decodes nothing; the others go on.
 */
import { test, expect, expectRising, withWrongSecret } from '../fixtures/meeting';

test('a participant with a wrong secret decodes nothing while the others keep decoding', async ({ newParticipant }) => {
  const alice = await newParticipant('Alice');
  const bob = await newParticipant('Bob');
  const mallory = await newParticipant('Mallory');

  const invite = await alice.createMeeting();
  await alice.join(invite);
  await bob.join(invite);
  await expect(alice.tileStatus('Bob')).toHaveText('Decrypting');
  await expect(bob.tileStatus('Alice')).toHaveText('Decrypting');

  await mallory.join(withWrongSecret(invite));

  // Mallory's browser receives the media but holds no key for it.
  for (const remote of ['Alice', 'Bob']) {
    await expect(mallory.tileStatus(remote)).toHaveText('Cannot decrypt');
  }
  await expectRising(async () => (await mallory.inboundVideoTotals()).packetsReceived, 200);
  expect((await mallory.inboundVideoTotals()).framesDecoded).toBe(0);

  // Mallory's own frames are under a key nobody else holds.
  await expect(alice.tileStatus('Mallory')).toHaveText('Cannot decrypt');
  await expect(bob.tileStatus('Mallory')).toHaveText('Cannot decrypt');
  expect((await alice.inboundVideoOf('Mallory')).framesDecoded).toBe(0);

  // Alice and Bob are unaffected.
  await expectRising(async () => (await alice.inboundVideoOf('Bob')).framesDecoded, 20);
  await expectRising(async () => (await bob.inboundVideoOf('Alice')).framesDecoded, 20);
  await expect(alice.tileStatus('Bob')).toHaveText('Decrypting');
  await expect(bob.tileStatus('Alice')).toHaveText('Decrypting');
});
