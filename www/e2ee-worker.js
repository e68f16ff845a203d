// @ts-check
// Conclave's transform worker: every encoded audio and video frame of the page passes through
// here and is protected (send) or unprotected (receive) with SFrame by crypto-wasm.
// Contract: docs/ARCHITECTURE.md, "The worker contract" (the page's side is
// client/src/worker_protocol.rs). Fail closed: a frame that cannot be protected or unprotected
// is dropped, never passed on.

import init, {
  FrameCodec,
  FrameCryptor,
  ReceiverBinding,
  keyLockedErrorName,
  newerEpochKeyErrorName,
  noEpochKeyErrorName,
  replayedFrameErrorName,
  staleEpochErrorName,
  wrongSenderErrorName,
} from './pkg/crypto_wasm.js';
import { FrameCrypto } from './frame-crypto.js';
// The SHA-256 (SRI) of crypto_wasm_bg.wasm, written by the release tool: a module that does
// not match is not compiled, and the worker reports a failed start (`fatal`).
import { CRYPTO_WASM_SRI } from './pkg/integrity.js';

// The worker contract. Messages are tagged on `kind`.
/** @typedef {'audio' | 'video'} MediaKind */
/**
 * Where a receiver's frames come from, as the page named it: a mesh peer or an SFU stream
 * (whose sender only the decrypting key tells).
 * @typedef {{ participantId: string, feedId?: undefined } | { feedId: string, participantId?: undefined }} Source
 */
/**
 * A transform's options (`new RTCRtpScriptTransform(worker, options)`, or inside
 * `attachStreams`). Senders name no source: one sender serves every peer or the SFU.
 * @typedef {{ side: 'send' | 'receive', participantId?: string, feedId?: string, mediaKind: MediaKind }} TransformOptions
 */
/**
 * A message from the page (the client's `PageToWorker`).
 * @typedef {{ kind: 'useSuite', suite: number }
 *   | { kind: 'useEpochKey', epoch: number | bigint, baseKey: Uint8Array<ArrayBuffer>, senderIndex: number }
 *   | TransformOptions & { kind: 'attachStreams', readable: ReadableStream<EncodedFrame>, writable: WritableStream<EncodedFrame> }
 *   | { kind: 'expectSender', participantId: string, senderIndex: number | null }
 *   | { kind: 'senderLeft', senderIndex: number }
 *   | { kind: 'takeRecordings' }} PageToWorker
 */
/**
 * The running totals of one receiver. Their names are listed once, in `COUNTERS`.
 * @typedef {Record<typeof COUNTERS[number], number>} Counters
 */
/**
 * A message to the page (the client's `WorkerToPage`); `recordings` only in test builds.
 * @typedef {{ kind: 'ready', transformApi: 'script-transform' | 'encoded-streams' }
 *   | Source & Counters & { kind: 'receiveStats', mediaKind: MediaKind, senderIndex: number | null, epoch: number | null, epochSince: number | null }
 *   | { kind: 'feedBound', feedId: string, senderIndex: number, epoch: number }
 *   | { kind: 'fatal', message: string }
 *   | { kind: 'recordings', sent: unknown[], received: unknown[] }} WorkerToPage
 */
/** @typedef {RTCEncodedAudioFrame | RTCEncodedVideoFrame} EncodedFrame */

/**
 * Posts a message to the page.
 * @param {WorkerToPage} message
 * @param {Transferable[]} [transfer]
 */
function post(message, transfer = []) {
  self.postMessage(message, transfer);
}

const STATS_INTERVAL_MS = 250;
const ERROR_LOG_INTERVAL_MS = 5000;
/**
 * How often the frame clock is read. Frames are unprotected at `frameClockMs`, a `performance.now()`
 * taken by a timer, not by a call per frame (one costs about a twentieth of an audio frame's whole
 * unprotection); what the time decides, the 5 s grace of an old epoch, needs no finer clock.
 */
