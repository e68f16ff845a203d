/**
 * Two people join through the invite link and see each other: every frame between them
 * went through the SFrame worker, and the receivers decode it.
 */
import { test, expect, expectRising, viewingPairs } from '../fixtures/meeting';

test('two participants who share the invite link see each other, decrypted', async ({ meeting }) => {
  const people = await meeting(['Alice', 'Bob']);

  for (const [viewer, remote] of viewingPairs(people)) {
    await expect(viewer.tile(remote.name)).toBeVisible();
    await expectRising(() => viewer.framesDecodedOf(remote.name), 20);
    // The fake camera draws a pattern: a decoded picture has contrast, a blank one has none.
    await expect.poll(() => viewer.pictureContrastOf(remote.name)).toBeGreaterThan(10);
  }
});

test('browsers with only createEncodedStreams encrypt and decrypt too', async ({ meeting }) => {
  const people = await meeting(['Alice', 'Bob'], { withoutScriptTransform: true });

  for (const [viewer, remote] of viewingPairs(people)) {
    await expect(viewer.page.getByRole('note')).toContainText('createEncodedStreams');
    await expectRising(() => viewer.framesDecodedOf(remote.name), 20);
  }
});

test('a participant who leaves disappears from the other screens', async ({ meeting }) => {
  const [alice, bob] = await meeting(['Alice', 'Bob']);

  await bob.page.getByRole('button', { name: 'Leave' }).click();
  await expect(bob.page.getByText('You left the meeting')).toBeVisible();
  await expect(alice.tile('Bob')).toHaveCount(0);
});
