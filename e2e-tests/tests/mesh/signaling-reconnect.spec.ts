/**
 * Losing the signaling connection (issue 14) no longer ends the meeting: the page says
 * "Reconnecting…", connects again with a growing pause, and is added back to the encrypted
 * meeting by the group's usual rules (here a meeting open to anyone with the link). Mesh
 * only: the signaling is the same in both modes, and these specs cut the mesh server's port.
 * - the connection is cut (its TCP sockets reset): noticed at once;
 * - it stalls (a laptop's sleep: packets held back): noticed by the missing pongs (or the
 *   server's write timeout);
 * - the server restarts: it no longer knows the room, which the pages ask it to hold again;
 * - a member ended the meeting while a page was away: the server refuses to hold its room
 *   again, so the old link cannot revive it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { WebSocketRoute } from '@playwright/test';
import { words } from '../../fixtures/catalogue';
import { test, expect, expectBackTogether, expectEveryoneDecrypting } from '../../fixtures/meeting';
import { restoreMediaPaths, stallServerPort } from '../../support/network-outage';
import { SignalingClient } from '../../support/signaling-client';

/** The mesh server's port (playwright.config.ts). */
const MESH_PORT = 8090;

test('a connection that is cut is made again, and the chat is still there', async ({ meeting }) => {
  const [alice, bob] = await meeting(['Alice', 'Bob']);
  await alice.sendChat('before the cut');
  await expect(bob.page.getByTestId('unread-badge')).toHaveText('1');

  // Reset every browser socket to the server; the server and the media paths stay up.
  execFileSync('ss', ['-K', 'dst', '127.0.0.1', 'dport', '=', `:${MESH_PORT}`], { stdio: 'ignore' });
  await expect(bob.page.getByTestId('signaling-reconnecting')).toContainText('Reconnecting…');
  await expectBackTogether([alice, bob], 'after the cut');
  await expect(alice.chatEntry('You', 'before the cut')).toBeVisible();
});

test('a connection that stalls is noticed and made again', async ({ meeting }) => {
  const [alice, bob] = await meeting(['Alice', 'Bob']);
  stallServerPort(MESH_PORT);
  try {
    // Noticed within the stall limit (15 s) and one ping interval: by the page's unanswered
    // pings, or by the server's own write timeout closing the socket, whichever is first.
    await expect(bob.page.getByTestId('signaling-reconnecting')).toContainText('Reconnecting…', { timeout: 25_000 });
    await expect(alice.page.getByTestId('signaling-reconnecting')).toContainText('Reconnecting…', { timeout: 25_000 });
  } finally {
    restoreMediaPaths();
  }
  await expectBackTogether([alice, bob], 'after the stall');
});

test('after the server restarts, the pages hold their room again and meet again', async ({ newParticipant }) => {
  test.setTimeout(120_000);
  const root = path.resolve(__dirname, '../../..');
  const port = 8094;
  const origin = `http://127.0.0.1:${port}`;
  const startServer = (): ChildProcess =>
    spawn(`${root}/target/debug/conclave-server`, ['--listen', `127.0.0.1:${port}`, '--www-dir', `${root}/target/www-test`], {
      stdio: 'ignore',
    });
  const waitUntilUp = async () =>
    expect
      .poll(async () => (await fetch(`${origin}/livez`).catch(() => null))?.status ?? 0, { timeout: 15_000 })
      .toBe(200);
  let server = startServer();
  try {
    await waitUntilUp();
    const alice = await newParticipant('Alice');
    const bob = await newParticipant('Bob');
    await alice.page.goto(`${origin}/`);
    await alice.page.getByRole('group', { name: 'Who can join' }).getByLabel('Anyone with the link').check();
    await alice.page.getByRole('button', { name: 'New meeting' }).click();
    await expect(alice.page).toHaveURL(/\/m\//);
    const invite = alice.page.url();
    await alice.join(invite);
    await bob.join(invite);
    await expectEveryoneDecrypting([alice, bob]);

    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    await expect(alice.page.getByTestId('signaling-reconnecting')).toBeVisible();
    server = startServer();
    await waitUntilUp();
    await expectBackTogether([alice, bob], 'after the restart');
  } finally {
    server.kill('SIGTERM');
  }
});

test('a page that was away when the meeting ended cannot have the server hold the room again', async ({ newParticipant, baseURL }) => {
  const alice = await newParticipant('Alice');
  const bob = await newParticipant('Bob');
  // Bob's signaling passes through a relay here, which can take him away (both sides of his
  // socket closed, every new one refused) and let him back.
  let away = false;
  const relays: { page: WebSocketRoute; server: WebSocketRoute }[] = [];
  await bob.page.routeWebSocket(/\/ws\//, (page) => {
    if (away) {
      page.close({ code: 1001 });
      return;
    }
    relays.push({ page, server: page.connectToServer() });
  });
  const invite = await alice.createMeeting();
  await alice.join(invite);
  await bob.join(invite);
  await expectEveryoneDecrypting([alice, bob]);

  away = true;
  for (const relay of relays) {
    await relay.server.close();
    await relay.page.close({ code: 1001 });
  }
  await expect(bob.page.getByTestId('signaling-reconnecting')).toContainText('Reconnecting…');
  await alice.chairControls().getByRole('button', { name: 'End for all' }).click();
  await alice.chairControls().getByRole('button', { name: 'Yes, end for all' }).click();
  await expect(alice.meetingClosed()).toContainText('The chair ended the meeting');

  // Back, Bob's page finds the room unknown and asks the server to hold it again: refused
  // (410), so the page leaves the meeting instead of reviving it under the old link.
  const holdAsked = bob.page.waitForResponse(
    (response) => response.request().method() === 'PUT' && response.url().includes('/api/rooms/'),
    { timeout: 30_000 },
  );
  away = false;
  expect((await holdAsked).status()).toBe(410);
  await expect(bob.meetingClosed()).toContainText(words('en', 'closed-server-ended'));
  const roomId = new URL(invite).pathname.split('/').pop()!;
  const holdAgain = await fetch(new URL(`/api/rooms/${roomId}`, baseURL).toString(), { method: 'PUT' });
  expect(holdAgain.status).toBe(410);
  const late = await SignalingClient.connect(baseURL!, invite);
  late.join();
  expect(await late.closed).toBe(4404);
});