const FRAME_CLOCK_TICK_MS = 50;
let frameClockMs = performance.now();
setInterval(() => {
  frameClockMs = performance.now();
}, FRAME_CLOCK_TICK_MS);

/** Set once the wasm is loaded; everything that uses it awaits `ready` first. @type {FrameCryptor} */
let cryptor;
/** Frame protection over `cryptor`: Wasm for small frames, WebCrypto's AES-GCM for large ones. @type {FrameCrypto} */
let frameCrypto;
/** True once an epoch key is set; until then every frame is dropped. */
let keyed = false;
/**
 * `name`s of the errors `FrameCryptor.unprotect` throws that are counted apart, read from
 * crypto-wasm once it is loaded: no key for the frame's epoch, an epoch newer than ours, and an
 * authentic frame seen before or older than the replay window (RFC 9605 section 9.3).
 */
let noEpochKeyError = '';
let newerEpochKeyError = '';
let replayedFrameError = '';
/**
 * `name`s of the errors for frames refused before authentication: of another sender than the
 * receiver's, of an old epoch its sender has left, under a key locked after too many failed
 * authentications (suite 0x0003).
 */
let wrongSenderError = '';
let staleEpochError = '';
let keyLockedError = '';
/**
 * Live video send transformers (RTCRtpScriptTransform only), asked for a key frame after a send-key
 * switch so receivers get a decodable frame under the new key quickly. The createEncodedStreams
 * fallback has no such call.
 * @type {Set<RTCRtpScriptTransformer>}
 */
const videoSendTransformers = new Set();

// Registered synchronously, before any await: an RTCRtpScriptTransform created right after the
// worker starts must not find the worker without a handler.
self.onrtctransform = (event) => {
  const transformer = event.transformer;
  const options = /** @type {TransformOptions} */ (transformer.options ?? {});
  const isVideoSend = options.side === 'send' && options.mediaKind !== 'audio';
  if (isVideoSend) videoSendTransformers.add(transformer);
  attach(options, transformer.readable, transformer.writable).finally(() => {
    if (isVideoSend) videoSendTransformers.delete(transformer);
  });
};

/** @param {MessageEvent<PageToWorker>} event */
self.onmessage = (event) => {
  const message = event.data;
  switch (message?.kind) {
    case 'useSuite':
      useSuite(message.suite);
      break;
    case 'useEpochKey':
      useEpochKey(message.epoch, message.baseKey, message.senderIndex);
      break;
    case 'attachStreams':
      attach(message, message.readable, message.writable);
      break;
    case 'expectSender':
      expectSender(message.participantId, message.senderIndex);
      break;
    case 'senderLeft':
      senderLeft(message.senderIndex);
      break;
    case 'takeRecordings':
      takeRecordings();
      break;
    default:
      // Unknown kinds are ignored.
      break;
  }
};

const wasm = new Request(new URL('./pkg/crypto_wasm_bg.wasm', import.meta.url), { integrity: CRYPTO_WASM_SRI });
const ready = init({ module_or_path: wasm }).then(
  () => {
    cryptor = new FrameCryptor();
    frameCrypto = new FrameCrypto(cryptor);
    noEpochKeyError = noEpochKeyErrorName();
    newerEpochKeyError = newerEpochKeyErrorName();
    replayedFrameError = replayedFrameErrorName();
    wrongSenderError = wrongSenderErrorName();
    staleEpochError = staleEpochErrorName();
    keyLockedError = keyLockedErrorName();
    const transformApi =
      typeof self.RTCRtpScriptTransformer !== 'undefined' ? 'script-transform' : 'encoded-streams';
    post({ kind: 'ready', transformApi });
  },
  (error) => {
    post({ kind: 'fatal', message: `the encryption module could not be loaded: ${describe(error)}` });
    throw error;
  },
);
// Every user of `ready` handles its rejection; this only silences the unhandled-rejection report.
ready.catch(() => {});

/**
 * Sets the meeting's SFrame cipher suite (RFC 9605 identifier 1-5; 4 if never sent). Must come
 * before the first key; a refused suite is fatal, so no frame passes under a suite the meeting
 * did not choose.
 * @param {number} suite
 */
