// @ts-check
// Frame protection for the transform worker: crypto-wasm's SFrame, with the AES-GCM call of
// large frames handed to WebCrypto (AES-NI underneath), small frames all in Wasm.
// Design: crypto-wasm/src/cryptor/split_aead.rs; figures and crossover: BENCHMARKS.md.
// Everything SFrame (counter, header, KID, nonce, AAD, key schedule, epochs, replay window)
// stays in Rust; this module only runs `crypto.subtle.encrypt`/`decrypt` on a Rust-made plan and
// assembles `clear prefix || header || ciphertext || tag`. Fail closed: any error throws or
// rejects, and the caller drops the frame.

import { PlanOffset } from './pkg/crypto_wasm.js';

/** @typedef {import('./pkg/crypto_wasm.js').FrameCryptor} FrameCryptor */
/** @typedef {import('./pkg/crypto_wasm.js').FrameCodec} FrameCodec */
/** @typedef {import('./pkg/crypto_wasm.js').ReceiverBinding} ReceiverBinding */
/**
 * A frame that unprotected.
 * @typedef {object} Unprotected
 * @property {Uint8Array} data `clear prefix || plaintext`
 * @property {number} epoch the MLS epoch whose key authenticated it
 * @property {number} senderIndex the MLS leaf index of its sender, from that key's KID
 * @property {boolean} boundNow whether it bound its receiver (an SFU feed's first authenticated frame)
 */
/** A key being imported: `key` once ready, `pending` until then. @typedef {{ key: CryptoKey | null, pending: Promise<CryptoKey> }} KeyEntry */

/**
 * Frames of at least this many bytes go to WebCrypto, smaller ones stay in Wasm. Measured
 * crossover in Chromium (BENCHMARKS.md): below it the async hop of WebCrypto costs more than
 * software AES-GCM in Wasm.
 */
export const WEBCRYPTO_MIN_FRAME_BYTES = 768;

/** Bytes handed to Rust to plan a frame: enough for any clear prefix plus the longest header (17). */
const HEAD_BYTES = 64;
/** Receive keys kept imported at once (one per sender and epoch; Rust keeps 64 too). */
const MAX_RECEIVE_KEYS = 64;
// Where a plan's fields start: crypto-wasm's `PlanOffset` (split_aead.rs has the layout).
const PLAN_GENERATION = PlanOffset.KeyGeneration;
const PLAN_CLEAR_LEN = PlanOffset.ClearLen;
const PLAN_HEADER_LEN = PlanOffset.HeaderLen;
const PLAN_KID = PlanOffset.Kid;
const PLAN_CTR = PlanOffset.Ctr;
const PLAN_EPOCH = PlanOffset.Epoch;
const PLAN_NONCE = PlanOffset.Nonce;
/** The AAD, `header || clear prefix`, runs to the plan's end. */
const PLAN_AAD = PlanOffset.Aad;
/** AES-GCM's tag (`Nt` of suites 0x0004 and 0x0005, the only ones with plans). */
const GCM_TAG_BYTES = 16;

/**
 * Imports a raw AES key as a non-extractable CryptoKey, then wipes the raw bytes.
 * @param {Uint8Array} raw
 * @param {KeyUsage} usage
 * @returns {Promise<CryptoKey>}
 */
function importAesKey(raw, usage) {
  try {
    // Rust made it: a copy of its own, in an ArrayBuffer.
    return crypto.subtle.importKey('raw', /** @type {Uint8Array<ArrayBuffer>} */ (raw), { name: 'AES-GCM' }, false, [usage]);
  } finally {
    raw.fill(0);
  }
}

/**
 * A key being imported: `key` once ready, `pending` until then.
 * @param {Promise<CryptoKey>} promise
 * @returns {KeyEntry}
 */
function keyEntry(promise) {
  /** @type {KeyEntry} */
  const entry = { key: null, pending: promise };
  promise.then(
    (key) => {
      entry.key = key;
    },
    () => {},
  );
  return entry;
}

/**
 * Imported WebCrypto keys, valid for one key generation of the cryptor (a new epoch key or an
 * expired epoch starts a new one and drops every key).
 */
