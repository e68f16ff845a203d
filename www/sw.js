// @ts-check
// Conclave's service worker: it pins the build this browser first saw. It installs only a
// release whose manifest is signed under its policy (docs/RELEASES.md), keeps every file of
// that build in its own cache, serves the app only from there, and takes a new build only
// when it is a signed successor (same policy, a higher serial). Whatever else the server
// offers is refused and reported to the page as an alarm.
//
// What web code cannot do (docs/proposals/verifiable-client.md, section 1): stop the browser
// from installing another /sw.js (the page's /integrity.js and check() detect it), or keep a
// hard reload from loading the server's files. Rules kept here for that reason: a classic
// script without importScripts (all its code is this file); never skipWaiting() nor
// clients.claim(), so a change of controller during a page's life always means someone
// else's worker; navigation preload disabled and its response never read; no path reaches
// the network unless it is listed below (deny by default).

'use strict';

const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));

const MANIFEST_PATH = '/release/manifest.json';
const SIGNATURES_PATH = '/release/signatures.json';
const POLICY_PATH = '/release/policy.json';
const SW_PATH = '/sw.js';
const INDEX_PATH = '/index.html';
/** What a release key signs: this line, then the manifest's bytes (RELEASES.md). */
const SIGNED_CONTEXT = 'conclave-release-v1 manifest\n';
/** Cache Storage holds one cache per verified build: this prefix and the build id. */
const BUILD_CACHE_PREFIX = 'conclave-build-';
const PIN_DATABASE = 'conclave-pin';
const PIN_STORE = 'pin';
const PIN_KEY = 'pin';
/** Alarms kept in the pin record (the oldest go first). */
const MAX_ALARMS = 50;
/** Files fetched at once while a build is downloaded or revalidated. */
const PARALLEL_FETCHES = 4;
/** The Permissions-Policy the server sends (signaling-server/src/static_files.rs). */
const PERMISSIONS_POLICY = 'camera=(self), microphone=(self), display-capture=(self)';
/** Paths under these go to the server as they are (data, not code). */
const PASS_THROUGH_PREFIXES = ['/api/', '/release/'];
/**
 * These exact paths too: readiness, and the organisations' CA certificates and revocation
 * lists (`no-store` data the page checks itself; never kept here).
 */
const PASS_THROUGH_PATHS = ['/healthz', '/organisations'];
/** Navigations answered with the pinned index.html, besides `/m/{room}`: the app's routes. */
const PAGE_PATHS = ['/', '/enroll', '/enroll/'];
/** Passed through as well when the pinned manifest says `test_hooks` (the Playwright build). */
const TEST_HOOK_PREFIX = '/test/';

// The formats (docs/RELEASES.md, "Formats"; fixed).
/**
 * @typedef {{ sha256: string, size: number, type: string }} FileEntry
 * @typedef {{ commit: string, csp: string, files: Record<string, FileEntry>, format: 1,
 *   name: string, policy_sha256: string, serial: number, source_date: number,
 *   test_hooks: boolean, toolchain: Record<string, string>, version: string }} Manifest
 * @typedef {{ format: 1, keys: { ed25519: string, id: string }[], threshold: number }} Policy
 * @typedef {{ id: string, manifest: string, signatures: string }} StagedBuild
 * @typedef {{ at: number, kind: 'tampered-file' | 'refused-update' | 'guard-replaced',
 *   path?: string, reason?: 'unsigned' | 'unknown-policy' | 'rollback' | 'bad-file' | 'malformed' }} Alarm
 * @typedef {NonNullable<Alarm['reason']>} RefusalReason
 * @typedef {{ policy: string, manifest: string, signatures: string, current: string,
 *   staged: StagedBuild | null, pinnedAt: number, alarms: Alarm[] }} PinRecord
 *   The IndexedDB record (`conclave-pin`/`pin`/"pin"); the JSON files as the texts served.
 * @typedef {{ id: string, version: string, serial: number, commit: string, signers: string[],
 *   threshold: number, keys: number, testHooks: boolean }} BuildInfo
 * @typedef {{ mode: 'pinned' | 'first-visit' | 'unpinned' | 'unsupported', build: BuildInfo | null,
 *   pinnedAt: number | null, alarms: Alarm[], update: { id: string, serial: number } | null,
 *   reason: string | null }} Status
 *   What the page shows (window.conclaveIntegrity.status).
 */
// The messages between the page (/integrity.js) and this worker.
/**
 * @typedef {{ kind: 'status' } | { kind: 'verify-guard' }} PageToServiceWorker
 *   `status`: answered with a `status` message (on the port sent with it, else to the
 *   sender). `verify-guard`: the page saw a new service worker being installed; answered with
 *   `guard` once the served /sw.js has been compared with the verified builds.
 * @typedef {{ kind: 'status', status: Status }
 *   | { kind: 'guard', verdict: 'verified' | 'replaced' | 'unknown' }
 *   | { kind: 'install-failed', reason: string }} ServiceWorkerToPage
 *   `status` is also pushed to every window when it changes (an alarm, an update staged);
 *   `install-failed` is posted to every window before an install is rejected.
 */
/**
 * A verified release: the manifest's bytes, parsed, and who signed them.
 * @typedef {{ id: string, manifestText: string, manifest: Manifest, signaturesText: string,
 *   signers: string[] }} Release
 */

/** A release, file or signature that must be refused; its `reason` names the alarm. */
class Refusal extends Error {
  /**
   * @param {RefusalReason} reason
   * @param {string} message
   * @param {string} [path] the file at fault
   */
  constructor(reason, message, path) {
    super(message);
    this.reason = reason;
    this.path = path;
  }
}

/** The server could not be reached (offline is normal: no alarm). */
class Unreachable extends Error {}

/**
 * The server answered, but not with a plain same-origin 2xx (an error status, a redirect,
 * an opaque response).
 */
class BadResponse extends Error {}

// ---------------------------------------------------------------------------------------
// Lifecycle

