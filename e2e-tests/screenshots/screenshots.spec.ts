/**
 * The screenshots in docs/screenshots/ (linked from the README): home, lobby, and a meeting of
 * four (grid and speaker view, chat open), at 1280x800 and at a phone's 390x844. Not a test:
 * run with `--project=screenshots` (docs/screenshots/README.md).
 */
import * as path from 'node:path';
import { test, expect, expectEveryoneDecrypting } from '../fixtures/meeting';

const OUT = path.resolve(__dirname, '../../docs/screenshots');
const SIZES = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
];

test('screenshots of home, lobby and a meeting of four', async ({ newParticipant }) => {
  test.setTimeout(180_000);
  const people = [];
  for (const name of ['Alice', 'Bob', 'Carol', 'Dave']) people.push(await newParticipant(name));
  const [alice, bob] = people;
  const page = alice.page;
  const shoot = async (what: string) => {
    for (const size of SIZES) {
      await page.setViewportSize({ width: size.width, height: size.height });
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${OUT}/${what}-${size.name}.png` });
    }
  };

  await page.goto('/');
  await shoot('home');
  const invite = await alice.createMeeting();
  await expect(page.getByLabel('Your name')).toBeVisible();
  await page.getByLabel('Your name').fill('Alice');
  await expect(page.getByTestId('microphone-level')).toBeVisible();
  await shoot('lobby');
  for (const person of people) await person.join(invite);
  await expectEveryoneDecrypting(people);
  await bob.sendChat('Shall we start with the budget?');
  await alice.sendChat('Yes. Everyone, please check the security code first.');
  await people[2].page.getByRole('button', { name: 'Raise hand' }).click();
  await expect(alice.tile('Carol')).toContainText('Hand raised');
  await page.setViewportSize({ width: 1280, height: 800 });
  await shoot('meeting-grid');
  await page.getByRole('button', { name: 'Speaker view' }).click();
  await expect(page.locator('.tile-stage')).toHaveCount(1);
  await shoot('meeting-speaker');
});