async function useSuite(suite) {
  try {
    await ready;
  } catch {
    return;
  }
  try {
    cryptor.useSuite(suite);
  } catch (error) {
    keyed = false;
    post({ kind: 'fatal', message: `the cipher suite was rejected: ${describe(error)}` });
  }
}

/**
 * Adds an MLS epoch key and sends under it at once. A rejected key (an epoch older than the
 * current one, a key of the wrong length) is fatal: the worker stops passing frames rather than go
 * on under a key the group has left.
 * @param {number | bigint} epoch
 * @param {Uint8Array<ArrayBuffer> | undefined} baseKey
 * @param {number} senderIndex
 */
async function useEpochKey(epoch, baseKey, senderIndex) {
  try {
    await ready;
  } catch {
    return;
  }
  const bytes = baseKey instanceof Uint8Array ? baseKey : new Uint8Array(baseKey ?? 0);
  try {
    if (!Number.isInteger(senderIndex) || senderIndex < 0 || senderIndex > 0xffffffff) {
      throw new Error('senderIndex must be an integer from 0 to 2^32 - 1');
    }
    // `epoch` may arrive as a BigInt; the cryptor takes a number and rejects anything above 2^53 - 1.
    const epochNumber = typeof epoch === 'bigint' ? Number(epoch) : epoch;
    if (typeof epochNumber !== 'number' || (typeof epoch === 'bigint' && BigInt(epochNumber) !== epoch)) {
      throw new Error('epoch must be an integer from 0 to 2^53 - 1');
    }
    cryptor.useEpochKey(epochNumber, bytes, senderIndex, performance.now());
    keyed = true;
  } catch (error) {
    keyed = false;
    post({ kind: 'fatal', message: `the epoch key was rejected: ${describe(error)}` });
    return;
  } finally {
    bytes.fill(0);
  }
  requestKeyFrames();
}

/**
 * Every receiver accepts frames from exactly one MLS sender leaf (crypto-wasm's
 * `ReceiverBinding`), one binding per source, shared by its audio and video receivers: a mesh
 * peer's is the leaf the page names (`expectSender`), an SFU feed's its first authenticated
 * frame of the newest epoch, re-bound only after the page says that leaf left (`senderLeft`).
 * @type {Map<string, ReceiverBinding>}
 */
const bindingBySource = new Map();

/**
 * @param {Source} source
 * @returns {string}
 */
function sourceKey(source) {
  return source.feedId !== undefined ? `feed\u0000${source.feedId}` : `peer\u0000${source.participantId}`;
}

/**
 * The binding of `source`'s receivers, made on first use. Call only once the wasm is loaded.
 * @param {Source} source
 * @returns {ReceiverBinding}
 */
function bindingOf(source) {
  const key = sourceKey(source);
  let binding = bindingBySource.get(key);
  if (binding === undefined) {
    binding = source.feedId !== undefined ? ReceiverBinding.forFeed() : ReceiverBinding.forPeer();
    bindingBySource.set(key, binding);
  }
  return binding;
}

/**
 * Mesh: the page names the MLS leaf of a peer (`null`: not a member). Its receivers accept that
 * leaf's frames only; a leaf that changed is accepted from the current send epoch on.
 * @param {string} participantId
 * @param {number | null} senderIndex
 */
async function expectSender(participantId, senderIndex) {
  try {
    await ready;
  } catch {
    return;
  }
  const leaf = Number.isInteger(senderIndex) && senderIndex !== null && senderIndex >= 0 && senderIndex <= 0xffffffff ? senderIndex : undefined;
  bindingOf({ participantId: String(participantId) }).expectSender(leaf, cryptor);
}

/**
 * SFU: the page says MLS leaf `senderIndex` left the group. Feeds bound to it are unbound; their
 * next authenticated frame of the newest epoch binds them again, and that is reported.
 * @param {number} senderIndex
 */
