/**
 * The real coturn (Debian package `coturn`) the relay-only suites run against: started by
 * the global setup inside the suite's private network namespace, on the veth address, with
 * TURN REST credentials only (`use-auth-secret`), from a configuration that
 * scripts/start-coturn.sh writes under test-results/coturn, and stopped by the global
 * teardown. The Conclave servers of playwright.config.ts that mint credentials for it share
 * its secret (`COTURN_SECRET`); tests mint their own, good and bad, with `turnCredential`.
 */
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

/** Where coturn listens and relays: the namespace's veth address, as Janus. */
export const COTURN_IP = '198.18.0.1';
export const COTURN_PORT = 3478;
/** The TURN URL participants get (UDP: the path a browser prefers). */
export const COTURN_URL = `turn:${COTURN_IP}:${COTURN_PORT}?transport=udp`;
/** The TURN REST shared secret; the servers in playwright.config.ts mint with it. */
export const COTURN_SECRET = 'e2e-coturn-shared-secret';
/**
 * The ports of the Conclave servers that give coturn credentials and the relay-only policy
 * (support/turn-relay.toml), by the Playwright project whose media mode they share.
 */
export const TURN_RELAY_PORTS = { chromium: 8092, janus: 8093 } as const;

const root = path.resolve(__dirname, '..');
const configDir = path.join(root, 'test-results', 'coturn');
const pidFile = path.join(root, 'test-results', 'coturn.pid');
const logFile = path.join(configDir, 'turnserver.log');

/** An RTCIceServer for coturn, with TURN REST credentials that expire at `expiry` (Unix seconds). */
export interface TurnServer {
  urls: string[];
  username: string;
  credential: string;
}

/**
 * TURN REST credentials (draft-uberti-behave-turn-rest-00 section 2.2) as Conclave's server
 * mints them: user name `EXPIRY:NAME`, password base64(HMAC-SHA1(secret, user name)).
 */
export function turnCredential(expiry: number, name: string, secret = COTURN_SECRET): TurnServer {
  const username = `${expiry}:${name}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { urls: [COTURN_URL], username, credential };
}

/** Starts coturn and resolves once its TURN port accepts TCP connections. */
export async function startCoturn(): Promise<void> {
  fs.mkdirSync(configDir, { recursive: true });
  const log = fs.openSync(path.join(configDir, 'start.log'), 'a');
  const child = spawn(
    'bash',
    [path.join(root, 'scripts', 'start-coturn.sh'), configDir, COTURN_IP, String(COTURN_PORT)],
    {
      cwd: configDir,
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, COTURN_SECRET },
    },
  );
  child.unref();
  if (child.pid === undefined) throw new Error('coturn could not be started');
  fs.writeFileSync(pidFile, String(child.pid));
  await waitForPort(COTURN_IP, COTURN_PORT, 10_000);
}

/** Stops the coturn the harness started (SIGTERM, then SIGKILL), if it runs. */
export async function stopCoturn(): Promise<void> {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8'));
  } catch {
    return;
  }
  fs.rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let waited = 0; waited < 3_000; waited += 100) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Where coturn's log ends now: `coturnLogSince(mark)` reads what it wrote after. */
export function coturnLogMark(): number {
  try {
    return fs.statSync(logFile).size;
  } catch {
    return 0;
  }
}

/** What coturn logged since `mark` (see `coturnLogMark`). */
export function coturnLogSince(mark: number): string {
  try {
    return fs.readFileSync(logFile).subarray(mark).toString('utf8');
  } catch {
    return '';
  }
}

/**
 * The TURN requests in `log` (see `coturnLogSince`) coturn answered for `username`, as
 * "METHOD success" or "METHOD error CODE" (for example "ALLOCATE success", "CHANNEL_BIND
 * success"; a request refused before its method is read is "message error 401"), from its
 * verbose lines `user <USERNAME>: incoming packet METHOD processed, ...`.
 */
export function turnRequestsOf(log: string, username: string): string[] {
  const requests: string[] = [];
  const line = /user <([^>]*)>: incoming packet (\w+) processed, (success|error \d+)/g;
  for (const match of log.matchAll(line)) {
    if (match[1] === username) requests.push(`${match[2]} ${match[3]}`);
  }
  return requests;
}

async function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host, port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`coturn did not open ${host}:${port} within ${timeoutMs} ms (see test-results/coturn/)`);
}
