/**
 * Enrollment (issue 17): a person opens their organisation's enrollment link, makes a
 * request for this browser's key, the administrator issues a certificate with the real
 * `conclave-admin` (support/conclave-admin.ts; `cargo build -p conclave-admin` first), and
 * the person imports the chain: the page says who the organisation vouches for, and keeps
 * it across reloads until it is removed. A chain for another browser's key, one from
 * another organisation under an organisation's link, text that is no chain and a damaged
 * link are refused, each with its reason. A database of version 1 (before certificates)
 * becomes version 2 with the key and the keys met kept. Mesh only: the page has no media.
 */
import { X509Certificate } from 'node:crypto';
import { wcagViolations } from '../../fixtures/accessibility';
import { words } from '../../fixtures/catalogue';
import { test, expect } from '../../fixtures/meeting';
import { OrganisationCa } from '../../support/conclave-admin';

let ministry: OrganisationCa;
let agency: OrganisationCa;

test.beforeAll(() => {
  ministry = OrganisationCa.create('Ministry of Example');
  agency = OrganisationCa.create('Agency of Elsewhere');
});

test.afterAll(() => {
  ministry?.remove();
  agency?.remove();
});

/** Four groups of four hex digits, as the page shows a key's fingerprint. */
const SHORT_FINGERPRINT = /([0-9a-f]{4} ){3}[0-9a-f]{4}/;

test('a person enrolls with the link, and the certificate is kept until removed', async ({ newParticipant }) => {
  const ada = await newParticipant('Ada');
  const page = ada.page;
  await page.goto(`/enroll#org=${ministry.pin()}`);
  await expect(page.getByRole('heading', { name: words('en', 'enroll-title') })).toBeVisible();
  await expect(page.getByTestId('enroll-organisation')).toContainText(ministry.pin().slice(0, 4));
  await expect(page.getByTestId('enroll-fingerprint')).toContainText(SHORT_FINGERPRINT);

  await page.getByLabel('Your name').fill('Ada Lovelace');
  await page.getByRole('button', { name: 'Make enrollment request' }).click();
  const requestArea = page.getByTestId('enroll-request');
  await expect(requestArea).toHaveValue(/^-----BEGIN CERTIFICATE REQUEST-----\n[\s\S]+-----END CERTIFICATE REQUEST-----\n?$/);
  const request = await requestArea.inputValue();
  await expect(page.getByText(words('en', 'enroll-send-request'))).toBeVisible();

  await page.getByRole('button', { name: 'Copy' }).click();
  await expect(page.getByRole('status').filter({ hasText: words('en', 'enroll-copied') })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(request);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download' }).click();
  expect((await download).suggestedFilename()).toBe('conclave-enrollment-request.pem');

  const chain = ministry.issue(request, { name: 'Ada Lovelace', role: 'Delegate DE', email: 'ada@example.org' });
  await page.getByLabel('Certificate from your administrator').fill(chain);
  await page.getByRole('button', { name: 'Import certificate' }).click();
  const verified = words('en', 'enroll-verified', {
    organisation: 'Ministry of Example',
    name: 'Ada Lovelace',
    role: 'Delegate DE',
  });
  const status = page.getByTestId('enroll-status');
  await expect(status).toHaveText(verified);
  await expect(page.getByTestId('enroll-error')).toHaveCount(0);
  await expect(page.getByText(/^Valid until /)).toBeVisible();
  expect(await wcagViolations(page)).toEqual([]);

  // Kept beside the key: a reload shows it first.
  await page.reload();
  await expect(status).toHaveText(verified);
  await expect(page.getByRole('button', { name: 'Remove certificate' })).toBeVisible();

  await page.getByRole('button', { name: 'Remove certificate' }).click();
  await expect(status).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: words('en', 'enroll-removed') })).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('enroll-fingerprint')).toContainText(SHORT_FINGERPRINT);
  await expect(status).toHaveCount(0);
});