sw.addEventListener('install', (event) => {
  event.waitUntil(
    install().catch(async (error) => {
      const reason = describe(error);
      console.error(`Conclave's service worker was not installed: ${reason}`);
      await tellWindows({ kind: 'install-failed', reason });
      throw error;
    }),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(activate());
});

/**
 * Without a pin (a first visit): pins the server's release if it is signed under its policy
 * and every file matches. With one (a new /sw.js is being installed): installs only if the
 * server offers the pinned build or a valid successor, and only if that build lists this
 * worker's script. Any failure rejects the install, so the browser discards this worker.
 */
async function install() {
  const pin = await readPin();
  const served = await fetchServedManifest();
  const id = await sha256Hex(served.bytes);
  if (pin === null) {
    const policyFile = await fetchBytes(POLICY_PATH);
    const release = await verifyRelease(served, id, policyFile.bytes);
    const policyText = canonicalText(policyFile.bytes, POLICY_PATH);
    await cacheBuild(release, pageCsp(release.manifest.csp, served.serverCsp), { isNew: true });
    await writeNewPin({
      policy: policyText,
      manifest: release.manifestText,
      signatures: release.signaturesText,
      current: release.id,
      staged: null,
      pinnedAt: Date.now(),
      alarms: [],
    });
    return;
  }
  /** Whether the served manifest is one already verified (its files are known, not new). */
  const known = id === pin.current || id === pin.staged?.id;
  try {
    /** @type {Manifest} */
    let manifest;
    if (known) {
      // The pinned build (or the one already staged): refill what its cache may have lost.
      manifest = parseManifest(id === pin.current ? pin.manifest : /** @type {StagedBuild} */ (pin.staged).manifest);
      await cacheBuild(
        { id, manifest, manifestText: '', signaturesText: '', signers: [] },
        pageCsp(manifest.csp, served.serverCsp),
        { isNew: false, onlyMissing: true },
      );
    } else {
      const release = await verifySuccessor(pin, served, id);
      manifest = release.manifest;
      await cacheBuild(release, pageCsp(manifest.csp, served.serverCsp), { isNew: true });
      await stage(release);
    }
    // The script being installed should be the one that build lists.
    await expectServedFile(SW_PATH, manifest.files[SW_PATH]);
  } catch (error) {
    if (error instanceof Refusal) {
      /** @type {Alarm} */
      let alarm;
      if (error.path === SW_PATH) alarm = { at: Date.now(), kind: 'guard-replaced', path: SW_PATH };
      else if (known && error.path !== undefined) alarm = { at: Date.now(), kind: 'tampered-file', path: error.path };
      else alarm = { at: Date.now(), kind: 'refused-update', reason: error.reason, ...(error.path ? { path: error.path } : {}) };
      await addAlarm(alarm);
    }
    throw error;
  }
}

async function activate() {
  try {
    await sw.registration.navigationPreload?.disable();
  } catch (error) {
    console.warn(`navigation preload could not be disabled: ${describe(error)}`);
  }
  try {
    const pin = await promoteStaged();
    if (pin !== null) await deleteCachesExcept(new Set([pin.current, ...(pin.staged ? [pin.staged.id] : [])]));
  } catch (error) {
    console.error(`activate: ${describe(error)}`);
  }
}

// ---------------------------------------------------------------------------------------
// Serving

/**
 * The build each live client was served, by client id: a page keeps its build's files
 * after another page promoted a newer one. Lost when the browser stops this worker; an
 * unknown client gets the current build.
 * @type {Map<string, string>}
 */
const buildOfClient = new Map();
/** Parsed manifests by build id. @type {Map<string, Manifest>} */
const manifestOfBuild = new Map();
/** The pin as last read or written by this worker, for serving subresources. @type {PinRecord | null} */
let knownPin = null;

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin) return;
  const path = url.pathname;
  if (request.mode === 'navigate') {
    // A form posted here from any site would otherwise load the server's page, and its
    // scripts, in this origin: the app posts no forms.
    if (request.method !== 'GET') {
      event.respondWith(plainText(405, 'Conclave takes no form submissions.'));
    } else if (PAGE_PATHS.includes(path) || /^\/m\/[^/]+$/.test(path)) {
      const page = servePage(event.resultingClientId);
      event.respondWith(page);
      // After the page is answered; the answer never waits for the check.
      event.waitUntil(page.then(() => checkOnce(), () => {}));
    } else {
      // Every navigation is answered here: a server's page (with its own scripts) never runs.
      event.respondWith(notFound());
    }
    return;
  }
  if (request.method !== 'GET') return;
  // Only fetch() reaches the server: no script, style, worker or image from there.
  const isFetch = request.destination === '';
  if (isFetch && (PASS_THROUGH_PATHS.includes(path) || PASS_THROUGH_PREFIXES.some((prefix) => path.startsWith(prefix)))) return;
  if (isFetch && path.startsWith(TEST_HOOK_PREFIX)) {
    event.respondWith(passTestHook(request));
    return;
  }
  event.respondWith(serveFile(path, event.clientId, event.resultingClientId));
});

/**
 * The server's answer to a test hook, if the pinned build is the Playwright build
 * (`test_hooks`); else 404.
 * @param {Request} request
 * @returns {Promise<Response>}
 */
async function passTestHook(request) {
  try {
    const pin = knownPin ?? (await readPin());
    if (pin !== null && parseManifest(pin.manifest).test_hooks) return await fetch(request);
  } catch (error) {
    console.warn(`test hook ${request.url}: ${describe(error)}`);
  }
  return notFound();
}

/**
 * The current build's index.html; a staged build becomes current first.
 * @param {string} clientId the id of the page this navigation makes
 * @returns {Promise<Response>}
 */
