/**
 * TURN for real (issue 16): a server configured with `ice_transport_policy = "relay"` and
 * TURN REST credentials for a real coturn (support/coturn.ts, support/turn-relay.toml).
 * Both projects run it against the relay-only server of their media mode: every peer
 * connection, to the other participant in mesh mode or to Janus, goes through coturn, so
 * neither the other participants nor the SFU ever see a participant's own address. And
 * coturn refuses credentials whose expiry has passed, or that another secret signed.
 */
import type { Browser } from '@playwright/test';
import { test, expect, expectRising, viewingPairs } from '../fixtures/meeting';
import {
  coturnLogMark,
  coturnLogSince,
  turnCredential,
  turnRequestsOf,
  TURN_RELAY_PORTS,
  type TurnServer,
} from '../support/coturn';

// The relay-only server of this project's media mode.
test.use({
  baseURL: async ({}, use, testInfo) => {
    const port = TURN_RELAY_PORTS[testInfo.project.name as keyof typeof TURN_RELAY_PORTS];
    if (port === undefined) throw new Error(`no relay-only server for project ${testInfo.project.name}`);
    await use(`http://127.0.0.1:${port}`);
  },
});

test('with relay-only ICE, two participants see and hear each other, decrypted, only through coturn', async ({
  meeting,
}, testInfo) => {
  const mark = coturnLogMark();
  const people = await meeting(['Alice', 'Bob']);

  for (const [viewer, remote] of viewingPairs(people)) {
    await expectRising(() => viewer.framesDecodedOf(remote.name), 20);
    await expect.poll(() => viewer.pictureContrastOf(remote.name)).toBeGreaterThan(10);
    // The decrypted audio's level: Chromium's fake microphone beeps.
    await expect(viewer.tile(remote.name)).toHaveAttribute('data-speaking', 'true', { timeout: 15_000 });
  }

  const now = Math.floor(Date.now() / 1000);
  const log = () => coturnLogSince(mark);
  for (const person of people) {
    const paths = await person.icePaths();
    expect(paths.length, `${person.name}'s open peer connections`).toBeGreaterThan(0);
    expect(paths.reduce((sum, path) => sum + path.bytesReceived, 0)).toBeGreaterThan(0);
    for (const path of paths) {
      // The server's policy and its minted credentials, as the app applied them.
      expect(path.policy).toBe('relay');
      expect(path.turnUsernames).toHaveLength(1);
      const [expiry] = path.turnUsernames[0].split(':').map(Number);
      expect(expiry).toBeGreaterThan(now);
      expect(expiry).toBeLessThanOrEqual(now + 600);
      // Media goes over a pair whose local end is coturn's relay (in Janus mode the
      // publisher's connection only sends), and nothing but relay candidates was ever
      // gathered, so none other was sent to the other end.
      expect(path.selectedLocalType).toBe('relay');
      expect(path.bytesSent + path.bytesReceived).toBeGreaterThan(0);
      expect(new Set(path.localTypes)).toEqual(new Set(['relay']));
      if (testInfo.project.name === 'chromium') {
        // Mesh: the other participant's addresses never reached this page either.
        expect(path.remoteTypes.filter((type) => type === 'host' || type === 'srflx')).toEqual([]);
      }
      // coturn itself allocated the relay and opened it towards the other end.
      await expect
        .poll(() => turnRequestsOf(log(), path.turnUsernames[0]))
        .toEqual(expect.arrayContaining(['ALLOCATE success', 'CREATE_PERMISSION success']));
    }
  }
});

/** What a relay-only peer connection with `server` gathered: relay candidates, and its ICE errors' codes. */
async function gatherRelay(browser: Browser, server: TurnServer): Promise<{ relay: number; errors: number[] }> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    return await page.evaluate(async (iceServer) => {
      const pc = new RTCPeerConnection({ iceServers: [iceServer], iceTransportPolicy: 'relay' });
      const found = { relay: 0, errors: [] as number[] };
      pc.onicecandidate = (event) => {
        if (event.candidate?.type === 'relay') found.relay += 1;
      };
      pc.onicecandidateerror = (event) => found.errors.push((event as RTCPeerConnectionIceErrorEvent).errorCode);
      const complete = new Promise<void>((resolve) => {
        pc.onicegatheringstatechange = () => {
          if (pc.iceGatheringState === 'complete') resolve();
        };
      });
      pc.createDataChannel('probe');
      await pc.setLocalDescription(await pc.createOffer());
      await Promise.race([complete, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      pc.close();
      return found;
    }, server);
  } finally {
    await context.close();
  }
}

test('coturn refuses expired and forged TURN credentials, and relays with fresh ones', async ({ browser }, testInfo) => {
  test.skip(testInfo.project.name !== 'chromium', 'about coturn alone: one media mode is enough');
  const mark = coturnLogMark();
  const now = Math.floor(Date.now() / 1000);
  // Signed with the right secret, as the server mints them; only the expiry differs.
  const fresh = turnCredential(now + 600, 'fresh');
  const expired = turnCredential(now - 60, 'expired');
  // A later expiry, signed with a secret coturn does not hold.
  const forged = turnCredential(now + 600, 'forged', 'not-the-shared-secret');

  // The positive control: the same construction with a future expiry is relayed.
  const withFresh = await gatherRelay(browser, fresh);
  expect(withFresh.relay).toBeGreaterThan(0);

  for (const refused of [expired, forged]) {
    const gathered = await gatherRelay(browser, refused);
    expect(gathered.relay, refused.username).toBe(0);
    expect(gathered.errors, refused.username).toContain(401);
  }
  // coturn's own account: an allocation for the fresh credential, only 401s for the others.
  const log = coturnLogSince(mark);
  expect(turnRequestsOf(log, fresh.username)).toContain('ALLOCATE success');
  for (const refused of [expired, forged]) {
    const answers = turnRequestsOf(log, refused.username);
    expect(answers.length, refused.username).toBeGreaterThan(0);
    expect(answers.filter((answer) => !answer.endsWith('error 401')), refused.username).toEqual([]);
  }
});