async function senderLeft(senderIndex) {
  try {
    await ready;
  } catch {
    return;
  }
  if (!Number.isInteger(senderIndex) || senderIndex < 0 || senderIndex > 0xffffffff) return;
  for (const binding of bindingBySource.values()) binding.release(senderIndex);
}

/** Asks every live video encoder for a key frame (under the new send key). */
function requestKeyFrames() {
  for (const transformer of videoSendTransformers) {
    try {
      const pending = transformer.generateKeyFrame?.();
      pending?.catch?.((/** @type {unknown} */ error) => logError('generateKeyFrame', error));
    } catch (error) {
      logError('generateKeyFrame', error);
    }
  }
}

/**
 * Pipes a sender's or receiver's frames through protection or unprotection.
 * @param {TransformOptions} options
 * @param {ReadableStream<EncodedFrame>} readable
 * @param {WritableStream<EncodedFrame>} writable
 */
async function attach(options, readable, writable) {
  try {
    await ready;
  } catch {
    // No wasm, no transform: nothing is piped, so no frame ever leaves in clear.
    return;
  }
  const mediaKind = options.mediaKind === 'audio' ? 'audio' : 'video';
  const source = sourceOf(options);
  const transform =
    options.side === 'send'
      ? protectTransform(mediaKind)
      : unprotectTransform(statsEntry(source, mediaKind), bindingOf(source));
  await readable
    .pipeThrough(new TransformStream({ transform }))
    .pipeTo(writable)
    .catch((error) => logError('pipe', error));
}

/** crypto-wasm's codecs by encoded frame `mimeType` (lower case); docs/FRAME_FORMAT.md. @type {Map<string, FrameCodec>} */
const CODEC_BY_MIME_TYPE = new Map([
  ['video/vp8', FrameCodec.Vp8],
  ['video/vp9', FrameCodec.Vp9],
  ['video/h264', FrameCodec.H264],
  ['video/av1', FrameCodec.Av1],
  ['audio/opus', FrameCodec.Opus],
]);

/**
 * The `FrameCodec` crypto-wasm expects, from the frame's metadata, never from its bytes. An unknown
 * codec is `Other`: fully encrypted. Without a mimeType (older browsers) the codec is the one
 * Conclave negotiates by default: VP8 for video, Opus for audio.
 * @param {EncodedFrame} frame
 * @param {MediaKind} mediaKind
 * @returns {FrameCodec}
 */
function codecOf(frame, mediaKind) {
  const mimeType = frame.getMetadata().mimeType;
  if (typeof mimeType !== 'string') return mediaKind === 'audio' ? FrameCodec.Opus : FrameCodec.Vp8;
  return CODEC_BY_MIME_TYPE.get(mimeType.toLowerCase()) ?? FrameCodec.Other;
}

/**
 * The frame's new payload as an ArrayBuffer of exactly its length.
 * @param {Uint8Array} bytes never a view of shared memory (crypto-wasm's is not shared)
 * @returns {ArrayBuffer}
 */
function exactBuffer(bytes) {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? /** @type {ArrayBuffer} */ (bytes.buffer)
    : bytes.slice().buffer;
}

// Small frames are protected synchronously in Wasm; large ones return a promise (WebCrypto), which
// the TransformStream awaits before the next frame, so frames keep their order.
/**
 * @param {MediaKind} mediaKind
 * @returns {TransformerTransformCallback<EncodedFrame, EncodedFrame>}
 */
function protectTransform(mediaKind) {
  return (frame, controller) => {
    if (!keyed) return;
    /** @param {Uint8Array} protectedBytes */
    const enqueue = (protectedBytes) => {
      frame.data = exactBuffer(protectedBytes);
      controller.enqueue(frame);
    };
    let result;
    try {
      const isKeyFrame = /** @type {RTCEncodedVideoFrame} */ (frame).type === 'key';
      result = frameCrypto.protect(new Uint8Array(frame.data), codecOf(frame, mediaKind), isKeyFrame);
    } catch (error) {
      logError('protect', error);
      return;
    }
    if (result instanceof Promise) return result.then(enqueue, (error) => logError('protect', error));
    enqueue(result);
  };
}