class WebCryptoKeys {
  generation = -1;
  /** @type {KeyEntry | null} */
  send = null;
  /** By receive KID. @type {Map<number, KeyEntry>} */
  receive = new Map();

  /** @param {number} generation the plan's key generation */
  sync(generation) {
    if (generation === this.generation) return;
    this.generation = generation;
    this.send = null;
    this.receive.clear();
  }

  /** @param {FrameCryptor} cryptor */
  sendEntry(cryptor) {
    this.send ??= keyEntry(importAesKey(cryptor.sendKeyForImport(), 'encrypt'));
    return this.send;
  }

  /**
   * @param {FrameCryptor} cryptor
   * @param {number} kid a plan's KID
   */
  receiveEntry(cryptor, kid) {
    let entry = this.receive.get(kid);
    if (entry === undefined) {
      if (this.receive.size >= MAX_RECEIVE_KEYS) {
        // Drop the oldest import (Map iterates in insertion order; the map is not empty).
        this.receive.delete(/** @type {number} */ (this.receive.keys().next().value));
      }
      entry = keyEntry(importAesKey(cryptor.receiveKeyForImport(kid), 'decrypt'));
      this.receive.set(kid, entry);
      entry.pending.catch(() => {
        if (this.receive.get(kid) === entry) this.receive.delete(kid);
      });
    }
    return entry;
  }
}


/**
 * Protects and unprotects frames with one `FrameCryptor`, choosing Wasm or WebCrypto by size.
 * Small frames go through the cryptor's buffers in Wasm memory (see `protectInBuffer` in
 * crypto-wasm/src/wasm.rs): one copy in, one copy out, no allocation in Wasm.
 */
export class FrameCrypto {
  #keys = new WebCryptoKeys();
  /** @type {WebAssembly.Memory} */
  #memory;
  /** Views of Wasm memory; rebuilt when it grows (its buffer is then replaced). @type {Uint8Array<ArrayBuffer> | undefined} */
  #heap;
  /** @type {DataView<ArrayBuffer>} */
  #heapData;
  /** `[epoch, sender leaf index, bound now]` of the last frame Rust unprotected. @type {Float64Array<ArrayBuffer>} */
  #source;
  /** AES-GCM parameters over the plan's IV and AAD, by plan length; views of the heap too. @type {AesGcmParams[]} */
  #gcmParamsByPlanLen = [];
  /** @type {number} */
  #inputPtr;
  /** @type {number} */
  #outputPtr;
  /** @type {number} */
  #bufferFrameBytes;

  /**
   * @param {FrameCryptor} cryptor a crypto-wasm `FrameCryptor`
   * @param {number} minWebCryptoBytes the crossover (tests and benchmarks may move it)
   */
  constructor(cryptor, minWebCryptoBytes = WEBCRYPTO_MIN_FRAME_BYTES) {
    this.cryptor = cryptor;
    this.minWebCryptoBytes = minWebCryptoBytes;
    this.#memory = /** @type {WebAssembly.Memory} */ (cryptor.memory);
    this.#inputPtr = cryptor.inputPtr;
    this.#outputPtr = cryptor.outputPtr;
    this.#bufferFrameBytes = cryptor.bufferFrameBytes;
    this.#views();
    /** Test builds: records frames that take the WebCrypto path, as the Wasm path does itself. */
    this.recording = typeof cryptor.recordSplitSent === 'function';
  }

