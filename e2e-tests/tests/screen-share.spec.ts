/**
 * Screen sharing: the shared screen replaces the camera in the same encrypting sender, so
 * it reaches every receiver decrypted, in mesh and SFU mode alike; stopping brings the
 * camera back.
 */
import { test, expect, expectRising, type Participant } from '../fixtures/meeting';

/** Width / height of the picture in a remote tile (0 before any picture). */
async function aspectOf(viewer: Participant, remoteName: string): Promise<number> {
  const { width, height } = await viewer.pictureSizeOf(remoteName);
  return height > 0 ? width / height : 0;
}

test('a shared screen reaches the others decrypted, and the camera comes back after', async ({ meeting }) => {
  const [alice, bob] = await meeting(['Alice', 'Bob']);
  // Chromium's fake camera is 4:3; its fake screen is 16:9.
  await expect.poll(() => aspectOf(bob, 'Alice')).toBeCloseTo(4 / 3, 1);

  await alice.page.getByRole('button', { name: 'Share screen' }).click();
  await expect(alice.page.getByRole('button', { name: 'Stop sharing' })).toBeVisible();
  await expect.poll(() => aspectOf(bob, 'Alice')).toBeCloseTo(16 / 9, 1);
  await expect(bob.tileStatus('Alice')).toHaveText('Decrypting');
  await expectRising(() => bob.framesDecodedOf('Alice'), 20);

  await alice.page.getByRole('button', { name: 'Stop sharing' }).click();
  await expect(alice.page.getByRole('button', { name: 'Share screen' })).toBeVisible();
  await expect.poll(() => aspectOf(bob, 'Alice')).toBeCloseTo(4 / 3, 1);
});