test('a chain issued for another browser\'s key is refused, and says why', async ({ newParticipant }) => {
  const ada = await newParticipant('Ada');
  const mallory = await newParticipant('Mallory');
  await mallory.page.goto('/enroll');
  await mallory.page.getByTestId('enroll-name').fill('Mallory');
  await mallory.page.getByTestId('enroll-make-request').click();
  const mallorysChain = ministry.issue(await mallory.page.getByTestId('enroll-request').inputValue(), {
    name: 'Mallory',
  });

  const page = ada.page;
  await page.goto('/enroll');
  await expect(page.getByTestId('enroll-fingerprint')).toContainText(SHORT_FINGERPRINT);
  await page.getByTestId('enroll-import').fill(mallorysChain);
  await page.getByTestId('enroll-import-button').click();
  await expect(page.getByTestId('enroll-error')).toHaveText(words('en', 'enroll-refusal-key-mismatch'));
  await expect(page.getByTestId('enroll-status')).toHaveCount(0);
  expect(await wcagViolations(page)).toEqual([]);

  // Text that is no chain at all, and nothing at all.
  await page.getByTestId('enroll-import').fill('-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n');
  await page.getByTestId('enroll-import-button').click();
  await expect(page.getByTestId('enroll-error')).toHaveText(words('en', 'enroll-refusal-malformed'));
  await page.getByTestId('enroll-import').fill('');
  await page.getByTestId('enroll-import-button').click();
  await expect(page.getByTestId('enroll-error')).toHaveText(words('en', 'enroll-import-empty'));

  // Nothing was kept.
  await page.reload();
  await expect(page.getByTestId('enroll-fingerprint')).toContainText(SHORT_FINGERPRINT);
  await expect(page.getByTestId('enroll-status')).toHaveCount(0);
});

test('a chain kept in the browser for another key is not used', async ({ newParticipant }) => {
  const ada = await newParticipant('Ada');
  const mallory = await newParticipant('Mallory');
  await mallory.page.goto('/enroll');
  await mallory.page.getByTestId('enroll-name').fill('Mallory');
  await mallory.page.getByTestId('enroll-make-request').click();
  const mallorysChain = ministry.issue(await mallory.page.getByTestId('enroll-request').inputValue(), {
    name: 'Mallory',
  });

  const page = ada.page;
  await page.goto('/enroll');
  await expect(page.getByTestId('enroll-fingerprint')).toContainText(SHORT_FINGERPRINT);
  // Put beside Ada's key without the page's check, as a mix-up or another script would.
  await page.goto('/livez');
  await page.evaluate(storeChain, derCertificates(mallorysChain));
  await page.goto('/enroll');
  await expect(page.getByTestId('enroll-fingerprint')).toContainText(SHORT_FINGERPRINT);
  await expect(page.getByTestId('enroll-stored-invalid')).toHaveText(
    words('en', 'enroll-stored-invalid', { reason: words('en', 'enroll-refusal-key-mismatch') }),
  );
  await expect(page.getByTestId('enroll-status')).toHaveCount(0);
});

test('under an organisation\'s link, a chain from another organisation is refused', async ({ newParticipant }) => {
  const ada = await newParticipant('Ada');
  const page = ada.page;
  await page.goto(`/enroll#org=${ministry.pin()}`);
  await page.getByTestId('enroll-name').fill('Ada Lovelace');
  await page.getByTestId('enroll-make-request').click();
  const request = await page.getByTestId('enroll-request').inputValue();

  // A valid chain for this very key, but from the agency.
  await page.getByTestId('enroll-import').fill(agency.issue(request, { name: 'Ada Lovelace' }));
  await page.getByTestId('enroll-import-button').click();
  await expect(page.getByTestId('enroll-error')).toHaveText(words('en', 'enroll-refusal-other-organisation'));
  await expect(page.getByTestId('enroll-status')).toHaveCount(0);

  // The link's own organisation's chain is taken.
  await page.getByTestId('enroll-import').fill(ministry.issue(request, { name: 'Ada Lovelace' }));
  await page.getByTestId('enroll-import-button').click();
  await expect(page.getByTestId('enroll-status')).toHaveText(
    words('en', 'enroll-verified-no-role', { organisation: 'Ministry of Example', name: 'Ada Lovelace' }),
  );
  await expect(page.getByTestId('enroll-error')).toHaveCount(0);
});

test('a damaged enrollment link imports nothing', async ({ newParticipant }) => {
  const ada = await newParticipant('Ada');
  await ada.page.goto(`/enroll#org=${ministry.pin().slice(0, 63)}`);
  await expect(ada.page.getByTestId('enroll-error')).toHaveText(words('en', 'enroll-broken-link'));
  await expect(ada.page.getByTestId('enroll-import')).toHaveCount(0);
});

