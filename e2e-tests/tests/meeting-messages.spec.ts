/**
 * Meeting messages (issue 14): chat, microphone and camera state, raised hands and reactions
 * travel as MLS application messages between the members' browsers. Each other member reads
 * them under the name its credential carries; the WebSocket frames the server gets hold no
 * plaintext; a joiner learns everyone's state.
 */
import { test, expect, expectEveryoneDecrypting } from '../fixtures/meeting';

test('chat reaches every other member, counted unread until opened, and the server sees only ciphertext', async ({
  newParticipant,
}) => {
  const alice = await newParticipant('Alice');
  const bob = await newParticipant('Bob');
  const carol = await newParticipant('Carol');
  // Every frame Alice's page sends the server, as the server receives it.
  const sentFrames: string[] = [];
  alice.page.on('websocket', (socket) => socket.on('framesent', (frame) => sentFrames.push(String(frame.payload))));
  const invite = await alice.createMeeting();
  for (const person of [alice, bob, carol]) await person.join(invite);
  await expectEveryoneDecrypting([alice, bob, carol]);

  const secret = 'The vote moves to Thursday at nine';
  await alice.sendChat(secret);
  await expect(alice.chatEntry('You', secret)).toBeVisible();

  for (const reader of [bob, carol]) {
    await expect(reader.chatButton()).toHaveAccessibleName('Chat, 1 unread');
    await expect(reader.page.getByTestId('unread-badge')).toHaveText('1');
    await reader.openChat();
    await expect(reader.chatEntry('Alice', secret)).toBeVisible();
    await expect(reader.chatButton()).toHaveAccessibleName('Chat');
    await expect(reader.page.getByTestId('unread-badge')).toHaveCount(0);
  }
  await bob.sendChat('Agreed.\nSee you then.');
  await expect(alice.chatEntry('Bob', 'See you then.')).toBeVisible();
  await expect(carol.chatEntry('Bob', 'Agreed.')).toBeVisible();

  // The server gets each message as base64url bytes: decoded, no plaintext in them.
  const sealed = sentFrames
    .filter((frame) => frame.includes('"application_message"'))
    .map((frame) => Buffer.from(JSON.parse(frame).message as string, 'base64url').toString('latin1'));
  expect(sealed.length).toBeGreaterThan(0);
  for (const bytes of sealed) expect(bytes).not.toContain('Thursday');
  for (const frame of sentFrames) expect(frame).not.toContain('Thursday');
});

test('mute, camera, hand and reactions show on the others’ tiles and roster, and a joiner learns them', async ({
  meeting,
  newParticipant,
}) => {
  const [alice, bob] = await meeting(['Alice', 'Bob']);
  const bobAtAlice = alice.tile('Bob');
  await expect(bobAtAlice).not.toContainText('Muted');
  await expect(bobAtAlice).not.toContainText('Camera off');

  await bob.page.getByRole('button', { name: 'Mute microphone' }).click();
  await bob.page.getByRole('button', { name: 'Turn camera off' }).click();
  await bob.page.getByRole('button', { name: 'Raise hand' }).click();
  await expect(bobAtAlice).toContainText('Muted');
  await expect(bobAtAlice).toContainText('Camera off');
  await expect(bobAtAlice).toContainText('Hand raised');
  await expect(alice.rosterMember('Bob').getByTestId('hand-badge')).toBeVisible();
  // Said to screen readers too.
  await expect(alice.page.getByTestId('announcement')).toHaveText('Bob raised their hand');
  // Bob's own page shows his hand too.
  await expect(bob.rosterMember('Bob').getByTestId('hand-badge')).toBeVisible();

  await bob.page.getByRole('button', { name: 'React' }).click();
  await bob.page.getByRole('button', { name: 'Send Applause' }).click();
  await expect(bobAtAlice.getByRole('img', { name: 'Applause' })).toBeVisible();
  await expect(bob.page.getByRole('article', { name: 'You' }).getByRole('img', { name: 'Applause' })).toBeVisible();

  // A joiner learns the state Bob set before it came.
  const carol = await newParticipant('Carol');
  await carol.join(alice.invite);
  await expect(alice.page.getByTestId('announcement')).toHaveText('Carol joined the encrypted meeting');
  await expect(carol.tile('Bob')).toContainText('Muted');
  await expect(carol.tile('Bob')).toContainText('Camera off');
  await expect(carol.tile('Bob')).toContainText('Hand raised');
  await expect(carol.tile('Alice')).not.toContainText('Muted');

  await bob.page.getByRole('button', { name: 'Unmute microphone' }).click();
  await bob.page.getByRole('button', { name: 'Turn camera on' }).click();
  await bob.page.getByRole('button', { name: 'Lower hand' }).click();
  for (const viewer of [alice, carol]) {
    await expect(viewer.tile('Bob')).not.toContainText('Muted');
    await expect(viewer.tile('Bob')).not.toContainText('Camera off');
    await expect(viewer.tile('Bob')).not.toContainText('Hand raised');
  }
  await expect(carol.tileStatus('Bob')).toHaveText('Decrypting');
});