async function servePage(clientId) {
  try {
    let pin = await readPin();
    const promote = pin?.staged != null;
    if (promote) pin = await promoteStaged();
    if (pin === null) return unavailable('no pinned build is stored in this browser');
    if (clientId) buildOfClient.set(clientId, pin.current);
    if (promote) {
      const promoted = pin;
      pruneCaches(promoted).catch((error) => console.warn(`pruning old builds: ${describe(error)}`));
    }
    const response = await caches.match(INDEX_PATH, { cacheName: BUILD_CACHE_PREFIX + pin.current });
    if (response === undefined) return unavailable(`the pinned copy of ${INDEX_PATH} is missing`);
    const entry = parseManifest(pin.manifest).files[INDEX_PATH];
    return await checkedCopy(response, INDEX_PATH, entry, BUILD_CACHE_PREFIX + pin.current);
  } catch (error) {
    return unavailable(`the pinned build could not be read: ${describe(error)}`);
  }
}

/**
 * A file of the build the client was served; never the network.
 * @param {string} path
 * @param {string} clientId the requesting page or worker
 * @param {string} resultingClientId a worker this request starts, if any
 * @returns {Promise<Response>}
 */
async function serveFile(path, clientId, resultingClientId) {
  try {
    const pin = knownPin ?? (await readPin());
    if (pin === null) return unavailable('no pinned build is stored in this browser');
    let build = buildOfClient.get(clientId) ?? pin.current;
    let manifest = manifestOfBuild.get(build);
    if (manifest === undefined) {
      build = pin.current;
      manifest = parseManifest(pin.manifest);
      manifestOfBuild.set(build, manifest);
    }
    // A client keeps the build of its first request (browsers without resultingClientId
    // never name a page at its navigation), and a worker started by a page gets the page's.
    if (clientId) buildOfClient.set(clientId, build);
    if (resultingClientId) buildOfClient.set(resultingClientId, build);
    if (!Object.hasOwn(manifest.files, path)) return notFound();
    const response = await caches.match(path, { cacheName: BUILD_CACHE_PREFIX + build });
    if (response === undefined) return unavailable(`the pinned copy of ${path} is missing`);
    return await checkedCopy(response, path, manifest.files[path], BUILD_CACHE_PREFIX + build);
  } catch (error) {
    return unavailable(`the pinned copy could not be read: ${describe(error)}`);
  }
}

/**
 * `response` (from the build's cache `cacheName`) if its bytes are still the manifest's.
 * Code that once ran in this origin (a hard reload's page) could have rewritten the cache,
 * so the copy is hashed each time it is served; the response itself is returned, not a
 * copy, so that the browser keeps its compiled-code cache for it. An altered copy raises
 * the alarm and is repaired from the server if the server still serves the signed bytes;
 * else fail closed.
 * @param {Response} response
 * @param {string} path
 * @param {FileEntry | undefined} entry
 * @param {string} cacheName
 * @returns {Promise<Response>}
 */
async function checkedCopy(response, path, entry, cacheName) {
  const bytes = new Uint8Array(await response.clone().arrayBuffer());
  if (entry === undefined) return unavailable(`${path} is not in the pinned manifest`);
  if (await matches(bytes, entry)) return response;
  await addAlarm({ at: Date.now(), kind: 'tampered-file', path });
  try {
    const fetched = await fetchAndCompare(path, entry);
    if (fetched.same) {
      const repaired = new Response(fetched.bytes, { headers: response.headers });
      await (await caches.open(cacheName)).put(path, repaired.clone());
      return repaired;
    }
  } catch (error) {
    console.warn(`repairing the pinned copy of ${path}: ${describe(error)}`);
  }
  return unavailable(`the pinned copy of ${path} was altered in this browser`);
}

function notFound() {
  return plainText(404, 'Not found.');
}

/**
 * Fail closed: the pinned copy cannot be served, and the network is never asked instead.
 * @param {string} why
 */
function unavailable(why) {
  console.error(`Conclave's service worker: ${why}`);
  return plainText(503, `Conclave cannot start: ${why}.`);
}

/**
 * @param {number} status
 * @param {string} text
 */
function plainText(status, text) {
  return new Response(text, {
    status,
    headers: {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    },
  });
}

// ---------------------------------------------------------------------------------------
// Checking the server after a navigation

/** The check under way, if any: never two at once. @type {Promise<void> | null} */
let checking = null;
/** A navigation came during the check under way: check again once it ends. */
let checkAgain = false;
/** Build ids refused since this worker started, so a reload does not download them again. */
const refusedBuilds = new Set();

/**
 * Runs check(); during one under way, runs another after it (the server may have changed
 * what it serves since that one fetched), and answers when that one ends.
 * @returns {Promise<void>}
 */
function checkOnce() {
  if (checking !== null) {
    checkAgain = true;
    return checking;
  }
  checking = check()
    .catch((error) => console.error(`Conclave's service worker: the check failed: ${describe(error)}`))
    .finally(() => {
      checking = null;
      if (checkAgain) {
        checkAgain = false;
        return checkOnce();
      }
    });
  return checking;
}

/**
 * Compares what the server offers now with the pin. The same manifest: every file (and
 * /sw.js) must still be the bytes it lists, else an alarm (the page keeps running the
 * pinned copy). Another manifest: staged if it is a signed successor with every file
 * matching, refused with an alarm otherwise. A server out of reach is not an alarm.
 */
async function check() {
  const pin = await readPin();
  if (pin === null) return;
  await pruneCaches(pin);
  let served;
  try {
    served = await fetchServedManifest();
  } catch (error) {
    if (error instanceof Unreachable || error instanceof BadResponse) return;
    throw error;
  }
  const id = await sha256Hex(served.bytes);
  if (id === pin.current || id === pin.staged?.id) {
    const text = id === pin.current ? pin.manifest : /** @type {StagedBuild} */ (pin.staged).manifest;
    await revalidate(parseManifest(text));
    return;
  }
  if (refusedBuilds.has(id)) return;
  try {
    const release = await verifySuccessor(pin, served, id);
    await cacheBuild(release, pageCsp(release.manifest.csp, served.serverCsp), { isNew: true });
    await stage(release);
    await broadcastStatus();
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    refusedBuilds.add(id);
    await addAlarm({
      at: Date.now(),
      kind: 'refused-update',
      reason: error.reason,
      ...(error.path ? { path: error.path } : {}),
    });
    console.warn(`Conclave's service worker refused build ${id}: ${error.message}`);
  }
}

