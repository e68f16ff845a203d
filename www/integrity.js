// @ts-check
// The page's side of the pinned build (docs/RELEASES.md): registers the service worker that
// pins it (/sw.js), keeps `window.conclaveIntegrity.status` and fires `conclave-integrity` on
// window whenever the status changes. app.js imports this module first, for its effects only;
// nothing here may stop the app from starting: every failure becomes mode 'unpinned' with a
// reason.
//
// The guard (docs/proposals/verifiable-client.md, pitfall 1): the browser installs any new
// /sw.js the server serves, and web code cannot veto that. Conclave's worker never claims
// pages, so a change of controller while this page lives is someone else's worker; a worker
// being installed while a pin exists is checked with the pinned worker (is the served /sw.js
// the one of a verified build?). Both show a `guard-replaced` alarm.

export {};

// The formats (docs/RELEASES.md, "What the page is told"; fixed). sw.js declares the same.
/**
 * @typedef {{ at: number, kind: 'tampered-file' | 'refused-update' | 'guard-replaced' | 'pin-erased',
 *   path?: string, reason?: 'unsigned' | 'unknown-policy' | 'rollback' | 'bad-file' | 'malformed' }} Alarm
 * @typedef {{ id: string, version: string, serial: number, commit: string, signers: string[],
 *   threshold: number, keys: number, testHooks: boolean }} BuildInfo
 * @typedef {'pinned' | 'first-visit' | 'unpinned' | 'unsupported'} Mode
 * @typedef {{ mode: Mode, build: BuildInfo | null, pinnedAt: number | null, alarms: Alarm[],
 *   update: { id: string, serial: number } | null, reason: string | null }} Status
 */
// The messages between this page and the service worker (sw.js explains them).
/**
 * @typedef {{ kind: 'status' } | { kind: 'verify-guard' }} PageToServiceWorker
 * @typedef {{ kind: 'status', status: Status }
 *   | { kind: 'guard', verdict: 'verified' | 'replaced' | 'unknown' }
 *   | { kind: 'install-failed', reason: string }} ServiceWorkerToPage
 */

const SW_URL = '/sw.js';
const EVENT_NAME = 'conclave-integrity';
const PIN_DATABASE = 'conclave-pin';
const PIN_STORE = 'pin';
const PIN_KEY = 'pin';
/** How long the worker may take to tell its status. */
const STATUS_TIMEOUT_MS = 10_000;
/** How long the worker may take to judge a new /sw.js (it may first download a whole build). */
const GUARD_TIMEOUT_MS = 120_000;
/** How often a pinned page looks whether its worker's registration is still there. */
const REGISTRATION_CHECK_MS = 5_000;

/** What this page knows; `publish()` makes the Status from it. */
const state = {
  /** @type {Mode | null} null until known */
  mode: null,
  /** @type {string | null} */
  reason: null,
  /** The worker's last status (its build, alarms, staged update). @type {Status | null} */
  fromWorker: null,
  /** Alarms this page raised itself (the guard's). @type {Alarm[]} */
  localAlarms: [],
  /** Alarms of a pin this page was loaded past (not served from). @type {Alarm[]} */
  storedAlarms: [],
  /** Why the worker refused to install, as it said. @type {string | null} */
  installFailure: null,
  /** The worker this page's first visit is installing. @type {ServiceWorker | null} */
  firstVisitWorker: null,
  /** Whether that worker was discarded (the install failed). */
  firstVisitRefused: false,
};

const holder = { /** @type {Status | null} */ status: null };
/** The last Status announced, as JSON. */
let published = 'null';
/** Workers the guard has judged or is judging. @type {WeakSet<ServiceWorker>} */
const guarded = new WeakSet();

/** @param {unknown} error */
function failed(error) {
  console.error(`Conclave's integrity check failed: ${describe(error)}`);
  setMode('unpinned', `the integrity check failed: ${describe(error)}`);
}

