// Conclave's transform worker: every encoded audio and video frame of the page passes through
// here and is protected (send) or unprotected (receive) with SFrame by crypto-wasm.
// Contract: docs/ARCHITECTURE.md, "The transform worker". Fail closed: a frame that cannot be
// protected or unprotected is dropped, never passed on.

import init, { FrameCryptor } from './pkg/crypto_wasm.js';

const STATS_INTERVAL_MS = 250;
const ERROR_LOG_INTERVAL_MS = 5000;

/** @type {FrameCryptor | null} */
let cryptor = null;
/** True once a key source is set; until then every frame is dropped. */
let keyed = false;

// Registered synchronously, before any await: an RTCRtpScriptTransform created right after the
// worker starts must not find the worker without a handler.
self.onrtctransform = (event) => {
  const transformer = event.transformer;
  attach(transformer.options ?? {}, transformer.readable, transformer.writable);
};

self.onmessage = (event) => {
  const message = event.data;
  switch (message?.kind) {
    case 'useMeetingSecret':
      useMeetingSecret(message.secret);
      break;
    case 'attachStreams':
      attach(message, message.readable, message.writable);
      break;
    case 'takeRecordings':
      takeRecordings();
      break;
    default:
      // Unknown kinds are ignored.
      break;
  }
};

const ready = init().then(
  () => {
    cryptor = new FrameCryptor();
    const transformApi =
      typeof self.RTCRtpScriptTransformer !== 'undefined' ? 'script-transform' : 'encoded-streams';
    self.postMessage({ kind: 'ready', transformApi });
  },
  (error) => {
    self.postMessage({ kind: 'fatal', message: `the encryption module could not be loaded: ${describe(error)}` });
    throw error;
  },
);
// Every user of `ready` handles its rejection; this only silences the unhandled-rejection report.
ready.catch(() => {});

async function useMeetingSecret(secret) {
  try {
    await ready;
  } catch {
    return;
  }
  try {
    const bytes = secret instanceof Uint8Array ? secret : new Uint8Array(secret ?? 0);
    // The KID names this worker's sender key; a fresh random one per key source.
    let lastError = null;
    for (let attempt = 0; attempt < 4; attempt++) {
      const senderKeyId = self.crypto.getRandomValues(new Uint32Array(1))[0];
      try {
        cryptor.useMeetingSecret(bytes, senderKeyId);
        keyed = true;
        lastError = null;
        break;
      } catch (error) {
        lastError = error;
      }
    }
    bytes.fill(0);
    if (lastError !== null) throw lastError;
  } catch (error) {
    self.postMessage({ kind: 'fatal', message: `the meeting key was rejected: ${describe(error)}` });
  }
}

async function attach(options, readable, writable) {
  try {
    await ready;
  } catch {
    // No wasm, no transform: nothing is piped, so no frame ever leaves in clear.
    return;
  }
  const mediaKind = options.mediaKind === 'audio' ? 'audio' : 'video';
  const transform =
    options.side === 'send'
      ? protectTransform(mediaKind)
      : unprotectTransform(statsEntry(String(options.participantId ?? ''), mediaKind));
  readable
    .pipeThrough(new TransformStream({ transform }))
    .pipeTo(writable)
    .catch((error) => logError('pipe', error));
}

/** The codec name crypto-wasm expects, from the frame's metadata. */
function codecOf(frame, mediaKind) {
  if (mediaKind === 'audio') return 'opus';
  const mimeType = frame.getMetadata().mimeType;
  if (mimeType === undefined) return 'vp8'; // Conclave negotiates VP8 only.
  return mimeType.toLowerCase() === 'video/vp8' ? 'vp8' : 'unknown';
}

/** The frame's new payload as an ArrayBuffer of exactly its length. */
function exactBuffer(bytes) {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? bytes.buffer
    : bytes.slice().buffer;
}

function protectTransform(mediaKind) {
  return (frame, controller) => {
    if (!keyed) return;
    let protectedBytes;
    try {
      protectedBytes = cryptor.protect(new Uint8Array(frame.data), codecOf(frame, mediaKind), frame.type === 'key');
    } catch (error) {
      logError('protect', error);
      return;
    }
    frame.data = exactBuffer(protectedBytes);
    controller.enqueue(frame);
  };
}

function unprotectTransform(stats) {
  return (frame, controller) => {
    if (!keyed) return;
    let plain;
    try {
      plain = cryptor.unprotect(new Uint8Array(frame.data), codecOf(frame, stats.mediaKind), frame.type === 'key');
    } catch {
      // Counted, not logged: the error says nothing, and a flood of forged frames must not flood the log.
      stats.failed++;
      scheduleStats(stats);
      return;
    }
    frame.data = exactBuffer(plain);
    stats.decrypted++;
    scheduleStats(stats);
    controller.enqueue(frame);
  };
}

/** Running totals per (participantId, mediaKind). */
const statsByKey = new Map();

function statsEntry(participantId, mediaKind) {
  const key = `${participantId}\u0000${mediaKind}`;
  let entry = statsByKey.get(key);
  if (entry === undefined) {
    entry = { participantId, mediaKind, decrypted: 0, failed: 0, postedDecrypted: 0, postedFailed: 0, lastPost: -Infinity, timer: null };
    statsByKey.set(key, entry);
  }
  return entry;
}

function scheduleStats(entry) {
  if (entry.timer !== null) return;
  const wait = Math.max(0, entry.lastPost + STATS_INTERVAL_MS - performance.now());
  entry.timer = setTimeout(flushStats, wait, entry);
}

function flushStats(entry) {
  entry.timer = null;
  if (entry.decrypted === entry.postedDecrypted && entry.failed === entry.postedFailed) return;
  entry.lastPost = performance.now();
  entry.postedDecrypted = entry.decrypted;
  entry.postedFailed = entry.failed;
  self.postMessage({
    kind: 'receiveStats',
    participantId: entry.participantId,
    mediaKind: entry.mediaKind,
    decrypted: entry.decrypted,
    failed: entry.failed,
  });
}

async function takeRecordings() {
  try {
    await ready;
  } catch {
    return;
  }
  // Present only in test builds (cargo feature `test-hooks`).
  if (typeof cryptor.takeRecordings !== 'function') return;
  const { sent, received } = cryptor.takeRecordings();
  const buffers = [...sent, ...received].map((frame) => frame.data.buffer);
  self.postMessage({ kind: 'recordings', sent, received }, buffers);
}

let lastErrorLog = -Infinity;
let errorsSinceLog = 0;

/** Logs at most one error line per interval, with the number of errors it stands for. */
function logError(where, error) {
  errorsSinceLog++;
  const now = performance.now();
  if (now - lastErrorLog < ERROR_LOG_INTERVAL_MS) return;
  console.warn(`e2ee worker: ${errorsSinceLog} error(s), latest in ${where}: ${describe(error)}`);
  lastErrorLog = now;
  errorsSinceLog = 0;
}

function describe(error) {
  return error instanceof Error ? error.message : String(error);
}
