/**
 * Headless meeting members (`conclave-headless-members`, the `headless` crate): processes
 * that join a meeting from its invite link with the page's own MLS group code and
 * signaling, without media, so that a scenario can fill a meeting with more members than
 * Chromium instances fit on this machine. Each line the process prints is one event of one
 * member (headless/src/member/state.rs `MemberReport`), kept here in order; `leave(k)` makes
 * member k leave, `stop()` makes all leave and waits for the process to exit.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';

const root = path.resolve(__dirname, '..', '..');

/** One line of the process: `event` says which; `member` is the member's number (from 1). */
export interface MemberEvent {
  event: string;
  member?: number;
  /** Wall-clock time the process printed it (comparable with the pages' Date.now()). */
  unix_ms: number;
  participant?: number;
  epoch?: number | null;
  members?: number;
  roster?: number[];
  security_code?: string;
  elapsed_ms?: number;
  bytes?: number;
  welcome_bytes?: number | null;
  added?: number;
  removed?: number;
  error?: string;
  reason?: string;
  status?: string;
}

/**
 * The members' binary: `cargo xtask test` builds it with the optimised `headless` profile
 * (Cargo.toml; a debug build is too slow for dozens of members on two cores).
 */
export function headlessMembersBinary(): string {
  const binary = path.join(root, 'target', 'headless', 'conclave-headless-members');
  if (!fs.existsSync(binary)) {
    throw new Error(
      `no ${binary}: run \`cargo build -p conclave-headless --bin conclave-headless-members --profile headless\``,
    );
  }
  return binary;
}

/** How the members join. */
export interface HeadlessOptions {
  /** Display names are this prefix and the member's number ("Headless 7"). */
  namePrefix?: string;
  /** All at once rather than each after the previous became a member. */
  allAtOnce?: boolean;
}

/** One `conclave-headless-members` process and everything it printed. */
export class HeadlessMembers {
  readonly events: MemberEvent[] = [];
  private readonly exited: Promise<number | null>;
  private readonly errors: string[] = [];

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        this.events.push(JSON.parse(line) as MemberEvent);
      } catch {
        this.errors.push(`not JSON: ${line}`);
      }
    });
    readline.createInterface({ input: child.stderr }).on('line', (line) => this.errors.push(line));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  /** Starts `count` members of the meeting behind `inviteLink`. */
  static start(inviteLink: string, count: number, options: HeadlessOptions = {}): HeadlessMembers {
    const args = ['--link', inviteLink, '--count', String(count)];
    if (options.namePrefix !== undefined) args.push('--name-prefix', options.namePrefix);
    if (options.allAtOnce === true) args.push('--all-at-once');
    // stdin stays open: its end makes every member leave.
    const child = spawn(headlessMembersBinary(), args, { stdio: ['pipe', 'pipe', 'pipe'] });
    return new HeadlessMembers(child);
  }

  /** The events of member `k` (from 1) named `event`, oldest first. */
  of(k: number, event: string): MemberEvent[] {
    return this.events.filter((e) => e.member === k && e.event === event);
  }

  /** Every event named `event`, oldest first. */
  all(event: string): MemberEvent[] {
    return this.events.filter((e) => e.event === event);
  }

  /** The last epoch member `k` reported (joined or a later epoch), or null before it joined. */
  lastEpochOf(k: number): MemberEvent | null {
    const seen = this.events.filter((e) => e.member === k && (e.event === 'joined' || e.event === 'epoch'));
    return seen.length === 0 ? null : seen[seen.length - 1];
  }

  /** Members that failed or whose meeting ended (removed, denied...): none should. */
  failures(): MemberEvent[] {
    return this.events.filter((e) => e.event === 'failed' || e.event === 'ended');
  }

  /** Failures, re-syncs, refusals and anything on stderr: what a failed test should show. */
  troubles(): string[] {
    const reported = this.events
      .filter((e) => ['failed', 'ended', 'resynced', 'server_refused'].includes(e.event))
      .map((e) => JSON.stringify(e));
    return [...reported, ...this.errors];
  }

  /** Member `k` leaves. */
  leave(k: number): void {
    this.child.stdin.write(`leave ${k}\n`);
  }

  /** Every member leaves; resolves with the exit code once the process ended (killed after 15 s). */
  async stop(): Promise<number | null> {
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}