  /**
   * The heap view, taken again if Wasm memory grew: growing detaches the old buffer, and a view
   * of a detached buffer has length 0 (cheaper to read than `memory.buffer`, a call into V8).
   */
  /** @returns {Uint8Array<ArrayBuffer>} */
  #views() {
    if (this.#heap === undefined || this.#heap.byteLength === 0) {
      this.#heap = new Uint8Array(this.#memory.buffer);
      this.#heapData = new DataView(this.#memory.buffer);
      this.#source = new Float64Array(this.#memory.buffer, this.cryptor.sourcePtr, 3);
      this.#gcmParamsByPlanLen = [];
    }
    return this.#heap;
  }

  /**
   * Copies `bytes` (at most `bufferFrameBytes`) to the cryptor's input buffer.
   * @param {Uint8Array} bytes
   */
  #input(bytes) {
    this.#views().set(bytes, this.#inputPtr);
  }

  /**
   * A copy of the first `len` bytes of the cryptor's output buffer.
   * @param {number} len
   */
  #output(len) {
    return this.#views().slice(this.#outputPtr, this.#outputPtr + len);
  }

  /**
   * Protects `data`; `codec` is a crypto-wasm `FrameCodec`. Returns the protected bytes, or a
   * promise of them for frames on the WebCrypto path. Throws (or rejects) when the frame must be
   * dropped.
   * @param {Uint8Array<ArrayBuffer>} data
   * @param {FrameCodec} codec
   * @param {boolean} isKeyFrame
   * @returns {Uint8Array | Promise<Uint8Array>}
   */
  protect(data, codec, isKeyFrame) {
    if (data.byteLength >= this.minWebCryptoBytes) {
      const head = data.subarray(0, HEAD_BYTES);
      this.#input(head);
      const planLen = this.cryptor.prepareProtectInBuffer(head.byteLength, data.byteLength, codec, isKeyFrame);
      if (planLen !== 0) return this.#seal(planLen, data, codec, isKeyFrame);
    }
    if (data.byteLength <= this.#bufferFrameBytes) {
      this.#input(data);
      return this.#output(this.cryptor.protectInBuffer(data.byteLength, codec, isKeyFrame));
    }
    return this.cryptor.protect(data, codec, isKeyFrame);
  }

  /**
   * Unprotects `data` at `nowMs` (a monotonic clock: the worker's frame clock) for the receiver
   * bound by `binding` (crypto-wasm's `ReceiverBinding`: frames of any other sender are refused
   * before authentication). Returns `{ data, epoch, senderIndex, boundNow }` (`senderIndex` is
   * the MLS leaf whose key authenticated it), or a promise of it on the WebCrypto path, which
   * only bound receivers take. Throws (or rejects) when the frame must be dropped; errors named
   * `NoEpochKeyError`, `WrongSenderError` and their siblings are thrown by Rust under the names
   * crypto-wasm exports.
   * @param {Uint8Array<ArrayBuffer>} data
   * @param {FrameCodec} codec
   * @param {boolean} isKeyFrame
   * @param {number} nowMs
   * @param {ReceiverBinding} binding
   * @returns {Unprotected | Promise<Unprotected>}
   */
  unprotect(data, codec, isKeyFrame, nowMs, binding) {
    if (data.byteLength >= this.minWebCryptoBytes) {
      const head = data.subarray(0, HEAD_BYTES);
      this.#input(head);
      const planLen = this.cryptor.prepareUnprotectInBuffer(head.byteLength, data.byteLength, codec, isKeyFrame, nowMs, binding);
      if (planLen !== 0) return this.#open(planLen, data, codec, isKeyFrame, binding);
    }
    /** @type {Uint8Array} */
    let plain;
    if (data.byteLength <= this.#bufferFrameBytes) {
      this.#input(data);
      plain = this.#output(this.cryptor.unprotectInBuffer(data.byteLength, codec, isKeyFrame, nowMs, binding));
    } else {
      plain = this.cryptor.unprotect(data, codec, isKeyFrame, nowMs, binding);
      this.#views();
    }
    const source = this.#source;
    return { data: plain, epoch: source[0], senderIndex: source[1], boundNow: source[2] === 1 };
  }

  // #seal and #open read the plan where Rust wrote it (at `outputPtr`; split_aead.rs has the
  // layout) before anything else can overwrite it, and chain the WebCrypto promise with `then`
  // rather than being async functions: one promise less per frame, on the path every large
  // frame takes. A call into Wasm (a key export, a recording) may grow its memory, so the views
  // are taken again after one.

  /**
   * AES-GCM parameters from the plan. When WebCrypto is called at once (it copies them before
   * returning), they are views of where every plan sits, one object per plan length, made once
   * per heap; when the call waits for a key import, copies.
   * @param {number} planLen
   * @param {boolean} now whether WebCrypto is called at once
   * @returns {AesGcmParams}
   */
  #gcmParams(planLen, now) {
    const heap = this.#views();
    let params = now ? this.#gcmParamsByPlanLen[planLen] : undefined;
    if (params === undefined) {
      const at = this.#outputPtr;
      const iv = heap.subarray(at + PLAN_NONCE, at + PLAN_AAD);
      const additionalData = heap.subarray(at + PLAN_AAD, at + planLen);
      if (!now) return { name: 'AES-GCM', iv: iv.slice(), additionalData: additionalData.slice(), tagLength: 128 };
      params = { name: 'AES-GCM', iv, additionalData, tagLength: 128 };
      this.#gcmParamsByPlanLen[planLen] = params;
    }
    return params;
  }

  /**
   * @param {number} planLen
   * @param {Uint8Array<ArrayBuffer>} data
   * @param {FrameCodec} codec
   * @param {boolean} isKeyFrame
   * @returns {Promise<Uint8Array>}
   */
  #seal(planLen, data, codec, isKeyFrame) {
    this.#views();
    const at = this.#outputPtr;
    this.#keys.sync(this.#heapData.getUint32(at + PLAN_GENERATION, true));
    const entry = this.#keys.sendEntry(this.cryptor);
    const heap = this.#views();
    const clear = this.#heapData.getUint16(at + PLAN_CLEAR_LEN, true);
    const headerLen = heap[at + PLAN_HEADER_LEN];
    // The frame is built around the ciphertext: prefix and header now, while the plan is here.
    const sealedLen = data.byteLength - clear + GCM_TAG_BYTES;
    const out = new Uint8Array(clear + headerLen + sealedLen);
    out.set(data.subarray(0, clear));
    out.set(heap.subarray(at + PLAN_AAD, at + PLAN_AAD + headerLen), clear);
    const params = this.#gcmParams(planLen, entry.key !== null);
    /** @param {CryptoKey} key */
    const encrypt = (key) => crypto.subtle.encrypt(params, key, data.subarray(clear));
    const sealing = entry.key !== null ? encrypt(entry.key) : entry.pending.then(encrypt);
    return sealing.then((sealed) => {
      // A length other than planned throws, and the frame is dropped.
      out.set(new Uint8Array(sealed), clear + headerLen);
      if (this.recording) this.cryptor.recordSplitSent(data, codec, isKeyFrame, out.byteLength);
      return out;
    });
  }

  /**
   * @param {number} planLen
   * @param {Uint8Array<ArrayBuffer>} data
   * @param {FrameCodec} codec
   * @param {boolean} isKeyFrame
   * @param {ReceiverBinding} binding
   * @returns {Promise<Unprotected>}
   */
  #open(planLen, data, codec, isKeyFrame, binding) {
    if (this.recording) this.cryptor.recordSplitReceived(data, codec, isKeyFrame);
    this.#views();
    const at = this.#outputPtr;
    const plan = this.#heapData;
    this.#keys.sync(plan.getUint32(at + PLAN_GENERATION, true));
    const clear = plan.getUint16(at + PLAN_CLEAR_LEN, true);
    const headerLen = plan.getUint8(at + PLAN_HEADER_LEN);
    const kid = plan.getFloat64(at + PLAN_KID, true);
    const ctr = plan.getFloat64(at + PLAN_CTR, true);
    const epoch = plan.getFloat64(at + PLAN_EPOCH, true);
    const entry = this.#keys.receiveEntry(this.cryptor, kid);
    const params = this.#gcmParams(planLen, entry.key !== null);
    /** @param {CryptoKey} key */
    const decrypt = (key) => crypto.subtle.decrypt(params, key, data.subarray(clear + headerLen));
    const opening = entry.key !== null ? decrypt(entry.key) : entry.pending.then(decrypt);
    return opening.then((opened) => {
      // Authenticated: Rust moves the replay window and names the sender by the key's KID, or
      // returns -1 if the counter was taken meanwhile (or the key is gone, or the receiver's
      // binding changed).
      const senderIndex = this.cryptor.confirmUnprotect(kid, ctr, binding);
      if (senderIndex < 0) throw new Error('frame could not be unprotected');
      let out;
      if (clear === 0) {
        out = new Uint8Array(opened);
      } else {
        out = new Uint8Array(clear + opened.byteLength);
        out.set(data.subarray(0, clear));
        out.set(new Uint8Array(opened), clear);
      }
      // Only receivers bound already get a plan: a frame here never binds one.
      return { data: out, epoch, senderIndex, boundNow: false };
    });
  }
}