async function start() {
  const container = 'serviceWorker' in navigator ? navigator.serviceWorker : undefined;
  if (container === undefined) {
    setMode('unsupported', null);
    return;
  }
  container.addEventListener('message', onWorkerMessage);
  container.startMessages();
  container.addEventListener('controllerchange', () => {
    // Conclave's worker never claims a page: another worker took this one over.
    raiseAlarm({ at: Date.now(), kind: 'guard-replaced', path: SW_URL });
  });

  const controller = container.controller;
  let pinned = false;
  if (controller !== null) {
    pinned = true;
    if (controller.scriptURL !== new URL(SW_URL, location.origin).href) {
      setMode('unpinned', `this page is controlled by another service worker (${controller.scriptURL})`);
    } else {
      askStatus(controller).then((status) => {
        if (status === null) {
          setMode('unpinned', 'the service worker that served this page did not answer');
        } else {
          state.fromWorker = status;
          setMode(status.mode === 'pinned' ? 'pinned' : 'unpinned', status.mode === 'pinned' ? null : status.reason);
          if (status.mode === 'pinned') watchTheRegistration(container);
        }
      }, failed);
    }
  } else {
    const pin = await readStoredPin();
    if (pin !== null) {
      pinned = true;
      state.storedAlarms = Array.isArray(pin.alarms) ? /** @type {Alarm[]} */ (pin.alarms) : [];
      setMode('unpinned', 'loaded past the pinned copy (a hard reload, or its service worker was not in control)');
    }
  }

  /** @type {ServiceWorkerRegistration | undefined} */
  let registration;
  try {
    registration = await container.register(SW_URL, { scope: '/', updateViaCache: 'none' });
  } catch (error) {
    if (!pinned) setMode('unpinned', `the service worker could not be registered: ${describe(error)}`);
    return;
  }
  if (!registration) {
    // A stubbed register() (Playwright's `serviceWorkers: 'block'`, some privacy tools).
    if (!pinned) setMode('unpinned', 'service workers are blocked in this browser');
    return;
  }
  const registered = registration;
  registered.addEventListener('updatefound', () => {
    const worker = registered.installing;
    if (worker !== null && worker !== state.firstVisitWorker) guard(registered, worker);
  });
  if (pinned) {
    const pending = registered.installing ?? registered.waiting;
    if (pending !== null) guard(registered, pending);
    // register() does not look at the served /sw.js again, and the browser's own check after
    // a navigation may come late: check now, so a replaced worker shows during this visit.
    registered.update().catch((error) => console.info(`Conclave: /sw.js could not be checked: ${describe(error)}`));
    return;
  }
  const installing = registered.installing ?? registered.waiting;
  if (installing !== null) {
    firstVisit(installing);
  } else if ((await readStoredPin()) !== null) {
    setMode('unpinned', 'loaded before the pinned copy was installed (by another tab)');
  } else {
    setMode('unpinned', 'the service worker is not in control of this page and holds no pin');
  }
}

/**
 * This load installs the pin: 'first-visit' (trust on first use), with the build once the
 * worker is installed; 'unpinned' if the worker refuses the server's release.
 * @param {ServiceWorker} worker
 */
function firstVisit(worker) {
  state.firstVisitWorker = worker;
  setMode('first-visit', null);
  let asked = false;
  const follow = () => {
    if (worker.state === 'redundant') {
      worker.removeEventListener('statechange', follow);
      refuseFirstVisit();
    } else if (worker.state !== 'installing' && !asked) {
      asked = true;
      askStatus(worker).then((status) => {
        if (status === null || state.mode !== 'first-visit') return;
        state.fromWorker = status;
        publish();
      }, failed);
    }
  };
  worker.addEventListener('statechange', follow);
  follow();
}

function refuseFirstVisit() {
  if (state.mode !== 'first-visit' && !state.firstVisitRefused) return;
  state.firstVisitRefused = true;
  const why = state.installFailure ?? 'the service worker was not installed';
  setMode('unpinned', `this server's release was not pinned: ${why}`);
}

