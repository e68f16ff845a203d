/**
 * End for all (issue 13): a chair ends the meeting; every member's page leaves it (keys
 * wiped), the server forgets the room (its id then answers "unknown room") and, in SFU
 * mode, destroys its Janus room.
 */
import { test, expect } from '../fixtures/meeting';
import { janusRoomExists } from '../support/janus-room';
import { SignalingClient } from '../support/signaling-client';
import type { JanusRoomAccess } from '../support/plain-janus-subscriber';

test('ending the meeting for all empties the room and its Janus room', async ({ meeting, baseURL }, testInfo) => {
  const [alice, bob, carol] = await meeting(['Alice', 'Bob', 'Carol'], { whoCanJoin: 'People the chair admits' });

  // In SFU mode, the Janus room as anyone in the signaling room learns it.
  let janusRoom: JanusRoomAccess | null = null;
  if (testInfo.project.name === 'janus') {
    const watcher = await SignalingClient.connect(baseURL!, alice.invite);
    watcher.join();
    janusRoom = (await watcher.next('sfu_room_ready')).access as JanusRoomAccess;
    watcher.close();
    expect(await janusRoomExists(janusRoom.url, janusRoom.room)).toBe(true);
  }

  // Asked twice: "Cancel" keeps the meeting, "Yes, end for all" ends it.
  await alice.chairControls().getByRole('button', { name: 'End for all' }).click();
  await alice.chairControls().getByRole('button', { name: 'Cancel' }).click();
  await expect(alice.chairControls().getByRole('button', { name: 'Yes, end for all' })).toHaveCount(0);
  await expect(alice.chairControls().getByRole('button', { name: 'End for all' })).toBeFocused();
  await alice.chairControls().getByRole('button', { name: 'End for all' }).click();
  await expect(alice.chairControls().getByRole('button', { name: 'Yes, end for all' })).toBeFocused();
  await alice.chairControls().getByRole('button', { name: 'Yes, end for all' }).click();
  for (const person of [alice, bob, carol]) {
    await expect(person.meetingClosed()).toContainText('The chair ended the meeting');
  }

  // The server forgot the room: joining it now is refused as an unknown room.
  const late = await SignalingClient.connect(baseURL!, alice.invite);
  late.join();
  expect(await late.closed).toBe(4404);

  if (janusRoom !== null) {
    const room = janusRoom;
    await expect.poll(() => janusRoomExists(room.url, room.room)).toBe(false);
  }
});
