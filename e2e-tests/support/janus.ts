/**
 * The real Janus (Debian package `janus`) the SFU-mode suites run against: started by the
 * global setup inside the suite's private network namespace, on the veth address, with a
 * minimal configuration written under test-results/janus by scripts/start-janus.sh, and
 * stopped by the global teardown. Tests may restart it (the reconnection scenario).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

/** Where Janus listens: the namespace's veth address (libnice ignores loopback alone). */
export const JANUS_IP = '198.18.0.1';
export const JANUS_INTERFACE = 've0';
export const JANUS_WS_PORT = 8188;
export const JANUS_WS_URL = `ws://${JANUS_IP}:${JANUS_WS_PORT}`;
/** The VideoRoom admin key: only the Conclave server may create rooms, as in production. */
export const JANUS_ADMIN_KEY = 'e2e-videoroom-admin-key';

const root = path.resolve(__dirname, '..');
const configDir = path.join(root, 'test-results', 'janus');
const pidFile = path.join(root, 'test-results', 'janus.pid');

/** Starts Janus and resolves once its WebSocket port accepts connections. */
export async function startJanus(): Promise<void> {
  fs.mkdirSync(configDir, { recursive: true });
  const log = fs.openSync(path.join(configDir, 'start.log'), 'a');
  const child = spawn(
    'bash',
    [path.join(root, 'scripts', 'start-janus.sh'), configDir, JANUS_INTERFACE, JANUS_IP, String(JANUS_WS_PORT)],
    { detached: true, stdio: ['ignore', log, log], env: { ...process.env, JANUS_VIDEOROOM_ADMIN_KEY: JANUS_ADMIN_KEY } },
  );
  child.unref();
  if (child.pid === undefined) throw new Error('Janus could not be started');
  fs.writeFileSync(pidFile, String(child.pid));
  await waitForPort(JANUS_IP, JANUS_WS_PORT, 15_000);
}

/** Stops the Janus the harness started (SIGTERM, then SIGKILL), if it runs. */
export async function stopJanus(): Promise<void> {
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
  for (let waited = 0; waited < 5_000; waited += 100) {
    if (!isRunning(pid)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
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
  throw new Error(`Janus did not open ${host}:${port} within ${timeoutMs} ms (see test-results/janus/)`);
}
