/**
 * Identity: each browser keeps one signature key (IndexedDB), so a person is recognised
 * across meetings: a key met in an earlier meeting is marked "seen before"; a new key is not.
 */
import { test, expect } from '../fixtures/meeting';

test('a key met in an earlier meeting is marked seen before, a new one is not', async ({ newParticipant }) => {
  const alice = await newParticipant('Alice');
  const bob = await newParticipant('Bob');

  const first = await alice.createMeeting();
  await alice.join(first);
  await bob.join(first);
  const bobInFirst = alice.roster().filter({ hasText: 'Bob' });
  await expect(bobInFirst).toHaveCount(1);
  await expect(bobInFirst).not.toContainText('seen before');
  const bobsFingerprint = await bob.roster().filter({ hasText: 'Bob (you)' }).textContent();
  await bob.page.getByRole('button', { name: 'Leave' }).click();
  await alice.page.getByRole('button', { name: 'Leave' }).click();

  // A second meeting, same two browsers, plus someone new.
  const carol = await newParticipant('Carol');
  const second = await alice.createMeeting();
  await alice.join(second);
  await bob.join(second);
  await carol.join(second);
  await expect(alice.roster()).toHaveCount(3);
  await expect(alice.roster().filter({ hasText: 'Bob' })).toContainText('seen before');
  await expect(alice.roster().filter({ hasText: 'Carol' })).not.toContainText('seen before');
  // The same key, so the same fingerprint, as in the first meeting.
  const fingerprint = bobsFingerprint?.match(/([0-9a-f]{4} ){3}[0-9a-f]{4}/)?.[0];
  expect(fingerprint).toBeTruthy();
  await expect(alice.roster().filter({ hasText: 'Bob' })).toContainText(fingerprint!);
});