/**
 * A worker is being installed while a pin exists: asks the pinned worker whether the /sw.js
 * served now belongs to a verified build; if not, an alarm.
 * @param {ServiceWorkerRegistration} registration
 * @param {ServiceWorker} worker the new one
 */
function guard(registration, worker) {
  if (guarded.has(worker)) return;
  guarded.add(worker);
  const pinnedWorker = navigator.serviceWorker.controller ?? registration.active;
  if (pinnedWorker === null || pinnedWorker === worker) return;
  // No answer in time, or none the pinned worker could give, is an alarm too: the server
  // controls how long its answers take.
  ask(pinnedWorker, { kind: 'verify-guard' }, 'guard', GUARD_TIMEOUT_MS).then((answer) => {
    console.info(`Conclave: a new service worker is being installed; its script is ${answer?.verdict ?? 'not judged in time'}`);
    if (answer?.verdict !== 'verified') {
      raiseAlarm({ at: Date.now(), kind: 'guard-replaced', path: SW_URL });
    }
  }, failed);
}

/** @param {MessageEvent} event a message from a service worker */
function onWorkerMessage(event) {
  if (!(event.source instanceof ServiceWorker)) return;
  const message = /** @type {Partial<ServiceWorkerToPage> | null} */ (event.data);
  // Only the worker that serves this page speaks for it: another (a waiting or installing
  // one, whoever's it is) could otherwise post "pinned, no alarms".
  const fromController = event.source === navigator.serviceWorker.controller;
  if (message?.kind === 'status' && fromController && isStatus(message.status)) {
    state.fromWorker = message.status;
    publish();
  } else if (message?.kind === 'install-failed' && typeof message.reason === 'string') {
    state.installFailure = message.reason;
    if (state.firstVisitWorker?.state === 'redundant') refuseFirstVisit();
  }
}

/**
 * The worker's status, or null if it does not answer in time.
 * @param {ServiceWorker} worker
 * @returns {Promise<Status | null>}
 */
async function askStatus(worker) {
  const answer = await ask(worker, { kind: 'status' }, 'status', STATUS_TIMEOUT_MS);
  return answer !== null && isStatus(answer.status) ? answer.status : null;
}

/**
 * Sends `message` with a port of its own and waits for the answer of `kind` on it.
 * @template {ServiceWorkerToPage['kind']} K
 * @param {ServiceWorker} worker
 * @param {PageToServiceWorker} message
 * @param {K} kind
 * @param {number} timeoutMs
 * @returns {Promise<Extract<ServiceWorkerToPage, { kind: K }> | null>}
 */
function ask(worker, message, kind, timeoutMs) {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => finish(null), timeoutMs);
    /** @param {Extract<ServiceWorkerToPage, { kind: K }> | null} answer */
    const finish = (answer) => {
      clearTimeout(timer);
      channel.port1.close();
      resolve(answer);
    };
    channel.port1.onmessage = (event) => {
      if (event.data?.kind === kind) finish(event.data);
    };
    worker.postMessage(message, [channel.port2]);
  });
}

/**
 * The pin record in IndexedDB, read without creating the database; null if there is none
 * or it cannot be read.
 * @returns {Promise<Record<string, unknown> | null>}
 */
async function readStoredPin() {
  try {
    return await new Promise((resolve, reject) => {
      const request = indexedDB.open(PIN_DATABASE);
      // No database yet: opening it must not create it (the worker creates it with its store).
      request.onupgradeneeded = () => request.transaction?.abort();
      request.onerror = () => resolve(null);
      request.onblocked = () => resolve(null);
      request.onsuccess = () => {
        const database = request.result;
        if (!database.objectStoreNames.contains(PIN_STORE)) {
          database.close();
          resolve(null);
          return;
        }
        const read = database.transaction(PIN_STORE, 'readonly').objectStore(PIN_STORE).get(PIN_KEY);
        read.onsuccess = () => {
          database.close();
          const value = read.result;
          resolve(typeof value === 'object' && value !== null ? value : null);
        };
        read.onerror = () => {
          database.close();
          reject(read.error);
        };
      };
    });
  } catch (error) {
    console.warn(`Conclave: the stored pin could not be read: ${describe(error)}`);
    return null;
  }
}

