/**
 * Simulcast through Janus while people come and go: each camera is sent in several
 * layers (one encrypting sender, one SFrame counter for all of them); a late joiner and
 * a leaver do not disturb the others, and no received frame fails to decrypt.
 */
import { test, expect, expectRising, viewingPairs } from '../../fixtures/meeting';

test('with simulcast on, a late joiner and a leaver leave the others decrypting', async ({
  meeting,
  newParticipant,
}) => {
  test.setTimeout(150_000);
  const [alice, bob, carol] = await meeting(['Alice', 'Bob', 'Carol']);
  // Chromium sends as many layers as the 640x480 camera allows (at least two).
  await expect.poll(() => alice.sentVideoLayers()).toEqual(expect.arrayContaining(['h', 'm']));

  const dave = await newParticipant('Dave');
  await dave.join(alice.invite);
  await bob.page.getByRole('button', { name: 'Leave' }).click();

  const staying = [alice, carol, dave];
  for (const viewer of staying) {
    await expect(viewer.roster()).toHaveCount(3);
  }
  for (const [viewer, remote] of viewingPairs(staying)) {
    await expect(viewer.tileStatus(remote.name)).toHaveText('Decrypting');
    await expectRising(() => viewer.framesDecodedOf(remote.name), 20);
  }
  for (const viewer of staying) {
    const counts = await viewer.frameCounts();
    expect(counts.failed, `${viewer.name}: frames that failed to decrypt`).toBe(0);
    expect(counts.replayed, `${viewer.name}: frames refused as replayed`).toBe(0);
  }
});
