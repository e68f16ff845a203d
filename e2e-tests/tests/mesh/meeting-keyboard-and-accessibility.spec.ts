/**
 * The meeting by keyboard, and its accessibility (issue 14). Mesh only: the pages are the
 * same whichever way the media travels.
 * - axe-core finds no WCAG 2.1 A/AA violation on the home page, the lobby (with its device
 *   pickers), the meeting with the chat and the roster open, and the shortcuts and settings
 *   dialogs;
 * - with the keyboard alone a person creates a meeting, joins, opens the shortcuts, chats,
 *   mutes and leaves;
 * - a server that alters the members' messages gets them shown as undecryptable, never as
 *   anyone's words.
 */
import { wcagViolations } from '../../fixtures/accessibility';
import { test, expect, expectEveryoneDecrypting } from '../../fixtures/meeting';
import { armHostile, hostileRoomStatus } from '../../fixtures/hostile-server';

test('home, lobby, meeting with chat and roster, and the shortcuts and settings dialogs have no WCAG 2.1 A/AA violation', async ({
  newParticipant,
}) => {
  const alice = await newParticipant('Alice');
  const bob = await newParticipant('Bob');
  await alice.page.goto('/');
  expect(await wcagViolations(alice.page)).toEqual([]);
  const invite = await alice.createMeeting();
  await expect(alice.page.getByLabel('Your name')).toBeVisible();
  expect(await wcagViolations(alice.page)).toEqual([]);
  await alice.join(invite);
  await bob.join(invite);
  await expectEveryoneDecrypting([alice, bob]);
  await bob.sendChat('Can you hear me?');
  await alice.openChat();
  await expect(alice.chatEntry('Bob', 'Can you hear me?')).toBeVisible();
  await expect(alice.roster()).toHaveCount(2);
  expect(await wcagViolations(alice.page)).toEqual([]);

  await alice.page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  const dialog = alice.page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(dialog).toBeVisible();
  expect(await wcagViolations(alice.page, 'dialog[open]')).toEqual([]);
  await alice.page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  await alice.page.getByRole('button', { name: 'Settings' }).click();
  const settings = alice.page.getByRole('dialog', { name: 'Settings' });
  await expect(settings.getByLabel('Camera', { exact: true })).toBeVisible();
  expect(await wcagViolations(alice.page, 'dialog[open]')).toEqual([]);
  await alice.page.keyboard.press('Escape');
  await expect(settings).toBeHidden();
});

test('with the keyboard alone a person creates a meeting, joins, chats, mutes and leaves', async ({ newParticipant }) => {
  const alice = await newParticipant('Alice');
  const bob = await newParticipant('Bob');
  const page = alice.page;
  await page.goto('/');

  /** Presses Tab until the `name`d control has the focus (at most 40 times). */
  async function tabTo(role: 'button' | 'textbox', name: string | RegExp): Promise<void> {
    const target = page.getByRole(role, { name });
    for (let i = 0; i < 40; i++) {
      if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`Tab never reached the ${role} ${String(name)}`);
  }

  await tabTo('button', 'New meeting');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/m\//);
  const invite = page.url();
  await tabTo('textbox', 'Your name');
  await page.keyboard.type('Alice');
  await tabTo('button', /^Join/);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Leave' })).toBeVisible();
  // The meeting admits people by default: Alice lets Bob in from the keyboard.
  await bob.join(invite);
  await expect(alice.knock('Bob')).toBeVisible();
  await tabTo('button', 'Admit Bob');
  await page.keyboard.press('Enter');
  await expectEveryoneDecrypting([alice, bob]);

  // "?" shows the shortcuts; Escape closes them.
  await page.locator('body').press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeHidden();

  // "C" opens the chat with the cursor in its field; a typed "m" is text, not a shortcut.
  await page.locator('body').press('c');
  const field = alice.chat().getByLabel('Message to everyone');
  await expect(field).toBeFocused();
  await page.keyboard.type('my mic works');
  await page.keyboard.press('Enter');
  await expect(bob.page.getByTestId('unread-badge')).toHaveText('1');
  await expect(page.getByRole('button', { name: 'Mute microphone' })).toBeVisible();

  // Out of the field, "M" mutes: Bob's tile of Alice says so.
  await page.keyboard.press('Tab');
  await page.keyboard.press('m');
  await expect(page.getByRole('button', { name: 'Unmute microphone' })).toBeVisible();
  await expect(bob.tile('Alice')).toContainText('Muted');

  // Shift+L leaves.
  await page.keyboard.press('Shift+L');
  await expect(page.getByRole('button', { name: 'Leave' })).toHaveCount(0);
  await expect(bob.tile('Alice')).toHaveCount(0);
});

test('a server that alters the members’ messages gets them shown as undecryptable, never as anyone’s words', async ({
  newParticipant,
  request,
}) => {
  const alice = await newParticipant('Alice');
  const bob = await newParticipant('Bob');
  const invite = await alice.createMeeting();
  await armHostile(request, invite, { tamper_messages: true });
  await alice.join(invite);
  await bob.join(invite);
  await expectEveryoneDecrypting([alice, bob]);

  // Media state sent at the join was tampered with already; the chat message adds to it.
  await bob.openChat();
  const tampered = async () => (await hostileRoomStatus(request, invite)).tampered_messages;
  const undecryptable = bob.chat().getByTestId('chat-undecryptable');
  await expect.poll(tampered).toBeGreaterThan(0);
  const before = await tampered();
  const shownBefore = (await undecryptable.count()) === 0 ? '' : await undecryptable.innerText();
  await alice.sendChat('Meet at nine');
  await expect.poll(tampered).toBeGreaterThan(before);
  await expect(undecryptable).toContainText('could not be decrypted');
  await expect(undecryptable).not.toHaveText(shownBefore);
  await expect(bob.chat()).not.toContainText('Meet at nine');
  await expect(bob.chat().locator('li[data-author="Alice"]')).toHaveCount(0);
  // The media is untouched: only the messages were altered.
  await expect(bob.tileStatus('Alice')).toHaveText('Decrypting');
});