/**
 * Fetches every file of `manifest` again (revalidated with the server, mostly a 304) and
 * raises an alarm for each whose bytes differ: `guard-replaced` for /sw.js, else
 * `tampered-file`. Files that cannot be fetched are skipped.
 * @param {Manifest} manifest
 */
async function revalidate(manifest) {
  /** @type {Alarm[]} */
  const alarms = [];
  await forEachLimited(Object.entries(manifest.files), async ([path, entry]) => {
    let same;
    try {
      ({ same } = await fetchAndCompare(path, entry));
    } catch (error) {
      if (error instanceof Unreachable || error instanceof BadResponse) return;
      throw error;
    }
    if (same) return;
    alarms.push(
      path === SW_PATH
        ? { at: Date.now(), kind: 'guard-replaced', path }
        : { at: Date.now(), kind: 'tampered-file', path },
    );
  });
  if (alarms.length > 0) await addAlarm(...alarms);
}

/**
 * Whether the browser may install a new worker now: only when a verified staged build
 * brings a /sw.js other than the current build's (the browser installs a worker only when
 * its bytes differ from the active one's). What the server serves at /sw.js now is not
 * asked: it can answer the browser's update fetch and this one differently. Judged after
 * the check under way, which may stage the build that brings it.
 * @returns {Promise<'verified' | 'replaced'>}
 */
async function verifyGuard() {
  await checkOnce();
  const pin = await readPin();
  const current = pin === null ? undefined : parseManifest(pin.manifest).files[SW_PATH];
  const staged = pin?.staged ? parseManifest(pin.staged.manifest).files[SW_PATH] : undefined;
  if (current !== undefined && staged !== undefined && staged.sha256 !== current.sha256) return 'verified';
  await addAlarm({ at: Date.now(), kind: 'guard-replaced', path: SW_PATH });
  return 'replaced';
}

// ---------------------------------------------------------------------------------------
// Verifying a release

/**
 * The manifest as served, and the ws:/wss: origins the server's own CSP lets pages reach.
 * @returns {Promise<{ bytes: Uint8Array<ArrayBuffer>, serverCsp: string | null }>}
 */
async function fetchServedManifest() {
  const { bytes, response } = await fetchBytes(MANIFEST_PATH);
  return { bytes, serverCsp: response.headers.get('Content-Security-Policy') };
}

/**
 * The release the server offers, verified under the policy it came with (a first visit:
 * trust on first use of the policy).
 * @param {{ bytes: Uint8Array<ArrayBuffer> }} served the manifest
 * @param {string} id its build id
 * @param {Uint8Array<ArrayBuffer>} policyBytes
 * @returns {Promise<Release>}
 */
async function verifyRelease(served, id, policyBytes) {
  const manifestText = canonicalText(served.bytes, MANIFEST_PATH);
  const manifest = parseManifest(manifestText);
  if ((await sha256Hex(policyBytes)) !== manifest.policy_sha256) {
    throw new Refusal('unknown-policy', `${POLICY_PATH} is not the policy the manifest names`);
  }
  const policy = parsePolicy(canonicalText(policyBytes, POLICY_PATH));
  return signedRelease(served.bytes, id, manifestText, manifest, policy);
}

/**
 * The release the server offers, if it may follow the pinned one: the pinned policy, signed
 * by at least its threshold of keys, a serial above every verified build's.
 * @param {PinRecord} pin
 * @param {{ bytes: Uint8Array<ArrayBuffer> }} served the manifest
 * @param {string} id its build id
 * @returns {Promise<Release>}
 */
async function verifySuccessor(pin, served, id) {
  const manifestText = canonicalText(served.bytes, MANIFEST_PATH);
  const manifest = parseManifest(manifestText);
  if (manifest.policy_sha256 !== (await sha256Hex(new TextEncoder().encode(pin.policy)))) {
    throw new Refusal('unknown-policy', 'the manifest names another policy than the pinned one');
  }
  const release = await signedRelease(served.bytes, id, manifestText, manifest, parsePolicy(pin.policy));
  const newest = Math.max(
    parseManifest(pin.manifest).serial,
    pin.staged ? parseManifest(pin.staged.manifest).serial : -1,
  );
  if (manifest.serial <= newest) {
    throw new Refusal('rollback', `serial ${manifest.serial} is not above the pinned ${newest}`);
  }
  return release;
}

/**
 * Fetches the signatures and checks that at least `policy.threshold` distinct policy keys
 * signed the manifest.
 * @param {Uint8Array<ArrayBuffer>} manifestBytes
 * @param {string} id
 * @param {string} manifestText
 * @param {Manifest} manifest
 * @param {Policy} policy
 * @returns {Promise<Release>}
 */
async function signedRelease(manifestBytes, id, manifestText, manifest, policy) {
  let signaturesText;
  try {
    signaturesText = new TextDecoder('utf-8', { fatal: true }).decode((await fetchBytes(SIGNATURES_PATH)).bytes);
  } catch (error) {
    if (error instanceof BadResponse || error instanceof TypeError) {
      throw new Refusal('unsigned', `${SIGNATURES_PATH}: ${describe(error)}`);
    }
    throw error;
  }
  const signers = await signersOf(policy, manifestBytes, signaturesText);
  if (signers.length < policy.threshold) {
    throw new Refusal(
      'unsigned',
      `signed by ${signers.length} of the policy's keys (${signers.join(', ') || 'none'}), ${policy.threshold} needed`,
    );
  }
  return { id, manifestText, manifest, signaturesText, signers };
}

/** Imported policy keys, by their base64. @type {Map<string, Promise<CryptoKey>>} */
const importedKeys = new Map();

