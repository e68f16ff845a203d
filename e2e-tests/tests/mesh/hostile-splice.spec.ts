/**
 * A server that lies about whose media is whose (issue 12, "stream binding"), mesh mode: the
 * hostile signaling server (`POST /test/hostile`, `splice_signals`) splices the newcomer's
 * WebRTC signaling: Alice's offer reaches Carol as Bob's, Bob's as Alice's, and Carol's
 * answers go back the same crossed way. The DTLS connections are genuine; only the server's
 * word on who is at the other end is a lie. No tile may show the wrong person's camera.
 */
import { test, expect, expectEveryoneDecrypting } from '../../fixtures/meeting';
import { armHostile, hostileRoomStatus } from '../../fixtures/hostile-server';
import { colourShown } from '../../fixtures/painted-camera';
import { expectOnlyOwnCameras, threePeople } from '../../fixtures/relabel';

test('a server that splices mesh signaling shows nobody the wrong camera', async ({ newParticipant }) => {
  const [alice, bob, carol] = await threePeople(newParticipant);
  const invite = await alice.createMeeting();
  await alice.join(invite);
  await bob.join(invite);
  await expectEveryoneDecrypting([alice, bob]);
  // The colours can be told apart through a real call (the check below can fail).
  await expect.poll(() => colourShown(alice, 'Bob')).toBe('green');
  await expect.poll(() => colourShown(bob, 'Alice')).toBe('red');

  // Participants are numbered in join order: Alice 1, Bob 2, Carol 3.
  await armHostile(alice.page.request, invite, { splice_signals: { victim: 3, swap: [1, 2] } });
  await carol.join(invite);
  await expect(carol.roster()).toHaveCount(3);
  await expect
    .poll(async () => (await hostileRoomStatus(alice.page.request, invite)).spliced_signals, {
      message: 'the server re-routed Carol\'s signaling',
    })
    .toBeGreaterThan(1);

  await expectOnlyOwnCameras([
    [carol, 'Alice'],
    [carol, 'Bob'],
    [alice, 'Carol'],
    [bob, 'Carol'],
    [alice, 'Bob'],
  ]);
});
