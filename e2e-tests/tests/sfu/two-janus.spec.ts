/**
 * Two servers, Redis and two Janus behind one address (issue 16): the spec starts its own
 * Janus (on the suite's veth address, another port), a Redis, and two `conclave-server`
 * processes sharing meetings through it, each configured with `[[janus]]` entries for the
 * spec's Janus and the suite's, in that order, behind a front (support/cluster.ts). Alice
 * reaches the first server through the front, Bob the second one directly: one meeting.
 * A new meeting goes to the least loaded Janus, the first listed on a tie: the spec's own.
 * Killing it (a crash) makes the meeting's server recreate its room on the suite's Janus
 * and send everyone there; they close their connections to the dead Janus and decrypt
 * each other again through the other, with the spec's Janus still dead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { Server } from 'node:net';
import { test, expect, expectEveryoneDecrypting, expectRising, viewingPairs, type Participant } from '../../fixtures/meeting';
import { serverLog, startFront, startRedis, startServer, type Running } from '../../support/cluster';
import { JANUS_ADMIN_KEY, JANUS_INTERFACE, JANUS_IP, JANUS_WS_URL } from '../../support/janus';

/** This spec's two servers, the front before them, and its own Janus's WebSocket port (the suite's is 8188). */
const SERVER = 8099;
const SECOND_SERVER = 8100;
const FRONT = 8101;
const OWN_JANUS_PORT = 8189;
const OWN_JANUS_URL = `ws://${JANUS_IP}:${OWN_JANUS_PORT}`;
const RECONNECTING = 'Reconnecting to the media server';

const e2eRoot = path.resolve(__dirname, '..', '..');
const workDir = path.join(e2eRoot, 'test-results', 'two-janus');

test.use({ baseURL: `http://127.0.0.1:${FRONT}` });

let ownJanus: ChildProcess | undefined;
let redis: Running | undefined;
const servers: Running[] = [];
let front: Server | undefined;

async function until(what: string, ready: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`${what} not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Whether the server on `port` says, in /metrics, that each Janus (by index) is up. */
async function bothJanusUp(port: number): Promise<boolean> {
  const answer = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => null);
  const text = (await answer?.text()) ?? '';
  return text.includes('conclave_janus_up{janus="0"} 1') && text.includes('conclave_janus_up{janus="1"} 1');
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const ended = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await ended;
}

test.beforeAll(async () => {
  fs.mkdirSync(workDir, { recursive: true });
  const janusLog = fs.openSync(path.join(workDir, 'janus.log'), 'a');
  ownJanus = spawn(
    'bash',
    [path.join(e2eRoot, 'scripts', 'start-janus.sh'), path.join(workDir, 'janus'), JANUS_INTERFACE, JANUS_IP, String(OWN_JANUS_PORT)],
    { cwd: workDir, stdio: ['ignore', janusLog, janusLog], env: { ...process.env, JANUS_VIDEOROOM_ADMIN_KEY: JANUS_ADMIN_KEY } },
  );
  await until('the second Janus', () => accepts(JANUS_IP, OWN_JANUS_PORT));
  const config = path.join(workDir, 'conclave.toml');
  fs.writeFileSync(
    config,
    [
      '[media]',
      'mode = "janus"',
      '[[janus]]',
      `url = "${OWN_JANUS_URL}"`,
      `admin_key = "${JANUS_ADMIN_KEY}"`,
      '[[janus]]',
      `url = "${JANUS_WS_URL}"`,
      `admin_key = "${JANUS_ADMIN_KEY}"`,
      '',
    ].join('\n'),
  );
  let redisUrl: string;
  ({ url: redisUrl, redis } = await startRedis());
  for (const port of [SERVER, SECOND_SERVER]) {
    fs.rmSync(serverLog(port), { force: true });
    servers.push(await startServer(port, redisUrl, ['--config', config], () => bothJanusUp(port)));
  }
  front = await startFront(FRONT, [SERVER, SECOND_SERVER]);
});

test.afterAll(async () => {
  front?.close();
  for (const server of servers) await server.stop();
  await redis?.stop();
  await stop(ownJanus);
});

/** How many of the page's peer connections are closed (those to the lost Janus). */
function closedConnections(person: Participant): Promise<number> {
  return person.page.evaluate(
    () =>
      ((window as any).__conclaveTest.peerConnections as RTCPeerConnection[]).filter(
        (pc) => pc.connectionState === 'closed',
      ).length,
  );
}

/** Within `recoveryMs` everyone stops showing the banner and decrypts the others' new frames. */
async function expectBackWithin(people: Participant[], recoveryMs: number): Promise<void> {
  for (const [viewer, remote] of viewingPairs(people)) {
    await expect(viewer.page.getByText(RECONNECTING)).toBeHidden({ timeout: recoveryMs });
    await expect.poll(() => viewer.framesDecodedOf(remote.name), { timeout: recoveryMs }).toBeGreaterThan(0);
    await expectRising(() => viewer.framesDecodedOf(remote.name), 20);
    await expect(viewer.tileStatus(remote.name)).toHaveText('Decrypting');
  }
}

test("one meeting on two servers: losing its Janus moves it to the other one and everyone decrypts again", async ({
  newParticipant,
}) => {
  test.setTimeout(120_000);
  const alice = await newParticipant('Alice');
  const bob = await newParticipant('Bob');
  const invite = await alice.createMeeting();
  await alice.join(invite);
  // Bob reaches the second server, which carries him to the meeting's (the first).
  await bob.join(invite.replace(`:${FRONT}/`, `:${SECOND_SERVER}/`));
  await expectEveryoneDecrypting([alice, bob]);

  // The meeting is on the spec's Janus (both empty: the first listed). It crashes; the
  // server says it moved the meeting's room (the browsers follow within a second or so,
  // often before their "Reconnecting" banner has shown: not checked).
  await stop(ownJanus);
  await until('the server moving the room', async () =>
    fs.readFileSync(serverLog(SERVER), 'utf8').includes('moving SFU rooms to another Janus'),
  );
  // Without it ever coming back, the meeting goes on through the suite's Janus: the old
  // connections closed, new frames decrypted.
  await expectBackWithin([alice, bob], 20_000);
  for (const person of [alice, bob]) {
    await expect.poll(() => closedConnections(person), { timeout: 20_000 }).toBeGreaterThan(0);
  }
});