/**
 * The ids of the policy's keys that have a valid signature over the manifest (each counted
 * once; signatures by ids the policy does not list are ignored).
 * @param {Policy} policy
 * @param {Uint8Array<ArrayBuffer>} manifestBytes
 * @param {string} signaturesText signatures.json as served
 * @returns {Promise<string[]>}
 */
async function signersOf(policy, manifestBytes, signaturesText) {
  /** @type {unknown} */
  let parsed;
  try {
    parsed = JSON.parse(signaturesText);
  } catch {
    throw new Refusal('unsigned', `${SIGNATURES_PATH} is not JSON`);
  }
  const list = isObject(parsed) && Array.isArray(parsed.signatures) ? parsed.signatures : null;
  if (list === null) throw new Refusal('unsigned', `${SIGNATURES_PATH} holds no signature list`);
  const context = new TextEncoder().encode(SIGNED_CONTEXT);
  const message = new Uint8Array(context.length + manifestBytes.length);
  message.set(context);
  message.set(manifestBytes, context.length);
  /** @type {string[]} */
  const signers = [];
  for (const key of policy.keys) {
    const publicKey = await importEd25519(key.ed25519);
    for (const entry of list) {
      if (!isObject(entry) || entry.key_id !== key.id) continue;
      const signature = fromBase64(entry.sig);
      if (signature === null || signature.length !== 64) continue;
      if (await crypto.subtle.verify({ name: 'Ed25519' }, publicKey, signature, message)) {
        signers.push(key.id);
        break;
      }
    }
  }
  return signers;
}

/** @param {string} base64 a policy key (checked to be 32 bytes by parsePolicy) */
function importEd25519(base64) {
  let key = importedKeys.get(base64);
  if (key === undefined) {
    const raw = /** @type {Uint8Array<ArrayBuffer>} */ (fromBase64(base64));
    key = crypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
    key.catch(() => importedKeys.delete(base64));
    importedKeys.set(base64, key);
  }
  return key;
}

/**
 * The manifest, checked field by field; anything unexpected is `malformed`.
 * @param {string} text canonical JSON
 * @returns {Manifest}
 */
function parseManifest(text) {
  /** @param {string} why */
  const malformed = (why) => new Refusal('malformed', `the manifest ${why}`);
  /** @type {unknown} */
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed('is not JSON');
  }
  if (!isObject(value) || value.format !== 1) throw malformed('is not of format 1');
  for (const field of ['commit', 'csp', 'name', 'version']) {
    if (typeof value[field] !== 'string') throw malformed(`has no ${field}`);
  }
  if (!isHex64(value.policy_sha256)) throw malformed('has no policy_sha256');
  if (!isCount(value.serial) || !isCount(value.source_date)) throw malformed('has no serial or source_date');
  if (typeof value.test_hooks !== 'boolean') throw malformed('has no test_hooks');
  if (!isObject(value.toolchain)) throw malformed('has no toolchain');
  const files = value.files;
  if (!isObject(files)) throw malformed('lists no files');
  for (const [path, entry] of Object.entries(files)) {
    const valid =
      isServedPath(path) &&
      !path.startsWith('/release/') &&
      isObject(entry) &&
      isHex64(entry.sha256) &&
      isCount(entry.size) &&
      typeof entry.type === 'string' &&
      /^[\x21-\x7e][\x20-\x7e]*$/.test(entry.type);
    if (!valid) throw malformed(`lists ${JSON.stringify(path)} wrongly`);
  }
  for (const path of [INDEX_PATH, SW_PATH]) {
    if (!Object.hasOwn(files, path)) throw malformed(`does not list ${path}`);
  }
  return /** @type {Manifest} */ (/** @type {unknown} */ (value));
}

/**
 * The policy, checked: unique key ids, 32-byte keys, 1 <= threshold <= keys.
 * @param {string} text canonical JSON
 * @returns {Policy}
 */
function parsePolicy(text) {
  /** @param {string} why */
  const malformed = (why) => new Refusal('malformed', `the policy ${why}`);
  /** @type {unknown} */
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed('is not JSON');
  }
  if (!isObject(value) || value.format !== 1 || !Array.isArray(value.keys)) throw malformed('is not of format 1');
  const ids = new Set();
  // One public key under two ids would let one signer count twice toward the threshold.
  const publicKeys = new Set();
  for (const key of value.keys) {
    if (!isObject(key) || typeof key.id !== 'string' || ids.has(key.id)) throw malformed('has a key without a unique id');
    const publicKey = fromBase64(key.ed25519);
    if (publicKey?.length !== 32) throw malformed(`has no Ed25519 key for ${key.id}`);
    const keyText = Array.from(publicKey, (byte) => byte.toString(16).padStart(2, '0')).join('');
    if (publicKeys.has(keyText)) throw malformed(`lists the key of ${key.id} twice`);
    ids.add(key.id);
    publicKeys.add(keyText);
  }
  const threshold = value.threshold;
  if (typeof threshold !== 'number' || !isCount(threshold) || threshold < 1 || threshold > ids.size) {
    throw malformed('has a threshold outside 1..keys');
  }
  return /** @type {Policy} */ (/** @type {unknown} */ (value));
}

/**
 * The text of a canonical JSON file (printable ASCII, one newline at the end), else
 * `malformed`.
 * @param {Uint8Array} bytes
 * @param {string} path
 */
function canonicalText(bytes, path) {
  const last = bytes.length - 1;
  let canonical = last >= 0 && bytes[last] === 0x0a;
  for (let i = 0; canonical && i < last; i++) canonical = bytes[i] >= 0x20 && bytes[i] <= 0x7e;
  if (!canonical) throw new Refusal('malformed', `${path} is not canonical JSON (printable ASCII, one newline at the end)`);
  return new TextDecoder().decode(bytes);
}

/**
 * A URL path the manifest may list: `/`-separated segments of letters, digits, `.`, `_`,
 * `-`, none starting with a dot.
 * @param {string} path
 */
