/**
 * Two people join through the invite link and see each other: every frame between them
 * went through the SFrame worker, and the receivers decode it.
 */
import { test, expect, expectRising } from '../fixtures/meeting';

test('two participants who share the invite link see each other, decrypted', async ({ newParticipant }) => {
  const alice = await newParticipant('Alice');
  const bob = await newParticipant('Bob');

  const invite = await alice.createMeeting();
  await alice.join(invite);
  await bob.join(invite);

  for (const [viewer, remote] of [[alice, bob], [bob, alice]] as const) {
    await expect(viewer.tile(remote.name)).toBeVisible();
    await expect(viewer.tileStatus(remote.name)).toHaveText('Decrypting');
    await expectRising(async () => (await viewer.inboundVideoOf(remote.name)).framesDecoded, 20);
    // The fake camera draws a pattern: a decoded picture has contrast, a blank one has none.
    await expect.poll(() => viewer.pictureContrastOf(remote.name)).toBeGreaterThan(10);
  }
});

test('browsers with only createEncodedStreams encrypt and decrypt too', async ({ newParticipant }) => {
  const alice = await newParticipant('Alice', { withoutScriptTransform: true });
  const bob = await newParticipant('Bob', { withoutScriptTransform: true });
  const invite = await alice.createMeeting();
  await alice.join(invite);
  await bob.join(invite);

  for (const [viewer, remote] of [[alice, bob], [bob, alice]] as const) {
    await expect(viewer.page.getByRole('note')).toContainText('createEncodedStreams');
    await expect(viewer.tileStatus(remote.name)).toHaveText('Decrypting');
    await expectRising(async () => (await viewer.inboundVideoOf(remote.name)).framesDecoded, 20);
  }
});

test('a participant who leaves disappears from the other screens', async ({ newParticipant }) => {
  const alice = await newParticipant('Alice');
  const bob = await newParticipant('Bob');
  const invite = await alice.createMeeting();
  await alice.join(invite);
  await bob.join(invite);
  await expect(alice.tileStatus('Bob')).toHaveText('Decrypting');

  await bob.page.getByRole('button', { name: 'Leave' }).click();
  await expect(bob.page.getByText('You left the meeting')).toBeVisible();
  await expect(alice.tile('Bob')).toHaveCount(0);
});