/**
 * @param {ReceiveStats} stats
 * @param {ReceiverBinding} binding the one sender this receiver's source accepts
 * @returns {TransformerTransformCallback<EncodedFrame, EncodedFrame>}
 */
function unprotectTransform(stats, binding) {
  const { counts } = stats;
  return (frame, controller) => {
    if (!keyed) {
      // Media before the meeting's first key (or after a key the worker refused, which the
      // page shows as fatal): dropped, and counted as waiting for a key.
      counts.withoutKey++;
      scheduleStats(stats);
      return;
    }
    /** @param {any} error whatever `unprotect` threw or rejected with */
    const failed = (error) => {
      // Counted, not logged: the error says nothing, and a flood of forged frames must not flood the log.
      // A frame of an epoch we hold no key for is "waiting for key", not a failure.
      const name = error?.name;
      if (name === noEpochKeyError) {
        counts.withoutKey++;
      } else if (name === newerEpochKeyError) {
        // The sender is in a later epoch than any we hold: the page re-syncs if this lasts.
        counts.withoutKey++;
        counts.newerEpoch++;
      } else if (name === replayedFrameError) {
        // Authentic but seen before (or far too late): dropped, counted apart from forgeries.
        counts.replayed++;
      } else if (name === wrongSenderError) {
        // Another member's frame on this receiver (a relay swapping streams), never tried.
        counts.wrongSender++;
      } else if (name === staleEpochError) {
        // An old-epoch frame of a sender already seen in a newer one (late, or forged by a
        // member removed at the change).
        counts.staleEpoch++;
      } else if (name === keyLockedError) {
        // A key refused after too many failed authentications (suite 0x0003), until the next epoch.
        counts.keyLocked++;
      } else {
        counts.failed++;
      }
      scheduleStats(stats);
    };
    let result;
    try {
      result = frameCrypto.unprotect(
        new Uint8Array(frame.data),
        codecOf(frame, stats.mediaKind),
        // Audio frames have no `type`: never key frames.
        /** @type {RTCEncodedVideoFrame} */ (frame).type === 'key',
        frameClockMs,
        binding,
      );
    } catch (error) {
      failed(error);
      return;
    }
    if (result instanceof Promise) {
      return result.then((plain) => passDecrypted(frame, controller, stats, plain), failed);
    }
    passDecrypted(frame, controller, stats, result);
  };
}

/**
 * Passes a decrypted frame on and counts it.
 * @param {EncodedFrame} frame
 * @param {TransformStreamDefaultController<EncodedFrame>} controller
 * @param {ReceiveStats} stats
 * @param {import('./frame-crypto.js').Unprotected} plain
 */
function passDecrypted(frame, controller, stats, plain) {
  frame.data = exactBuffer(plain.data);
  stats.counts.decrypted++;
  stats.senderIndex = plain.senderIndex;
  if (plain.boundNow && stats.source.feedId !== undefined) {
    // Every (re)binding of a feed is told at once: the page shows the feed in that member's tile.
    post({ kind: 'feedBound', feedId: stats.source.feedId, senderIndex: plain.senderIndex, epoch: plain.epoch });
  }
  if (plain.epoch !== stats.epoch) {
    stats.epoch = plain.epoch;
    // When this sender's frames first decrypted under the epoch: what the key-switch benchmark reads.
    stats.epochSince = Date.now();
  }
  scheduleStats(stats);
  controller.enqueue(frame);
}

/**
 * Where a receiver's frames come from, as the page named it: a mesh peer (`participantId`) or an
 * SFU feed (`feedId`, whose sender only the decrypting key tells).
 * @param {TransformOptions} options
 * @returns {Source}
 */
function sourceOf(options) {
  if (options.feedId !== undefined) return { feedId: String(options.feedId) };
  return { participantId: String(options.participantId ?? '') };
}