function isServedPath(path) {
  return /^(?:\/[A-Za-z0-9_-][A-Za-z0-9._-]*)+$/.test(path);
}

/** @param {unknown} value */
function isHex64(value) {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
}

/** @param {unknown} value */
function isCount(value) {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------
// Builds in Cache Storage

/**
 * Downloads every file of a verified build, checks its size and SHA-256, and stores it in
 * the build's cache with the headers the manifest decides. A file that does not match
 * refuses the build (`bad-file`); a new build's partial cache is deleted on any failure.
 * @param {Release} release
 * @param {string} csp the Content-Security-Policy for every file
 * @param {{ isNew: boolean, onlyMissing?: boolean }} options `isNew`: the cache is not the
 *   one serving pages (delete it on failure); `onlyMissing`: keep the entries it holds
 */
async function cacheBuild(release, csp, { isNew, onlyMissing = false }) {
  const cacheName = BUILD_CACHE_PREFIX + release.id;
  const cache = await caches.open(cacheName);
  filling.add(release.id);
  try {
    await forEachLimited(Object.entries(release.manifest.files), async ([path, entry]) => {
      if (onlyMissing && (await cache.match(path)) !== undefined) return;
      const bytes = await expectServedFile(path, entry);
      await cache.put(path, new Response(bytes, { headers: fileHeaders(entry, csp) }));
    });
  } catch (error) {
    if (isNew) await caches.delete(cacheName);
    throw error;
  } finally {
    filling.delete(release.id);
  }
  manifestOfBuild.set(release.id, release.manifest);
}

/** Builds this worker is downloading: never pruned meanwhile. @type {Set<string>} */
const filling = new Set();

/**
 * Whether the cache of build `id` holds every file of `manifest` (a cache can lose entries:
 * storage pressure, another worker's pruning).
 * @param {string} id
 * @param {Manifest} manifest
 */
async function isComplete(id, manifest) {
  const cache = await caches.open(BUILD_CACHE_PREFIX + id);
  const held = new Set((await cache.keys()).map((request) => new URL(request.url).pathname));
  return Object.keys(manifest.files).every((path) => held.has(path));
}

/**
 * The bytes the server serves at `path`, if they are the ones `entry` lists; else a
 * `bad-file` refusal (or `Unreachable`).
 * @param {string} path
 * @param {FileEntry | undefined} entry
 */
async function expectServedFile(path, entry) {
  if (entry === undefined) throw new Refusal('bad-file', `${path} is not in the manifest`, path);
  let fetched;
  try {
    fetched = await fetchAndCompare(path, entry);
  } catch (error) {
    if (error instanceof BadResponse) throw new Refusal('bad-file', describe(error), path);
    throw error;
  }
  if (!fetched.same) throw new Refusal('bad-file', `${path} is not the file the manifest lists`, path);
  return fetched.bytes;
}

/**
 * The headers a pinned file is served with: all decided by the manifest, none by the server.
 * @param {FileEntry} entry
 * @param {string} csp
 */
function fileHeaders(entry, csp) {
  const headers = new Headers({
    'Content-Type': entry.type,
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Permissions-Policy': PERMISSIONS_POLICY,
  });
  if (entry.type.toLowerCase().startsWith('text/html')) headers.set('Cache-Control', 'no-store');
  return headers;
}

/**
 * The manifest's CSP with `connect-src` widened by the ws:/wss: origins (an SFU: data, not
 * code) that the server's own CSP lets pages reach; nothing else of the server's is taken.
 * @param {string} manifestCsp
 * @param {string | null} serverCsp
 */
function pageCsp(manifestCsp, serverCsp) {
  const origins = (serverCsp === null ? [] : directiveSources(serverCsp, 'connect-src')).filter((source) =>
    /^wss?:\/\/(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/.test(source),
  );
  if (origins.length === 0) return manifestCsp;
  const directives = manifestCsp.split(';');
  const index = directives.findIndex((directive) => directive.trim().split(/\s+/)[0]?.toLowerCase() === 'connect-src');
  // No connect-src: the app's default-src decides, and nothing is widened.
  if (index < 0) return manifestCsp;
  const present = new Set(directiveSources(manifestCsp, 'connect-src'));
  const added = origins.filter((origin) => !present.has(origin));
  if (added.length === 0) return manifestCsp;
  directives[index] = `${directives[index].trimEnd()} ${added.join(' ')}`;
  return directives.join(';');
}

/**
 * The sources of a CSP directive (none if it is absent).
 * @param {string} csp
 * @param {string} name
 */
function directiveSources(csp, name) {
  for (const directive of csp.split(';')) {
    const [directiveName, ...sources] = directive.trim().split(/\s+/);
    if (directiveName?.toLowerCase() === name) return sources;
  }
  return [];
}

/**
 * Deletes every build cache but `keep`'s.
 * @param {Set<string>} keep build ids
 */
async function deleteCachesExcept(keep) {
  for (const name of await caches.keys()) {
    if (name.startsWith(BUILD_CACHE_PREFIX) && !keep.has(name.slice(BUILD_CACHE_PREFIX.length))) {
      await caches.delete(name);
    }
  }
}

/**
 * Deletes the caches of builds that are neither current nor staged and that no live page
 * was served, unless some live page's build is unknown (this worker was restarted since it
 * served that page). Workers are not counted: each belongs to a page.
 * @param {PinRecord} pin
 */
async function pruneCaches(pin) {
  const live = await sw.clients.matchAll({ type: 'all' });
  const liveIds = new Set(live.map((client) => client.id));
  for (const clientId of buildOfClient.keys()) if (!liveIds.has(clientId)) buildOfClient.delete(clientId);
  if (live.some((client) => client.type === 'window' && !buildOfClient.has(client.id))) return;
  await deleteCachesExcept(
    new Set([pin.current, ...(pin.staged ? [pin.staged.id] : []), ...buildOfClient.values(), ...filling]),
  );
}

// ---------------------------------------------------------------------------------------
// The pin in IndexedDB

/** @returns {Promise<IDBDatabase>} */
function openPinDatabase() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(PIN_DATABASE, 1);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(PIN_STORE)) request.result.createObjectStore(PIN_STORE);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error('the pin database is blocked'));
  });
}

