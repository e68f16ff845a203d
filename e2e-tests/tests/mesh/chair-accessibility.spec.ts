/**
 * Accessibility (issue 13): axe-core finds no WCAG 2.1 A or AA violation in the chair's knock
 * prompt (two knocks, so "Admit all" shows), the roster with its controls, and the chair
 * controls; each control is a real button with a name, reached by the keyboard. "Admit all"
 * then lets both knockers in. Mesh only: the pages are the same whichever way the media
 * travels.
 */
import { wcagViolations } from '../../fixtures/accessibility';
import { test, expect, expectEveryoneDecrypting } from '../../fixtures/meeting';

test('the knock prompt and the roster controls have no WCAG 2.1 A/AA violation', async ({ meeting, newParticipant }) => {
  const [alice, bob] = await meeting(['Alice', 'Bob'], { whoCanJoin: 'People the chair admits' });
  const dave = await newParticipant('Dave');
  const erin = await newParticipant('Erin');
  await dave.join(alice.invite);
  await erin.join(alice.invite);
  await expect(alice.knock('Dave')).toBeVisible();
  await expect(alice.knock('Erin')).toBeVisible();
  await expect(alice.page.getByTestId('knock-announcement')).toHaveText('2 people ask to join');

  const violations = await wcagViolations(
    alice.page,
    '[data-testid="knock-prompt"]',
    'section[aria-label="Participants"]',
    '[data-testid="chair-controls"]',
  );
  expect(violations).toEqual([]);

  // Every control is a named button, reachable with Tab.
  await expect(alice.rosterMember('Bob').getByRole('button', { name: 'Remove Bob' })).toBeVisible();
  await expect(alice.rosterMember('Bob').getByRole('button', { name: 'Make co-chair for Bob' })).toBeVisible();
  const admitDave = alice.knock('Dave').getByRole('button', { name: 'Admit Dave' });
  await admitDave.focus();
  await alice.page.keyboard.press('Tab');
  await expect(alice.knock('Dave').getByRole('button', { name: 'Deny Dave' })).toBeFocused();

  await alice.knockPrompt().getByRole('button', { name: 'Admit all' }).click();
  await expectEveryoneDecrypting([alice, bob, dave, erin]);
  await expect(alice.knockPrompt()).toHaveCount(0);
});
