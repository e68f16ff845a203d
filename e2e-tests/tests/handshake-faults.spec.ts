/**
 * The server drops or reorders MLS handshake messages (its test-only fault switch,
 * `POST /test/faults`, compiled only into the test build). Clients must notice and
 * recover to one shared epoch, never carry on with mismatched keys.
 */
import { test, expect, expectEveryoneDecrypting, type Participant } from '../fixtures/meeting';

type Fault = 'drop_next_commit' | 'reorder_next_commit' | 'drop_next_welcome';

/** Arms `fault` for the room of the meeting `participant` is in. */
async function arm(participant: Participant, fault: Fault): Promise<void> {
  const roomId = new URL(participant.invite).pathname.split('/').pop();
  const reply = await participant.page.request.post('/test/faults', { data: { room_id: roomId, [fault]: true } });
  expect(reply.status()).toBe(200);
}

/** Everyone shows the same security code, lists everyone, and decrypts everyone. */
async function expectOneMeeting(everyone: Participant[]): Promise<void> {
  for (const viewer of everyone) {
    await expect(viewer.roster()).toHaveCount(everyone.length);
  }
  await expectEveryoneDecrypting(everyone);
  const code = await everyone[0].securityCode();
  for (const viewer of everyone) {
    await expect.poll(() => viewer.securityCode()).toBe(code);
    expect(await viewer.rosterNames()).toEqual(everyone.map((p) => p.name).sort());
  }
}

test('a member who misses a commit re-syncs and the meeting converges', async ({ meeting, newParticipant }) => {
  const [alice, bob] = await meeting(['Alice', 'Bob']);
  await expectOneMeeting([alice, bob]);

  // The commit that adds Carol never reaches Bob.
  const carol = await newParticipant('Carol');
  await arm(alice, 'drop_next_commit');
  await carol.join(alice.invite);
  await expectOneMeeting([alice, bob, carol]);
});

test('commits delivered out of order are applied in order', async ({ meeting, newParticipant }) => {
  const [alice, bob] = await meeting(['Alice', 'Bob']);
  await expectOneMeeting([alice, bob]);

  // Bob gets the commit adding Carol only after the one adding Dave.
  const carol = await newParticipant('Carol');
  const dave = await newParticipant('Dave');
  await arm(alice, 'reorder_next_commit');
  await carol.join(alice.invite);
  await dave.join(alice.invite);
  await expectOneMeeting([alice, bob, carol, dave]);
});

test('a joiner whose Welcome was dropped asks again and is added', async ({ newParticipant }) => {
  const alice = await newParticipant('Alice');
  const bob = await newParticipant('Bob');
  const invite = await alice.createMeeting();
  await alice.join(invite);
  await arm(alice, 'drop_next_welcome');
  await bob.join(invite);
  await expectOneMeeting([alice, bob]);
});
