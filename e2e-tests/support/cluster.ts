/**
 * Several Conclave servers behind one address (issue 16): a real Redis (Debian
 * `redis-server`) on a Unix socket under test-results, two `conclave-server` processes
 * sharing rooms through it, and a front: a TCP proxy that sends every connection to the
 * first server that accepts it, as a load balancer with health checks would. Killing a
 * server (SIGKILL: a crash, nothing said to anyone) moves every new connection to the other.
 * The suite's own servers (playwright.config.ts) are not used.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const workDir = path.resolve(__dirname, '..', 'test-results', 'cluster');

/** A process the cluster started; `stop` kills it (SIGKILL) and waits for its end. */
export interface Running {
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

function running(child: ChildProcess): Running {
  const ended = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await ended;
    },
  };
}

async function waitFor(what: string, ready: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`${what} did not start within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The log file of the server on `port`. */
export function serverLog(port: number): string {
  return path.join(workDir, `server-${port}.log`);
}

/** Starts redis-server on a socket in test-results/cluster; resolves with its URL. */
export async function startRedis(): Promise<{ url: string; redis: Running }> {
  fs.mkdirSync(workDir, { recursive: true });
  const socket = path.join(workDir, 'redis.sock');
  fs.rmSync(socket, { force: true });
  const child = spawn(
    'redis-server',
    ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--save', '', '--appendonly', 'no', '--dir', workDir],
    { stdio: 'ignore' },
  );
  await waitFor('redis-server', async () => fs.existsSync(socket));
  return { url: `unix://${socket}`, redis: running(child) };
}

/**
 * Starts one conclave-server on `port` sharing rooms through the Redis at `redisUrl` (null:
 * a server on its own), with `extraArgs` (a `--config` file, say), and resolves once `ready`
 * (by default: `/healthz` says ready).
 */
export async function startServer(
  port: number,
  redisUrl: string | null,
  extraArgs: string[] = [],
  ready: () => Promise<boolean> = async () =>
    (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status === 200,
): Promise<Running> {
  fs.mkdirSync(workDir, { recursive: true });
  const log = fs.openSync(serverLog(port), 'a');
  const child = spawn(
    `${root}/target/debug/conclave-server`,
    [
      '--listen',
      `127.0.0.1:${port}`,
      '--www-dir',
      `${root}/target/www-test`,
      ...(redisUrl === null ? [] : ['--redis-url', redisUrl]),
      ...extraArgs,
    ],
    { stdio: ['ignore', log, log] },
  );
  await waitFor(`conclave-server on ${port}`, ready, 20_000);
  return running(child);
}

/**
 * The one address: a TCP proxy on `port` that connects each client to the first of
 * `backends` (ports on 127.0.0.1) that accepts, and pipes both ways.
 */
export async function startFront(port: number, backends: number[]): Promise<net.Server> {
  const connectFirst = (client: net.Socket, remaining: number[]): void => {
    const [next, ...rest] = remaining;
    if (next === undefined) {
      client.destroy();
      return;
    }
    const backend = net.connect(next, '127.0.0.1');
    // An error before `connect`: this server is down, try the next.
    backend.once('error', () => {
      backend.destroy();
      connectFirst(client, rest);
    });
    backend.once('connect', () => {
      backend.removeAllListeners('error');
      backend.on('error', () => client.destroy());
      client.on('error', () => backend.destroy());
      client.pipe(backend);
      backend.pipe(client);
    });
  };
  const front = net.createServer((client) => {
    client.pause();
    connectFirst(client, backends);
  });
  await new Promise<void>((resolve) => front.listen(port, '127.0.0.1', resolve));
  return front;
}
