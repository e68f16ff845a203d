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
import WebSocket from 'ws';

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
/** How the last Janus started here ended, when the process that started it saw it end. */
const exitFile = path.join(root, 'test-results', 'janus.exit');

/** Starts Janus and resolves once its WebSocket port accepts connections. */
export async function startJanus(): Promise<void> {
  fs.mkdirSync(configDir, { recursive: true });
  const log = fs.openSync(path.join(configDir, 'start.log'), 'a');
  const child = spawn(
    'bash',
    [path.join(root, 'scripts', 'start-janus.sh'), configDir, JANUS_INTERFACE, JANUS_IP, String(JANUS_WS_PORT)],
    {
      // In test-results, so that a core dump of a crashed Janus never lands in the source tree.
      cwd: configDir,
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, JANUS_VIDEOROOM_ADMIN_KEY: JANUS_ADMIN_KEY },
    },
  );
  child.unref();
  if (child.pid === undefined) throw new Error('Janus could not be started');
  fs.writeFileSync(pidFile, String(child.pid));
  fs.rmSync(exitFile, { force: true });
  // Heard only while the starting process lives (the runner does for the whole run).
  child.on('exit', (code, signal) => {
    fs.writeFileSync(exitFile, signal ? `killed by ${signal}` : `exited with status ${code}`);
  });
  await waitForPort(JANUS_IP, JANUS_WS_PORT, 15_000);
}

/** Stops the Janus the harness started (SIGTERM, then SIGKILL), if it runs. */
export async function stopJanus(): Promise<void> {
  const pid = readPid();
  fs.rmSync(pidFile, { force: true });
  if (pid === null) return;
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

/**
 * Whether the harness's Janus still serves the VideoRoom: it answers a session, an attach
 * and a VideoRoom `list` within `timeoutMs`. Returns why not, or null when it does. A
 * process that lives but no longer answers (a deadlock) fails this as a dead one does.
 */
export async function janusTrouble(timeoutMs = 5_000): Promise<string | null> {
  const socket = new WebSocket(JANUS_WS_URL, 'janus-protocol');
  const answers = new Map<string, (message: any) => void>();
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString());
    if (message.janus !== 'ack') answers.get(message.transaction)?.(message);
  });
  let step = 'connect';
  const request = (body: object): Promise<any> =>
    new Promise((resolve) => {
      const transaction = Math.random().toString(36).slice(2);
      answers.set(transaction, resolve);
      socket.send(JSON.stringify({ ...body, transaction }));
    });
  const conversation = async (): Promise<void> => {
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    step = 'create';
    const session = (await request({ janus: 'create' })).data.id;
    step = 'attach';
    const handle = (await request({ janus: 'attach', session_id: session, plugin: 'janus.plugin.videoroom' })).data.id;
    step = 'videoroom list';
    await request({ janus: 'message', session_id: session, handle_id: handle, body: { request: 'list' } });
    step = 'destroy';
    await request({ janus: 'destroy', session_id: session });
  };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`Janus gave no answer to "${step}" within ${timeoutMs} ms`), timeoutMs);
  });
  let trouble: string | null;
  try {
    trouble = await Promise.race([conversation().then(() => null), deadline]);
  } catch (error) {
    trouble = `Janus failed at "${step}": ${error}`;
  } finally {
    clearTimeout(timer);
    socket.terminate();
  }
  if (trouble === null) return null;
  // A process that died is the better explanation (its exit is recorded a moment later).
  await new Promise((resolve) => setTimeout(resolve, 200));
  const pid = readPid();
  if (pid !== null && fs.existsSync(exitFile)) return `Janus (pid ${pid}) ${fs.readFileSync(exitFile, 'utf8')}`;
  return trouble;
}

/** The last `lines` lines of Janus' log, for a failure message. */
export function janusLogTail(lines = 30): string {
  try {
    return fs.readFileSync(path.join(configDir, 'janus.log'), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no Janus log)';
  }
}

function readPid(): number | null {
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
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