/**
 * While a pinned page is open, its worker's registration must stay: `Clear-Site-Data` on
 * any answer of the server (or someone clearing this site's data) removes it with the
 * pin, and the next load would be a first visit. Looked at every few seconds and whenever the
 * page is shown again; the alarm stays on this page (the pin that would keep it is gone).
 * @param {ServiceWorkerContainer} container
 */
function watchTheRegistration(container) {
  let erased = false;
  const look = async () => {
    if (erased) return;
    const registration = await container.getRegistration('/');
    if (registration?.active != null) return;
    erased = true;
    clearInterval(timer);
    raiseAlarm({ at: Date.now(), kind: 'pin-erased' });
  };
  const timer = setInterval(() => look().catch(failed), REGISTRATION_CHECK_MS);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') look().catch(failed);
  });
}

/**
 * Adds an alarm this page raised (shown once per kind and path).
 * @param {Alarm} alarm
 */
function raiseAlarm(alarm) {
  console.error(`Conclave integrity alarm: ${JSON.stringify(alarm)}`);
  state.localAlarms.push(alarm);
  publish();
}

/**
 * @param {Mode} mode
 * @param {string | null} reason
 */
function setMode(mode, reason) {
  state.mode = mode;
  state.reason = reason;
  publish();
}

/** Makes the Status from `state`; stores and announces it if it changed. */
function publish() {
  if (state.mode === null) return;
  const fromWorker = state.fromWorker;
  const servedByPin = state.mode === 'pinned' || state.mode === 'first-visit';
  /** @type {Status} */
  const status = {
    mode: state.mode,
    build: servedByPin ? (fromWorker?.build ?? null) : null,
    pinnedAt: servedByPin ? (fromWorker?.pinnedAt ?? null) : null,
    alarms: withoutRepeats([...state.storedAlarms, ...(fromWorker?.alarms ?? []), ...state.localAlarms]),
    update: servedByPin ? (fromWorker?.update ?? null) : null,
    reason: state.mode === 'unpinned' ? state.reason : null,
  };
  const text = JSON.stringify(status);
  if (text === published) return;
  published = text;
  holder.status = deepFreeze(JSON.parse(text));
  window.dispatchEvent(new CustomEvent(EVENT_NAME, { detail: holder.status }));
}

/**
 * Alarms with one of each kind, path and reason (the first kept), newest last.
 * @param {Alarm[]} alarms
 */
function withoutRepeats(alarms) {
  const seen = new Set();
  return alarms
    .filter((alarm) => {
      const key = `${alarm.kind}\u0000${alarm.path ?? ''}\u0000${alarm.reason ?? ''}`;
      return !seen.has(key) && seen.add(key);
    })
    .sort((a, b) => a.at - b.at);
}

/**
 * Whether a worker's message holds a Status (its shape only: the worker is trusted as far
 * as it is the pinned one).
 * @param {unknown} value
 * @returns {value is Status}
 */
function isStatus(value) {
  if (typeof value !== 'object' || value === null) return false;
  const status = /** @type {Record<string, unknown>} */ (value);
  return typeof status.mode === 'string' && Array.isArray(status.alarms) && 'build' in status && 'update' in status;
}

/**
 * @template T
 * @param {T} value
 * @returns {T}
 */
function deepFreeze(value) {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** @param {unknown} error */
function describe(error) {
  return error instanceof Error ? error.message : String(error);
}

// Last, once every binding above exists.
try {
  Object.defineProperty(window, 'conclaveIntegrity', { value: holder, enumerable: true });
  start().catch(failed);
} catch (error) {
  failed(error);
}