test('the home page links to the enrollment page', async ({ newParticipant }) => {
  const ada = await newParticipant('Ada');
  await ada.page.goto('/');
  await ada.page.getByRole('link', { name: 'Enroll with your organisation' }).click();
  await expect(ada.page).toHaveURL(/\/enroll$/);
  await expect(ada.page.getByTestId('enroll-fingerprint')).toContainText(SHORT_FINGERPRINT);
});

test('a version 1 database becomes version 2 with the key and the keys met kept', async ({ newParticipant }) => {
  const ada = await newParticipant('Ada');
  const page = ada.page;
  await page.goto('/enroll');
  const fingerprint = page.getByTestId('enroll-fingerprint');
  await expect(fingerprint).toContainText(SHORT_FINGERPRINT);
  const before = await fingerprint.textContent();

  // What a version 1 build left: the same key, and a key met, without a certificates store.
  await page.goto('/livez');
  expect(await page.evaluate(rewriteAsVersionOne)).toBe(2);
  await page.goto('/enroll');
  await expect(fingerprint).toContainText(SHORT_FINGERPRINT);
  expect(await fingerprint.textContent()).toBe(before);

  await page.goto('/livez');
  expect(await page.evaluate(readDatabase)).toEqual({
    version: 2,
    stores: ['certificates', 'identity', 'seen_keys'],
    seenName: 'Bob',
  });
});

/** In the page: rewrites database `conclave` as version 1 with its identity and one key met; returns the version it had. */
async function rewriteAsVersionOne(): Promise<number> {
  const settle = <T>(request: IDBRequest<T>) =>
    new Promise<T>((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  const current = await settle(indexedDB.open('conclave'));
  const version = current.version;
  const identity = await settle(current.transaction('identity').objectStore('identity').get('self'));
  current.close();
  const deletion = indexedDB.deleteDatabase('conclave');
  await new Promise((resolve, reject) => {
    deletion.onsuccess = resolve;
    // "blocked" may come first while the page just left still closes its connections.
    deletion.onerror = () => reject(deletion.error);
  });
  const opening = indexedDB.open('conclave', 1);
  opening.onupgradeneeded = () => {
    opening.result.createObjectStore('identity');
    opening.result.createObjectStore('seen_keys');
  };
  const old = await settle(opening);
  const transaction = old.transaction(['identity', 'seen_keys'], 'readwrite');
  transaction.objectStore('identity').put(identity, 'self');
  transaction.objectStore('seen_keys').put({ display_name: 'Bob', first_seen: 1 }, 'b0b'.padEnd(64, '0'));
  await new Promise((resolve, reject) => {
    transaction.oncomplete = resolve;
    transaction.onerror = () => reject(transaction.error);
  });
  old.close();
  return version;
}

/** In the page: database `conclave`'s version, stores and the key met that `rewriteAsVersionOne` wrote. */
async function readDatabase(): Promise<{ version: number; stores: string[]; seenName: string | undefined }> {
  const settle = <T>(request: IDBRequest<T>) =>
    new Promise<T>((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  const database = await settle(indexedDB.open('conclave'));
  const seen = await settle(database.transaction('seen_keys').objectStore('seen_keys').get('b0b'.padEnd(64, '0')));
  const result = {
    version: database.version,
    stores: Array.from(database.objectStoreNames).sort(),
    seenName: (seen as { display_name?: string } | undefined)?.display_name,
  };
  database.close();
  return result;
}

/** The DER bytes of each certificate in a PEM chain, in order. */
function derCertificates(pem: string): number[][] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => Array.from(new X509Certificate(block).raw));
}

/** In the page: stores `chain` (DER certificates) as this browser's certificate chain, as the app writes it. */
async function storeChain(chain: number[][]): Promise<void> {
  const opening = indexedDB.open('conclave');
  const database = await new Promise<IDBDatabase>((resolve, reject) => {
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
  });
  const transaction = database.transaction('certificates', 'readwrite');
  transaction
    .objectStore('certificates')
    .put({ chain: chain.map((der) => new Uint8Array(der)), stored_at: Date.now() }, 'self');
  await new Promise((resolve, reject) => {
    transaction.oncomplete = resolve;
    transaction.onerror = () => reject(transaction.error);
  });
  database.close();
}
