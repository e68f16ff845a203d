// Frame protection for the transform worker: crypto-wasm's SFrame, with the AES-GCM call of
// large frames handed to WebCrypto (AES-NI underneath), small frames all in Wasm.
// Design: crypto-wasm/src/cryptor/split_aead.rs; figures and crossover: BENCHMARKS.md.
// Everything SFrame (counter, header, KID, nonce, AAD, key schedule, epochs, replay window)
// stays in Rust; this module only runs `crypto.subtle.encrypt`/`decrypt` on a Rust-made plan and
// assembles `clear prefix || header || ciphertext || tag`. Fail closed: any error throws or
// rejects, and the caller drops the frame.

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
/** Plan layout: see split_aead.rs. */
const PLAN_AAD_OFFSET = 44;

/** Imports a raw AES key as a non-extractable CryptoKey, then wipes the raw bytes. */
function importAesKey(raw, usage) {
  try {
    return crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, [usage]);
  } finally {
    raw.fill(0);
  }
}

/** A key being imported: `key` once ready, `pending` until then. */
function keyEntry(promise) {
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
 * Imported WebCrypto keys, valid for one key generation of the cryptor (a new epoch, key source
 * or an expired epoch starts a new one and drops every key).
 */
class WebCryptoKeys {
  generation = -1;
  send = null;
  receive = new Map();

  sync(generation) {
    if (generation === this.generation) return;
    this.generation = generation;
    this.send = null;
    this.receive.clear();
  }

  sendEntry(cryptor) {
    this.send ??= keyEntry(importAesKey(cryptor.sendKeyForImport(), 'encrypt'));
    return this.send;
  }

  receiveEntry(cryptor, kid) {
    let entry = this.receive.get(kid);
    if (entry === undefined) {
      if (this.receive.size >= MAX_RECEIVE_KEYS) {
        // Drop the oldest import (Map iterates in insertion order).
        this.receive.delete(this.receive.keys().next().value);
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

function gcmParams(plan) {
  return { name: 'AES-GCM', iv: plan.subarray(32, 44), additionalData: plan.subarray(PLAN_AAD_OFFSET), tagLength: 128 };
}

/**
 * Protects and unprotects frames with one `FrameCryptor`, choosing Wasm or WebCrypto by size.
 * Small frames go through the cryptor's buffers in Wasm memory (see `protectInBuffer` in
 * crypto-wasm/src/wasm.rs): one copy in, one copy out, no allocation in Wasm.
 */
export class FrameCrypto {
  #keys = new WebCryptoKeys();
  #memory;
  /** Views of Wasm memory; rebuilt when it grows (its buffer is then replaced). */
  #heap;
  #source;
  #inputPtr;
  #outputPtr;
  #bufferFrameBytes;

  /**
   * @param cryptor a crypto-wasm `FrameCryptor`
   * @param minWebCryptoBytes the crossover (tests and benchmarks may move it)
   */
  constructor(cryptor, minWebCryptoBytes = WEBCRYPTO_MIN_FRAME_BYTES) {
    this.cryptor = cryptor;
    this.minWebCryptoBytes = minWebCryptoBytes;
    this.#memory = cryptor.memory;
    this.#inputPtr = cryptor.inputPtr;
    this.#outputPtr = cryptor.outputPtr;
    this.#bufferFrameBytes = cryptor.bufferFrameBytes;
    this.#views();
    /** Test builds: records frames that take the WebCrypto path, as the Wasm path does itself. */
    this.recording = typeof cryptor.recordSplitSent === 'function';
  }

  /** The heap view, taken again if Wasm memory grew (which detaches the old views). */
  #views() {
    if (this.#heap?.buffer !== this.#memory.buffer) {
      this.#heap = new Uint8Array(this.#memory.buffer);
      this.#source = new Float64Array(this.#memory.buffer, this.cryptor.sourcePtr, 2);
    }
    return this.#heap;
  }

  /** Copies `bytes` (at most `bufferFrameBytes`) to the cryptor's input buffer. */
  #input(bytes) {
    this.#views().set(bytes, this.#inputPtr);
  }

  /** A copy of the first `len` bytes of the cryptor's output buffer. */
  #output(len) {
    return this.#views().slice(this.#outputPtr, this.#outputPtr + len);
  }

  /**
   * Protects `data` (Uint8Array); `codec` is a crypto-wasm `FrameCodec`. Returns the protected
   * bytes, or a promise of them for frames on the WebCrypto path. Throws (or rejects) when the
   * frame must be dropped.
   */
  protect(data, codec, isKeyFrame) {
    if (data.byteLength >= this.minWebCryptoBytes) {
      const head = data.subarray(0, HEAD_BYTES);
      this.#input(head);
      const planLen = this.cryptor.prepareProtectInBuffer(head.byteLength, data.byteLength, codec, isKeyFrame);
      if (planLen !== 0) return this.#seal(this.#output(planLen), data, codec, isKeyFrame);
    }
    if (data.byteLength <= this.#bufferFrameBytes) {
      this.#input(data);
      return this.#output(this.cryptor.protectInBuffer(data.byteLength, codec, isKeyFrame));
    }
    return this.cryptor.protect(data, codec, isKeyFrame);
  }

  /**
   * Unprotects `data` at `nowMs` (`performance.now()`). Returns `{ data, epoch, senderIndex }`
   * (both `null` under the meeting secret; `senderIndex` is the MLS leaf whose key authenticated
   * it), or a promise of it on the WebCrypto path. Throws (or rejects) when the frame must be
   * dropped; errors named `NoEpochKeyError`/`NewerEpochKeyError` come from Rust as before.
   */
  unprotect(data, codec, isKeyFrame, nowMs) {
    if (data.byteLength >= this.minWebCryptoBytes) {
      const head = data.subarray(0, HEAD_BYTES);
      this.#input(head);
      const planLen = this.cryptor.prepareUnprotectInBuffer(head.byteLength, data.byteLength, codec, isKeyFrame, nowMs);
      if (planLen !== 0) return this.#open(this.#output(planLen), data, codec, isKeyFrame);
    }
    let plain;
    if (data.byteLength <= this.#bufferFrameBytes) {
      this.#input(data);
      plain = this.#output(this.cryptor.unprotectInBuffer(data.byteLength, codec, isKeyFrame, nowMs));
    } else {
      plain = this.cryptor.unprotect(data, codec, isKeyFrame, nowMs);
      this.#views();
    }
    const epoch = this.#source[0];
    const senderIndex = this.#source[1];
    return {
      data: plain,
      epoch: Number.isNaN(epoch) ? null : epoch,
      senderIndex: Number.isNaN(senderIndex) ? null : senderIndex,
    };
  }

  // #seal and #open chain the WebCrypto promise with `then` rather than being async functions:
  // one promise less per frame, on the path every large frame takes.
  #seal(plan, data, codec, isKeyFrame) {
    const view = new DataView(plan.buffer, plan.byteOffset, plan.byteLength);
    this.#keys.sync(view.getUint32(0, true));
    const clear = view.getUint16(4, true);
    const headerLen = plan[6];
    const entry = this.#keys.sendEntry(this.cryptor);
    const encrypt = (key) => crypto.subtle.encrypt(gcmParams(plan), key, data.subarray(clear));
    const sealing = entry.key !== null ? encrypt(entry.key) : entry.pending.then(encrypt);
    return sealing.then((sealedBuffer) => {
      const sealed = new Uint8Array(sealedBuffer);
      const out = new Uint8Array(clear + headerLen + sealed.byteLength);
      out.set(data.subarray(0, clear));
      out.set(plan.subarray(PLAN_AAD_OFFSET, PLAN_AAD_OFFSET + headerLen), clear);
      out.set(sealed, clear + headerLen);
      if (this.recording) this.cryptor.recordSplitSent(data, codec, isKeyFrame, out.byteLength);
      return out;
    });
  }

  #open(plan, data, codec, isKeyFrame) {
    if (this.recording) this.cryptor.recordSplitReceived(data, codec, isKeyFrame);
    const view = new DataView(plan.buffer, plan.byteOffset, plan.byteLength);
    this.#keys.sync(view.getUint32(0, true));
    const clear = view.getUint16(4, true);
    const headerLen = plan[6];
    const epoch = view.getFloat64(24, true);
    const entry = this.#keys.receiveEntry(this.cryptor, view.getFloat64(8, true));
    const decrypt = (key) => crypto.subtle.decrypt(gcmParams(plan), key, data.subarray(clear + headerLen));
    const opening = entry.key !== null ? decrypt(entry.key) : entry.pending.then(decrypt);
    return opening.then((opened) => {
      // Authenticated: Rust moves the replay window (and throws if the counter was taken
      // meanwhile) and names the sender by the key's KID.
      this.#input(plan);
      const senderIndex = this.cryptor.confirmUnprotectInBuffer(plan.byteLength);
      let out;
      if (clear === 0) {
        out = new Uint8Array(opened);
      } else {
        out = new Uint8Array(clear + opened.byteLength);
        out.set(data.subarray(0, clear));
        out.set(new Uint8Array(opened), clear);
      }
      const known = !Number.isNaN(epoch);
      return { data: out, epoch: known ? epoch : null, senderIndex: known ? senderIndex : null };
    });
  }
}
