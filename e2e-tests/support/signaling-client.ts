/**
 * A bare signaling-protocol client for tests that play someone other than a Conclave
 * browser: a script that speaks the server's WebSocket protocol and nothing else.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import WebSocket from 'ws';

export type ServerMessage = { type: string; [field: string]: unknown };

/**
 * `PROTOCOL_VERSION` in protocol/src/lib.rs: the server admits only clients of its own. Read
 * from the source, so that a version bump cannot leave this client behind (as 5 did at 6).
 */
export const PROTOCOL_VERSION = protocolVersionOfTheSource();

function protocolVersionOfTheSource(): number {
  const source = readFileSync(path.resolve(__dirname, '../../protocol/src/lib.rs'), 'utf8');
  const version = /pub const PROTOCOL_VERSION: u32 = (\d+);/.exec(source)?.[1];
  if (version === undefined) throw new Error('protocol/src/lib.rs declares no PROTOCOL_VERSION');
  return Number(version);
}

export class SignalingClient {
  readonly received: ServerMessage[] = [];
  private waiters: { match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];

  /** The close code, once the server (or this side) closed the socket. */
  readonly closed: Promise<number>;

  private constructor(private readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => socket.once('close', (code: number) => resolve(code)));
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      this.received.push(message);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.match(message)) return true;
        waiter.resolve(message);
        return false;
      });
    });
  }

  /** Connects to the room of an invite link (the fragment is never sent). */
  static async connect(baseURL: string, inviteLink: string): Promise<SignalingClient> {
    const roomId = new URL(inviteLink).pathname.split('/').pop();
    const url = `${baseURL.replace(/^http/, 'ws')}/ws/${roomId}`;
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new SignalingClient(socket);
  }

  send(message: object): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Joins the room as a client of this protocol version does (no name: the server learns none). */
  join(): void {
    this.send({ type: 'join', protocol: PROTOCOL_VERSION });
  }

  /** The first message (already received or still to come) of the given type. */
  next(type: string, timeoutMs = 10_000): Promise<ServerMessage> {
    const seen = this.received.find((message) => message.type === type);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no '${type}' message within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        match: (message) => message.type === type,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
      });
    });
  }

  close(): void {
    this.socket.close();
  }
}

/** Unpadded base64url, as the protocol carries bytes. */
export function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}
