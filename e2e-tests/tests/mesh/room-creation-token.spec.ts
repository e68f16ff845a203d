/**
 * Who may create a meeting (issue 16): a server whose operator set a room-creation token
 * key lets only organisers holding a token from the operator's portal create meetings. The
 * portal links to `/#create=TOKEN`; the home page keeps the token for the tab, takes it out
 * of the address bar and sends it with "New meeting". Without it, the page says who may
 * create meetings. Anyone with an invite link still joins, and after a restart the pages
 * hold their room again with the hold token the server gave them in `joined`. Mesh only:
 * the gate is the signaling server's, the same in both media modes.
 *
 * The spec starts its own server (the suite's servers are open) on a free port of the
 * suite's private network namespace.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { words } from '../../fixtures/catalogue';
import { test, expect, expectEveryoneDecrypting } from '../../fixtures/meeting';

/** The key the operator's portal and this server share (at least 32 bytes). */
const TOKEN_KEY = 'the-portal-and-the-server-share-this-key-2026';

/** An HS256 JWT as a portal mints it, valid for `lifetimeSecs`. */
function portalToken(lifetimeSecs = 300): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const exp = Math.floor(Date.now() / 1000) + lifetimeSecs;
  const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ exp, sub: 'organiser' })}`;
  return `${input}.${createHmac('sha256', TOKEN_KEY).update(input).digest('base64url')}`;
}

/** A TCP port nothing listens on now. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

let server: ChildProcess | undefined;
let port = 0;
let origin = '';

/** Starts the gated server on `port` and waits until it answers. */
async function startServer(): Promise<void> {
  const root = path.resolve(__dirname, '../../..');
  server = spawn(
    `${root}/target/debug/conclave-server`,
    ['--listen', `127.0.0.1:${port}`, '--www-dir', `${root}/target/www-test`],
    { stdio: 'ignore', env: { ...process.env, CONCLAVE_ROOM_CREATION_TOKEN_KEY: TOKEN_KEY } },
  );
  await expect
    .poll(async () => (await fetch(`${origin}/livez`).catch(() => null))?.status ?? 0, { timeout: 15_000 })
    .toBe(200);
}

test.beforeAll(async () => {
  port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  await startServer();
});

test.afterAll(async () => {
  server?.kill('SIGTERM');
});

test('without the portal link, the home page says that only invited organisers create meetings', async ({ newParticipant }) => {
  const mallory = await newParticipant('Mallory');
  await mallory.page.goto(`${origin}/`);
  await mallory.page.getByRole('button', { name: 'New meeting' }).click();
  await expect(mallory.page.getByRole('alert')).toContainText(words('en', 'room-error-creation-not-allowed'));
  await expect(mallory.page).toHaveURL(`${origin}/`);
});

test('with the portal link an organiser creates a meeting, and a guest joins it', async ({ newParticipant }) => {
  const alice = await newParticipant('Alice');
  const bob = await newParticipant('Bob');
  const token = portalToken();
  await alice.page.goto(`${origin}/#create=${token}`);
  // The token leaves the address bar (no bookmark, no screen share shows it).
  await expect(alice.page).toHaveURL(`${origin}/`);

  await alice.page.getByRole('group', { name: 'Who can join' }).getByLabel('Anyone with the link').check();
  const creation = alice.page.waitForRequest(
    (request) => request.method() === 'POST' && request.url().endsWith('/api/rooms'),
  );
  await alice.page.getByRole('button', { name: 'New meeting' }).click();
  expect((await creation).headers()['authorization']).toBe(`Bearer ${token}`);
  await expect(alice.page).toHaveURL(/\/m\/[A-Za-z0-9_-]{22}#/);
  const invite = alice.page.url();
  expect(invite).not.toContain(token);

  await alice.join(invite);
  await bob.join(invite);
  await expectEveryoneDecrypting([alice, bob]);
});

test('after a restart, a guest without the portal link holds the room again with its hold token', async ({ newParticipant }) => {
  test.setTimeout(120_000);
  const alice = await newParticipant('Alice');
  const bob = await newParticipant('Bob');
  await alice.page.goto(`${origin}/#create=${portalToken()}`);
  await alice.page.getByRole('group', { name: 'Who can join' }).getByLabel('Anyone with the link').check();
  await alice.page.getByRole('button', { name: 'New meeting' }).click();
  await expect(alice.page).toHaveURL(/\/m\//);
  const invite = alice.page.url();
  await alice.join(invite);
  await bob.join(invite);
  await expectEveryoneDecrypting([alice, bob]);

  server?.kill('SIGTERM');
  await new Promise((resolve) => server?.once('exit', resolve));
  await expect(bob.page.getByTestId('signaling-reconnecting')).toBeVisible();
  // Bob never had a creation token: only the room's hold token can hold it again.
  const bobHolds = bob.page.waitForResponse(
    (response) => response.request().method() === 'PUT' && response.url().includes('/api/rooms/'),
    { timeout: 60_000 },
  );
  await startServer();
  const held = await bobHolds;
  expect(held.request().headers()['authorization']).toMatch(/^Bearer [A-Za-z0-9_-]{43}$/);
  expect(held.status()).toBe(200);
  for (const person of [alice, bob]) {
    await expect(person.page.getByTestId('signaling-reconnecting')).toHaveCount(0, { timeout: 30_000 });
    await expect(person.roster()).toHaveCount(2);
  }
  await expectEveryoneDecrypting([alice, bob]);
});
