/**
 * Several signaling servers behind one address (issue 16): two `conclave-server` processes
 * share their rooms through a real Redis; a meeting's members may sit on either, and losing
 * a server (killed: a crash) only makes its people reconnect, through the one address, to
 * the other. Mesh only: the scale-out is the signaling server's, the same in both modes.
 *
 * The spec starts its own Redis, servers and front (support/cluster.ts) on fixed ports of
 * the suite's private network namespace.
 */
import { test, expect, expectBackTogether, expectEveryoneDecrypting } from '../../fixtures/meeting';
import { startFront, startRedis, startServer, type Running } from '../../support/cluster';
import type { Server } from 'node:net';

/** The two servers' own ports, and the one address in front of both. */
const FIRST = 8096;
const SECOND = 8097;
const FRONT = 8098;

test.use({ baseURL: `http://127.0.0.1:${FRONT}` });

let redis: Running | undefined;
let redisUrl = '';
const servers = new Map<number, Running>();
let front: Server | undefined;

test.beforeAll(async () => {
  ({ url: redisUrl, redis } = await startRedis());
  for (const port of [FIRST, SECOND]) servers.set(port, await startServer(port, redisUrl));
  front = await startFront(FRONT, [FIRST, SECOND]);
});

test.afterAll(async () => {
  front?.close();
  for (const server of servers.values()) await server.stop();
  await redis?.stop();
});

/** The invite link as seen through one server's own port instead of the front. */
function through(port: number, invite: string): string {
  return invite.replace(`:${FRONT}/`, `:${port}/`);
}

test('one meeting, its members on two servers', async ({ newParticipant }) => {
  const alice = await newParticipant('Alice');
  const bob = await newParticipant('Bob');
  const invite = await alice.createMeeting();
  // Alice reaches the first server through the front; Bob the second one directly.
  await alice.join(invite);
  await bob.join(through(SECOND, invite));
  await expectBackTogether([alice, bob], 'across two servers', 45_000);
});

test("losing the meeting's server: its people reconnect to the other and the meeting goes on", async ({ newParticipant }) => {
  test.setTimeout(150_000);
  const alice = await newParticipant('Alice');
  const bob = await newParticipant('Bob');
  const invite = await alice.createMeeting();
  // The first server holds the meeting (Alice, through the front, came first); Bob's
  // server carries him to it.
  await alice.join(invite);
  await bob.join(through(SECOND, invite));
  await expectEveryoneDecrypting([alice, bob]);

  await servers.get(FIRST)?.stop();
  await expect(alice.page.getByTestId('signaling-reconnecting')).toBeVisible();
  await expect(bob.page.getByTestId('signaling-reconnecting')).toBeVisible();
  await expectBackTogether([alice, bob], 'after losing a server', 45_000);

  servers.set(FIRST, await startServer(FIRST, redisUrl));
});
