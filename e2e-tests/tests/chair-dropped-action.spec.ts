/**
 * The server may drop a chair's commit (denial of service, issue 13): here the commits the
 * chair's page sends never reach it (the page's WebSocket swallows them, which the chair's
 * client cannot tell from a server that drops them). The chair's page then says "That change
 * did not go through" (an alert), the meeting stays as it was for everyone, and the same
 * action works once commits get through again.
 */
import { test, expect } from '../fixtures/meeting';

test("a chair's dropped commit is reported as not gone through, and changes nothing", async ({ newParticipant }) => {
  const alice = await newParticipant('Alice');
  const bob = await newParticipant('Bob');
  // Before the app runs: outgoing commits are dropped while `__conclaveDropCommits` is set.
  await alice.context.addInitScript(() => {
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) {
      if ((window as any).__conclaveDropCommits && typeof data === 'string' && JSON.parse(data).type === 'commit') return;
      return send.call(this, data);
    };
  });
  const invite = await alice.createMeeting(undefined, 'People the chair admits');
  await alice.join(invite);
  await bob.join(invite);
  await alice.admit('Bob');
  await expect(bob.tileStatus('Alice')).toHaveText('Decrypting');
  const code = await alice.securityCode();

  await alice.page.evaluate(() => ((window as any).__conclaveDropCommits = true));
  const controls = alice.chairControls();
  await controls.getByRole('button', { name: 'Lock' }).click();
  const failed = alice.page.getByRole('alert').filter({ hasText: 'That change did not go through' });
  await expect(failed).toBeVisible();
  await expect(controls.getByTestId('lock-state')).toHaveText('Open to people you admit.');
  expect(await bob.securityCode()).toBe(code);
  expect(await alice.securityCode()).toBe(code);

  // Commits get through again: the same action works, and the alert goes.
  await alice.page.evaluate(() => ((window as any).__conclaveDropCommits = false));
  await failed.getByRole('button', { name: 'Dismiss' }).click();
  await expect(failed).toHaveCount(0);
  await controls.getByRole('button', { name: 'Lock' }).click();
  await expect(controls.getByTestId('lock-state')).toHaveText('Locked: nobody new can join.');
  await expect.poll(() => bob.securityCode()).not.toBe(code);
  await expect(failed).toHaveCount(0);
});