/**
 * Reads the pin record and lets `change` replace it, in one transaction (so two writers,
 * e.g. this worker and a new one installing, never lose each other's changes).
 * @param {(pin: PinRecord | null) => PinRecord | null} change returns the record to write,
 *   or null to write nothing
 * @param {IDBTransactionMode} [mode] 'readonly' if `change` never writes
 * @returns {Promise<PinRecord | null>} the record as it is afterwards
 */
async function changePin(change, mode = 'readwrite') {
  const database = await openPinDatabase();
  try {
    return await new Promise((resolve, reject) => {
      const transaction = database.transaction(PIN_STORE, mode);
      const store = transaction.objectStore(PIN_STORE);
      /** @type {PinRecord | null} */
      let result = null;
      const read = store.get(PIN_KEY);
      read.onsuccess = () => {
        try {
          const before = read.result === undefined ? null : checkPinRecord(read.result);
          const after = change(before);
          result = after ?? before;
          if (after !== null) store.put(after, PIN_KEY);
        } catch (error) {
          transaction.abort();
          reject(error);
        }
      };
      transaction.oncomplete = () => resolve(result);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error ?? new Error('the pin transaction was aborted'));
    });
  } finally {
    database.close();
  }
}

/** @returns {Promise<PinRecord | null>} */
async function readPin() {
  const pin = await changePin(() => null, 'readonly');
  remember(pin);
  return pin;
}

/**
 * Writes the first pin; refuses if another appeared meanwhile.
 * @param {PinRecord} pin
 */
async function writeNewPin(pin) {
  remember(
    await changePin((before) => {
      if (before !== null) throw new Error('another pin was written during this install');
      return pin;
    }),
  );
}

/**
 * Records a verified successor as the build to take at the next navigation, and deletes the
 * cache of a build it replaces as staged.
 * @param {Release} release
 */
async function stage(release) {
  /** @type {string | null} */
  let replaced = null;
  const pin = await changePin((before) => {
    if (before === null) throw new Error('the pin disappeared');
    replaced = before.staged && before.staged.id !== release.id ? before.staged.id : null;
    return { ...before, staged: { id: release.id, manifest: release.manifestText, signatures: release.signaturesText } };
  });
  remember(pin);
  if (replaced !== null) await caches.delete(BUILD_CACHE_PREFIX + replaced);
}

/**
 * Makes the staged build (if any) current.
 * @returns {Promise<PinRecord | null>}
 */
async function promoteStaged() {
  const before = await readPin();
  if (before?.staged != null && !(await isComplete(before.staged.id, parseManifest(before.staged.manifest)))) {
    // Never switch to a build this browser no longer fully holds: drop it, the next check
    // downloads it again.
    console.warn(`Conclave's service worker: staged build ${before.staged.id} is incomplete; kept ${before.current}`);
    const droppedId = before.staged.id;
    const kept = await changePin((pin) => (pin !== null && pin.staged?.id === droppedId ? { ...pin, staged: null } : null));
    remember(kept);
    return kept;
  }
  let promoted = false;
  const pin = await changePin((before) => {
    if (before?.staged == null) return null;
    promoted = true;
    const { id, manifest, signatures } = before.staged;
    return { ...before, current: id, manifest, signatures, staged: null };
  });
  remember(pin);
  if (promoted && pin !== null) console.info(`Conclave's service worker: build ${pin.current} is now current`);
  return pin;
}

/**
 * Appends alarms to the pin (one of each kind, path and reason: a reload that sees the same
 * tampering adds nothing), keeps the newest MAX_ALARMS, and tells the windows.
 * @param {...Alarm} alarms
 */
async function addAlarm(...alarms) {
  /** @param {Alarm} alarm */
  const key = (alarm) => `${alarm.kind}\u0000${alarm.path ?? ''}\u0000${alarm.reason ?? ''}`;
  // The same alarm again (kind, path, reason) replaces the earlier one, so that the list
  // stays short and shows when it last happened.
  const repeated = new Set(alarms.map(key));
  const pin = await changePin((before) => {
    if (before === null) return null;
    const kept = before.alarms.filter((alarm) => !repeated.has(key(alarm)));
    return { ...before, alarms: [...kept, ...alarms].slice(-MAX_ALARMS) };
  });
  remember(pin);
  for (const alarm of alarms) console.warn(`Conclave's service worker: alarm ${JSON.stringify(alarm)}`);
  if (pin !== null) await broadcastStatus();
}

/**
 * The record as read from IndexedDB, checked for its shape.
 * @param {unknown} value
 * @returns {PinRecord}
 */
function checkPinRecord(value) {
  const valid =
    isObject(value) &&
    typeof value.policy === 'string' &&
    typeof value.manifest === 'string' &&
    typeof value.signatures === 'string' &&
    isHex64(value.current) &&
    (value.staged === null ||
      (isObject(value.staged) &&
        isHex64(value.staged.id) &&
        typeof value.staged.manifest === 'string' &&
        typeof value.staged.signatures === 'string')) &&
    typeof value.pinnedAt === 'number' &&
    Array.isArray(value.alarms);
  if (!valid) throw new Error('the stored pin is unreadable');
  return /** @type {PinRecord} */ (/** @type {unknown} */ (value));
}

/** @param {PinRecord | null} pin */
function remember(pin) {
  knownPin = pin;
  if (pin !== null && !manifestOfBuild.has(pin.current)) manifestOfBuild.set(pin.current, parseManifest(pin.manifest));
}

// ---------------------------------------------------------------------------------------
// Talking to the pages

