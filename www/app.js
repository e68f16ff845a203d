// @ts-check
// Boots the Conclave client (Rust compiled to WebAssembly). The wasm module's start
// function renders the app into #app. No key material passes through this file.
// First the pinned build's guard (it registers the service worker and tells the app its
// status; it never stops the app from starting), then the app, whose wasm is checked
// against its SHA-256 (SRI) before it is compiled: the hash is in pkg/integrity.js, which
// the release tool writes and the page's import map checks in turn (docs/RELEASES.md).
import './integrity.js';
import init from './pkg/client.js';
import { CLIENT_WASM_SRI } from './pkg/integrity.js';

/**
 * What the page says if the app cannot start, in each language: copies of the catalogue's
 * `boot-failed` (client/locales/<language>/common.ftl; a test keeps them the same), since
 * the catalogue lives inside the app that did not start.
 */
const BOOT_FAILED = {
  en: 'Conclave could not start. Reload the page; if it happens again, this browser may not support Conclave.',
  de: 'Conclave konnte nicht starten. Laden Sie die Seite neu; geschieht es wieder, unterstützt dieser Browser Conclave möglicherweise nicht.',
  fr: 'Conclave n’a pas pu démarrer. Rechargez la page ; si cela se reproduit, ce navigateur ne prend peut-être pas en charge Conclave.',
};

/** The language the app would speak: the one picked in its switcher, else the browser's. */
function language() {
  /** @type {string[]} */
  const wanted = [];
  try {
    const picked = JSON.parse(localStorage.getItem('conclave.language') ?? 'null');
    if (typeof picked === 'string') wanted.push(picked);
  } catch {
    // Blocked or unreadable storage: the browser's languages decide.
  }
  wanted.push(...navigator.languages);
  for (const tag of wanted) {
    const primary = tag.split(/[-_]/)[0].toLowerCase();
    if (primary === 'en' || primary === 'de' || primary === 'fr') return primary;
  }
  return 'en';
}

/**
 * Fetches, checks and starts the app's wasm. It is compiled while it downloads and hashed
 * beside that; only a module whose bytes have the SHA-256 of pkg/integrity.js is
 * instantiated (compiling runs none of its code). A `Request` with `integrity` would check
 * the same, but holds the whole body back before compiling starts: about 130 ms more on a
 * cold start (BENCHMARKS.md).
 */
async function start() {
  const response = await fetch(new URL('./pkg/client_bg.wasm', import.meta.url));
  if (!response.ok) throw new Error(`the app's wasm: HTTP ${response.status}`);
  // The response itself goes to the compiler, a copy to the hash: Chromium caches the
  // compiled code only for the response it fetched (warm starts compile nothing).
  const copy = response.clone();
  const [module, digest] = await Promise.all([
    WebAssembly.compileStreaming(response),
    copy.arrayBuffer().then((bytes) => crypto.subtle.digest('SHA-256', bytes)),
  ]);
  const sri = `sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}`;
  if (sri !== CLIENT_WASM_SRI) throw new Error(`the app's wasm is not the one this page names (${sri})`);
  await init({ module_or_path: module });
}

start().catch((error) => {
  const root = document.getElementById('app') ?? document.body;
  const lang = language();
  document.documentElement.lang = lang;
  const message = document.createElement('div');
  message.className = 'boot-error';
  message.setAttribute('role', 'alert');
  const sentence = document.createElement('p');
  sentence.textContent = BOOT_FAILED[lang];
  // The browser's own words, for support (they are English).
  const detail = document.createElement('code');
  detail.lang = 'en';
  detail.textContent = String(error);
  message.replaceChildren(sentence, detail);
  root.replaceChildren(message);
});
