/**
 * The worker's frame module (`www/frame-crypto.js`) in Chromium: its two paths, all-Wasm and
 * WebCrypto for the AES-GCM call, give the same bytes and open each other's frames at every
 * size around the crossover and the in-memory buffer's limit; a tampered or replayed frame is
 * refused on the WebCrypto path and the next one still opens.
 */
import { test, expect } from '@playwright/test';

test('the Wasm and WebCrypto frame paths agree byte for byte and fail closed', async ({ page }) => {
  await page.goto('/');
  const result = await page.evaluate(async () => {
    const wasm = await import('/pkg/crypto_wasm.js');
    await wasm.default();
    const { FrameCrypto } = await import('/frame-crypto.js');
    const base = crypto.getRandomValues(new Uint8Array(16));
    const party = (senderIndex: number, minWebCryptoBytes: number) => {
      const cryptor = new wasm.FrameCryptor();
      cryptor.useEpochKey(1, base.slice(), senderIndex, performance.now());
      const frames = new FrameCrypto(cryptor, minWebCryptoBytes);
      frames.recording = false; // test-bundle hook
      return frames;
    };
    const equal = (a: Uint8Array, b: Uint8Array) => a.byteLength === b.byteLength && a.every((v, i) => v === b[i]);
    const frameOf = (size: number) => new Uint8Array(size).map((_, i) => (i * 31 + 7) & 0xff);
    // Same key and leaf on both senders: their counters move in step.
    const wasmSender = party(1, Infinity);
    const webCryptoSender = party(1, 0);
    const wasmReceiver = party(2, Infinity);
    const webCryptoReceiver = party(2, 0);
    const { Vp8, Opus } = wasm.FrameCodec;
    // Each receiver's source, bound to the sender by its first frame (an SFU feed's rule).
    const wasmFeed = wasm.ReceiverBinding.forFeed();
    const webCryptoFeed = wasm.ReceiverBinding.forFeed();
    const mismatches: string[] = [];
    for (const size of [0, 1, 100, 160, 767, 768, 1200, 4000, 4096, 5000, 100_000]) {
      for (const [codec, isKey] of [[Vp8, false], [Vp8, true], [Opus, false]] as const) {
        const plain = frameOf(size);
        const viaWasm = await wasmSender.protect(plain, codec, isKey);
        const viaWebCrypto = await webCryptoSender.protect(plain, codec, isKey);
        if (!equal(viaWasm, viaWebCrypto)) mismatches.push(`protect ${size} ${codec} ${isKey}`);
        const opened = [
          await wasmReceiver.unprotect(viaWebCrypto, codec, isKey, performance.now(), wasmFeed),
          await webCryptoReceiver.unprotect(viaWasm, codec, isKey, performance.now(), webCryptoFeed),
        ];
        for (const { data, epoch, senderIndex } of opened) {
          if (!equal(data, plain) || epoch !== 1 || senderIndex !== 1) mismatches.push(`unprotect ${size} ${codec} ${isKey}`);
        }
      }
    }
    const refused = async (frame: Uint8Array) => {
      try {
        await webCryptoReceiver.unprotect(frame, Vp8, false, performance.now(), webCryptoFeed);
        return false;
      } catch {
        return true;
      }
    };
    const big = frameOf(3000);
    const tampered = await webCryptoSender.protect(big, Vp8, false);
    tampered[tampered.byteLength - 20] ^= 1;
    const replayed = await webCryptoSender.protect(big, Vp8, false);
    const firstOpen = await webCryptoReceiver.unprotect(replayed, Vp8, false, performance.now(), webCryptoFeed);
    const next = await webCryptoSender.protect(big, Vp8, false);
    return {
      mismatches,
      tamperedRefused: await refused(tampered),
      replayOpenedOnce: equal(firstOpen.data, big),
      replayRefused: await refused(replayed),
      nextOpens: equal((await webCryptoReceiver.unprotect(next, Vp8, false, performance.now(), webCryptoFeed)).data, big),
    };
  });
  expect(result.mismatches).toEqual([]);
  expect(result.tamperedRefused).toBe(true);
  expect(result.replayOpenedOnce).toBe(true);
  expect(result.replayRefused).toBe(true);
  expect(result.nextOpens).toBe(true);
});