/** The running totals each receiver counts and `receiveStats` carries: listed here only. */
const COUNTERS = /** @type {const} */ ([
  'decrypted',
  'failed',
  'replayed',
  'withoutKey',
  'newerEpoch',
  'wrongSender',
  'staleEpoch',
  'keyLocked',
]);

/** @returns {Counters} */
function zeroCounters() {
  const counters = /** @type {Counters} */ ({});
  for (const name of COUNTERS) counters[name] = 0;
  return counters;
}

/**
 * One receiver's stats, as last posted too.
 * @typedef {object} ReceiveStats
 * @property {Source} source
 * @property {MediaKind} mediaKind
 * @property {number | null} senderIndex the MLS leaf whose key authenticated the last frame
 * @property {Counters} counts
 * @property {number | null} epoch the epoch of the last frame decrypted
 * @property {number | null} epochSince `Date.now()` when this sender's frames first decrypted under `epoch`
 * @property {{ counts: Counters, epoch: number | null, senderIndex: number | null }} posted
 * @property {number} lastPost
 * @property {ReturnType<typeof setTimeout> | null} timer
 */

/** Running totals per (source, mediaKind). @type {Map<string, ReceiveStats>} */
const statsByKey = new Map();

/**
 * @param {Source} source
 * @param {MediaKind} mediaKind
 * @returns {ReceiveStats}
 */
function statsEntry(source, mediaKind) {
  const key = `${source.feedId ?? ''}\u0000${source.participantId ?? ''}\u0000${mediaKind}`;
  let entry = statsByKey.get(key);
  if (entry === undefined) {
    entry = {
      source,
      mediaKind,
      senderIndex: null,
      counts: zeroCounters(),
      epoch: null,
      epochSince: null,
      posted: { counts: zeroCounters(), epoch: null, senderIndex: null },
      lastPost: -Infinity,
      timer: null,
    };
    statsByKey.set(key, entry);
  }
  return entry;
}

/** @param {ReceiveStats} entry */
function scheduleStats(entry) {
  if (entry.timer !== null) return;
  const wait = Math.max(0, entry.lastPost + STATS_INTERVAL_MS - performance.now());
  entry.timer = setTimeout(flushStats, wait, entry);
}

/** @param {ReceiveStats} entry */
function flushStats(entry) {
  entry.timer = null;
  const { counts, posted } = entry;
  if (
    COUNTERS.every((name) => counts[name] === posted.counts[name]) &&
    entry.epoch === posted.epoch &&
    entry.senderIndex === posted.senderIndex
  ) {
    return;
  }
  entry.lastPost = performance.now();
  entry.posted = { counts: { ...counts }, epoch: entry.epoch, senderIndex: entry.senderIndex };
  post({
    kind: 'receiveStats',
    ...entry.source,
    senderIndex: entry.senderIndex,
    mediaKind: entry.mediaKind,
    ...counts,
    epoch: entry.epoch,
    epochSince: entry.epochSince,
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
  /** @type {{ sent: { data: Uint8Array<ArrayBuffer> }[], received: { data: Uint8Array<ArrayBuffer> }[] }} */
  const { sent, received } = cryptor.takeRecordings();
  const buffers = [...sent, ...received].map((frame) => frame.data.buffer);
  post({ kind: 'recordings', sent, received }, buffers);
}

let lastErrorLog = -Infinity;
let errorsSinceLog = 0;

/**
 * Logs at most one error line per interval, with the number of errors it stands for.
 * @param {string} where
 * @param {unknown} error
 */
function logError(where, error) {
  errorsSinceLog++;
  const now = performance.now();
  if (now - lastErrorLog < ERROR_LOG_INTERVAL_MS) return;
  console.warn(`e2ee worker: ${errorsSinceLog} error(s), latest in ${where}: ${describe(error)}`);
  lastErrorLog = now;
  errorsSinceLog = 0;
}

/** @param {unknown} error */
function describe(error) {
  return error instanceof Error ? error.message : String(error);
}
