/**
 * Languages (issue 14): the interface speaks the browser's language (English, German or
 * French), a switcher changes it and the choice is remembered; people in one meeting each
 * read it in their own. The words come from the catalogues (fixtures/catalogue.ts), and
 * each is checked to differ from the English, so that a page left in English fails. Mesh
 * only: the pages are the same whichever way the media travels.
 */
import type { Page } from '@playwright/test';
import { wcagViolations } from '../../fixtures/accessibility';
import { words, type LanguageCode } from '../../fixtures/catalogue';
import { test, expect } from '../../fixtures/meeting';
import type { Participant } from '../../fixtures/participant';

/** `id` in `language`, after checking that it is not the English words. */
function foreign(language: LanguageCode, id: string, variables: Record<string, string> = {}): string {
  const text = words(language, id, variables);
  expect(text, `${id} is translated into ${language}`).not.toEqual(words('en', id, variables));
  return text;
}

/** The home page shows `language`: its `lang`, and its "New meeting" button. */
async function expectHomeIn(page: Page, language: LanguageCode): Promise<void> {
  await expect(page.locator('html')).toHaveAttribute('lang', language);
  await expect(page.getByRole('button', { name: words(language, 'home-new-meeting') })).toBeVisible();
}

/** Creates an open meeting and joins it, in `language`'s words only; returns the link. */
async function createAndJoin(person: Participant, language: LanguageCode): Promise<string> {
  const page = person.page;
  await page.goto('/');
  await page
    .getByRole('group', { name: foreign(language, 'home-who-can-join') })
    .getByLabel(foreign(language, 'home-admission-open'))
    .check();
  await page.getByRole('button', { name: foreign(language, 'home-new-meeting') }).click();
  await expect(page).toHaveURL(/\/m\//);
  const invite = page.url();
  await joinIn(person, language, invite);
  return invite;
}

async function joinIn(person: Participant, language: LanguageCode, invite: string): Promise<void> {
  const page = person.page;
  if (page.url() !== invite) await page.goto(invite);
  await page.getByLabel(foreign(language, 'lobby-your-name')).fill(person.name);
  await page.getByRole('button', { name: foreign(language, 'lobby-join-meeting') }).click();
  await expect(page.getByRole('button', { name: foreign(language, 'controls-leave') })).toBeVisible();
}

test('the interface speaks the browser’s language; the switcher changes it and it is remembered', async ({
  newParticipant,
}) => {
  const anna = await newParticipant('Anna', { locale: 'de-CH' });
  await anna.page.goto('/');
  await expectHomeIn(anna.page, 'de');
  await expect(anna.page.getByRole('button', { name: 'New meeting' })).toHaveCount(0);

  await anna.page.getByLabel(foreign('de', 'language-label')).selectOption('fr');
  await expectHomeIn(anna.page, 'fr');
  expect(await wcagViolations(anna.page)).toEqual([]);
  await anna.page.reload();
  await expectHomeIn(anna.page, 'fr');

  // A language the app does not speak gets English.
  const pietro = await newParticipant('Pietro', { locale: 'it-IT' });
  await pietro.page.goto('/');
  await expectHomeIn(pietro.page, 'en');
});

test('a German and a French participant meet, each in their own language', async ({ newParticipant }) => {
  const anna = await newParticipant('Anna', { locale: 'de-DE' });
  const louis = await newParticipant('Louis', { locale: 'fr-FR' });
  const invite = await createAndJoin(anna, 'de');
  await joinIn(louis, 'fr', invite);

  // Each sees the other decrypted, in their own words.
  await expect(anna.tileStatus('Louis')).toHaveText(foreign('de', 'tile-status-decrypting'));
  await expect(louis.tileStatus('Anna')).toHaveText(foreign('fr', 'tile-status-decrypting'));
  await expect(anna.page.getByRole('button', { name: foreign('de', 'media-toggles-mute-microphone') })).toBeVisible();

  // Louis mutes; Anna's page tells her in German, Louis's own button speaks French.
  await louis.page.getByRole('button', { name: foreign('fr', 'media-toggles-mute-microphone') }).click();
  await expect(louis.page.getByRole('button', { name: foreign('fr', 'media-toggles-unmute-microphone') })).toBeVisible();
  await expect(anna.tile('Louis')).toContainText(foreign('de', 'tile-muted'));

  // Anna's screen reader heard Louis arrive; his name sits apart from the German words
  // around it (a right-to-left name could not reorder them).
  const announcement = anna.page.getByTestId('announcement');
  await expect(announcement).toContainText('Louis');
  await expect(announcement).toContainText('Besprechung');
  await expect(announcement.locator('bdi')).toHaveText('Louis');

  // Switching language mid-meeting rewords the page and keeps the meeting, without
  // reading the last announcement again in English.
  await anna.page.getByLabel(foreign('de', 'language-label')).selectOption('en');
  await expect(anna.tileStatus('Louis')).toHaveText('Decrypting');
  await expect(anna.tile('Louis')).toContainText('Muted');
  await expect(anna.page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(announcement).toHaveText('');
  // The next one is heard, in English.
  await louis.page.getByRole('button', { name: foreign('fr', 'controls-raise-hand') }).click();
  await expect(announcement).toHaveText(words('en', 'announcement-hand-raised', { name: 'Louis' }));
});

test('a page whose app cannot start says so in the browser’s language', async ({ newParticipant }) => {
  const anna = await newParticipant('Anna', { locale: 'de-DE' });
  await anna.page.route('**/pkg/client_bg.wasm', (route) => route.fulfill({ status: 404, body: '' }));
  await anna.page.goto('/');
  await expect(anna.page.getByRole('alert')).toContainText(foreign('de', 'boot-failed'));
  await expect(anna.page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(anna.page.getByRole('alert').locator('code[lang="en"]')).not.toBeEmpty();
});