sw.addEventListener('message', (event) => {
  const message = /** @type {Partial<PageToServiceWorker> | null} */ (event.data);
  const port = event.ports[0];
  /** @param {ServiceWorkerToPage} answer */
  const reply = (answer) => {
    if (port !== undefined) port.postMessage(answer);
    else if (event.source !== null) /** @type {Client} */ (event.source).postMessage(answer);
  };
  switch (message?.kind) {
    case 'status':
      event.waitUntil(statusNow().then((status) => reply({ kind: 'status', status })));
      break;
    case 'verify-guard':
      event.waitUntil(
        verifyGuard().then(
          (verdict) => reply({ kind: 'guard', verdict }),
          (error) => {
            console.error(`verify-guard: ${describe(error)}`);
            reply({ kind: 'guard', verdict: 'unknown' });
          },
        ),
      );
      break;
    default:
      break;
  }
});

/** Signers of builds already verified, by build id. @type {Map<string, string[]>} */
const signersOfBuild = new Map();

/**
 * The status of the pin, for a page this worker serves.
 * @returns {Promise<Status>}
 */
async function statusNow() {
  /** @param {string} reason @returns {Status} */
  const unpinned = (reason) => ({ mode: 'unpinned', build: null, pinnedAt: null, alarms: [], update: null, reason });
  let pin;
  try {
    pin = await readPin();
  } catch (error) {
    return unpinned(describe(error));
  }
  if (pin === null) return unpinned('no pinned build is stored in this browser');
  let manifest, policy, signers, staged;
  try {
    manifest = parseManifest(pin.manifest);
    staged = pin.staged ? { id: pin.staged.id, serial: parseManifest(pin.staged.manifest).serial } : null;
    policy = parsePolicy(pin.policy);
    signers = signersOfBuild.get(pin.current);
    if (signers === undefined) {
      signers = await signersOf(policy, new TextEncoder().encode(pin.manifest), pin.signatures);
      signersOfBuild.set(pin.current, signers);
    }
  } catch (error) {
    return unpinned(`the stored pin is unreadable: ${describe(error)}`);
  }
  return {
    mode: 'pinned',
    build: {
      id: pin.current,
      version: manifest.version,
      serial: manifest.serial,
      commit: manifest.commit,
      signers,
      threshold: policy.threshold,
      keys: policy.keys.length,
      testHooks: manifest.test_hooks,
    },
    pinnedAt: pin.pinnedAt,
    alarms: pin.alarms,
    update: staged,
    reason: null,
  };
}

/** Pushes the status to every window (controlled or not: each page decides its own mode). */
async function broadcastStatus() {
  await tellWindows({ kind: 'status', status: await statusNow() });
}

/** @param {ServiceWorkerToPage} message */
async function tellWindows(message) {
  for (const client of await sw.clients.matchAll({ type: 'window', includeUncontrolled: true })) {
    client.postMessage(message);
  }
}

// ---------------------------------------------------------------------------------------
// Bytes

/**
 * GETs a same-origin path past the HTTP cache's freshness (revalidated), no redirects.
 * @param {string} path
 * @returns {Promise<{ bytes: Uint8Array<ArrayBuffer>, response: Response }>}
 */
async function fetchBytes(path, cache = /** @type {RequestCache} */ ('no-cache')) {
  let response;
  try {
    response = await fetch(path, { cache, redirect: 'error', credentials: 'same-origin' });
  } catch (error) {
    // A network failure, or a redirect (refused by redirect: 'error'): fetch() cannot tell
    // them apart.
    throw new Unreachable(`${path}: ${describe(error)}`);
  }
  if (!response.ok || response.type !== 'basic') {
    throw new BadResponse(`${path}: HTTP ${response.status} (${response.type} response)`);
  }
  try {
    return { bytes: new Uint8Array(await response.arrayBuffer()), response };
  } catch (error) {
    throw new Unreachable(`${path}: ${describe(error)}`);
  }
}

/**
 * The server's bytes of `path`, compared with `entry`. Revalidation trusts a 304, and the
 * server's Last-Modified counts whole seconds: a file replaced within the second (or by one
 * with an older date) looks unchanged to the HTTP cache. So a mismatch is fetched once more
 * past the cache before anyone is told.
 * @param {string} path
 * @param {FileEntry} entry
 * @returns {Promise<{ bytes: Uint8Array<ArrayBuffer>, same: boolean }>}
 */
async function fetchAndCompare(path, entry) {
  const first = await fetchBytes(path);
  if (await matches(first.bytes, entry)) return { bytes: first.bytes, same: true };
  const { bytes } = await fetchBytes(path, 'reload');
  return { bytes, same: await matches(bytes, entry) };
}

/**
 * Whether `bytes` are the file `entry` lists (size and SHA-256).
 * @param {Uint8Array<ArrayBuffer>} bytes
 * @param {FileEntry} entry
 */
async function matches(bytes, entry) {
  return bytes.length === entry.size && (await sha256Hex(bytes)) === entry.sha256;
}

/** @param {Uint8Array<ArrayBuffer>} bytes */
async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Standard base64 (with padding) to bytes, or null.
 * @param {unknown} text
 * @returns {Uint8Array<ArrayBuffer> | null}
 */
function fromBase64(text) {
  if (typeof text !== 'string' || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  const binary = atob(text);
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/**
 * Runs `task` on every item, at most PARALLEL_FETCHES at once; rejects with the first error
 * once the tasks under way have ended.
 * @template T
 * @param {T[]} items
 * @param {(item: T) => Promise<void>} task
 */
async function forEachLimited(items, task) {
  let next = 0;
  /** @type {unknown[]} */
  const errors = [];
  const lane = async () => {
    while (next < items.length && errors.length === 0) {
      const item = items[next++];
      try {
        await task(item);
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_FETCHES, items.length) }, lane));
  if (errors.length > 0) throw errors[0];
}

/** @param {unknown} error */
function describe(error) {
  return error instanceof Error ? error.message : String(error);
}
