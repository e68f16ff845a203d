/**
 * The SFrame cipher suite is a policy of the meeting: its creator picks it on the home page,
 * the invite link carries it, everyone who joins seals frames with it, and a link whose
 * suite was changed (a downgrade) gets nobody added: its invite proof covers the suite.
 */
import { test, expect, expectEveryoneDecrypting, expectRising, withFrameSuite } from '../fixtures/meeting';
import { matchingAudioRuns } from '../support/sframe-overhead';

test('a high-assurance meeting runs AES-256-GCM and refuses a downgraded link', async ({ newParticipant }) => {
  const alice = await newParticipant('Alice');
  const bob = await newParticipant('Bob');
  const eve = await newParticipant('Eve');

  const invite = await alice.createMeeting('AES-256-GCM (high assurance)');
  expect(invite).toMatch(/\.5~open$/);
  await expect(alice.page.getByTestId('frame-suite')).toHaveText('Frame encryption: AES-256-GCM (high assurance)');
  await alice.join(invite);
  await bob.join(invite);
  await expectEveryoneDecrypting([alice, bob]);
  for (const member of [alice, bob]) {
    await expect(member.page.getByTestId('frame-suite')).toHaveText('Frames sealed with AES-256-GCM (high assurance)');
  }
  await expectRising(() => bob.framesDecodedOf('Alice'), 20);

  // Eve has the secret but a link rewritten to the standard suite: nobody adds her.
  await eve.join(withFrameSuite(invite, 4));
  for (const member of [alice, bob]) {
    await expect(member.outsiders()).toHaveText([/not in the encrypted meeting/]);
    expect(await member.rosterNames()).toEqual(['Alice', 'Bob']);
  }
  await expect(eve.page.getByLabel('Encryption status')).toContainText('Waiting to be added');
  await expectRising(() => alice.framesDecodedOf('Bob'), 20);
  expect((await eve.inboundVideoTotals()).framesDecoded).toBe(0);
});

test('a meeting on an AES-CTR + HMAC suite decodes for everyone, with its 10-byte tag on the wire', async ({
  meeting,
}) => {
  const [alice, bob] = await meeting(['Alice', 'Bob'], { frameEncryption: 'AES-128-CTR + HMAC, 80-bit tag' });
  expect(alice.invite).toMatch(/\.1~open$/);
  await expectRising(() => alice.framesDecodedOf('Bob'), 20);
  await expectRising(() => bob.framesDecodedOf('Alice'), 20);
  expect((await bob.frameCounts()).failed).toBe(0);

  // The wire shows the suite: Alice's audio reaches Bob 10 bytes (Nt of 0x0001) longer than
  // header plus plaintext, never 16 (the AES-GCM suites' tag).
  await alice.takeRecordings();
  await bob.takeRecordings();
  await expectRising(() => bob.framesDecodedOf('Alice'), 60);
  const sent = (await alice.takeRecordings()).sent;
  const received = (await bob.takeRecordings()).received;
  expect(matchingAudioRuns(sent, received, 10)).toBeGreaterThan(5);
  expect(matchingAudioRuns(sent, received, 16)).toBe(0);
});
