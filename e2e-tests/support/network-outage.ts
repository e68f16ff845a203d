/**
 * A network outage inside the suite's private namespace: every packet through loopback is
 * held back, except TCP to and from the servers (signaling and Janus), so that the media
 * paths fail while the meeting's signaling goes on. Every address of the namespace is
 * local, so all traffic between the browsers crosses loopback.
 *
 * The kernel here has HTB and the u32 classifier but no drop action: unmatched packets go
 * to a class of 8 bit/s with a queue of one, which holds nothing back for long and lets
 * next to nothing through.
 */
import { execFileSync } from 'node:child_process';

/** TCP ports that keep working: both Conclave servers and Janus (playwright.config.ts). */
const SERVER_PORTS = [8090, 8091, 8188];

function tc(...args: string[]): void {
  execFileSync('tc', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * Starts the outage. Specs use the `networkOutage` fixture (fixtures/meeting.ts), which ends
 * it after the test however the test ended (a failed expectation, a timeout).
 */
export function cutMediaPaths(): void {
  restoreMediaPaths();
  try {
    holdBackAllButServers();
  } catch (error) {
    restoreMediaPaths();
    throw error;
  }
}

function holdBackAllButServers(): void {
  tc('qdisc', 'add', 'dev', 'lo', 'root', 'handle', '1:', 'htb', 'default', '20');
  tc('class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '10gbit');
  tc('class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:20', 'htb', 'rate', '8bit', 'ceil', '8bit');
  tc('qdisc', 'add', 'dev', 'lo', 'parent', '1:20', 'handle', '20:', 'pfifo', 'limit', '1');
  for (const port of SERVER_PORTS) {
    for (const end of ['sport', 'dport']) {
      tc('filter', 'add', 'dev', 'lo', 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32',
        'match', 'ip', 'protocol', '6', '0xff', 'match', 'ip', end, String(port), '0xffff', 'flowid', '1:10');
    }
  }
}

/**
 * The opposite outage: only TCP to and from `port` (a Conclave server's) is held back, so its
 * WebSockets stall as after a laptop's sleep, while the media paths go on. Ended by
 * `restoreMediaPaths`.
 */
export function stallServerPort(port: number): void {
  restoreMediaPaths();
  try {
    tc('qdisc', 'add', 'dev', 'lo', 'root', 'handle', '1:', 'htb', 'default', '10');
    tc('class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '10gbit');
    tc('class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:20', 'htb', 'rate', '8bit', 'ceil', '8bit');
    tc('qdisc', 'add', 'dev', 'lo', 'parent', '1:20', 'handle', '20:', 'pfifo', 'limit', '1');
    for (const end of ['sport', 'dport']) {
      tc('filter', 'add', 'dev', 'lo', 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32',
        'match', 'ip', 'protocol', '6', '0xff', 'match', 'ip', end, String(port), '0xffff', 'flowid', '1:20');
    }
  } catch (error) {
    restoreMediaPaths();
    throw error;
  }
}

/** Ends the outage (also when none was started). */
export function restoreMediaPaths(): void {
  try {
    tc('qdisc', 'del', 'dev', 'lo', 'root');
  } catch {
    // No outage to end.
  }
}
