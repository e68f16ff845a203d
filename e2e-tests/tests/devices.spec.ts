/**
 * Devices (issue 14). Chromium offers three fake cameras, microphones and speakers here
 * (playwright.config.ts). In the lobby a person picks them and sees the
 * microphone's level; in the meeting, another camera or microphone goes out through the same
 * encrypting sender (replaceTrack: no new connection, the others keep decrypting), a picked
 * speaker plays the others, and an unplugged microphone is replaced by the default one.
 */
import { test, expect, expectRising } from '../fixtures/meeting';

test('the lobby lists cameras, microphones and speakers and shows the microphone level', async ({ newParticipant }) => {
  const alice = await newParticipant('Alice');
  const errors: string[] = [];
  alice.page.on('pageerror', (error) => errors.push(error.message));
  await alice.createMeeting();
  const page = alice.page;
  await expect(page.getByLabel('Camera', { exact: true }).locator('option')).toHaveText(['fake_device_0', 'fake_device_1', 'fake_device_2']);
  await expect(page.getByLabel('Microphone', { exact: true }).locator('option')).toHaveCount(3);
  await expect(page.getByLabel('Speaker', { exact: true }).locator('option')).toHaveCount(3);
  await expect(page.getByLabel('Camera', { exact: true })).toHaveValue(/.+/);
  // The fake microphone beeps in short bursts: the meter's highest value over 10 s, read
  // in the page every 50 ms (a poll from here, up to a second apart, can miss every burst).
  // Silence reads about 0.001, a beep 0.2-0.35: above 0.02 the meter follows the sound.
  const loudest = await page.getByTestId('microphone-level').evaluate(
    (meter) =>
      new Promise<number>((resolve) => {
        let highest = 0;
        const started = performance.now();
        const timer = setInterval(() => {
          highest = Math.max(highest, (meter as HTMLMeterElement).value);
          if (highest > 0.02 || performance.now() - started > 10_000) {
            clearInterval(timer);
            resolve(highest);
          }
        }, 50);
      }),
  );
  expect(loudest).toBeGreaterThan(0.02);
  // The test sound plays on the speaker picked, for a moment.
  const speaker = page.getByLabel('Speaker', { exact: true });
  await speaker.selectOption({ label: 'Fake Audio Output 1' });
  const chosen = await speaker.inputValue();
  // Watched from inside the page, on every frame: the tone lasts 700 ms.
  const played = page.waitForFunction(
    (sinkId) => {
      const tone = document.querySelector('[data-testid="test-tone"]') as (HTMLAudioElement & { sinkId: string }) | null;
      return tone !== null && tone.sinkId === sinkId && !tone.paused && tone.currentTime > 0;
    },
    chosen,
    { polling: 'raf', timeout: 10_000 },
  );
  await page.getByRole('button', { name: 'Play test sound' }).click();
  await played;
  const tone = page.getByTestId('test-tone');
  await expect(tone).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('another camera, microphone or speaker is used without rejoining; an unplugged microphone is replaced', async ({
  meeting,
}) => {
  const [alice, bob] = await meeting(['Alice', 'Bob']);
  const page = bob.page;
  expect(await bob.sentTrackLabels()).toContain('video: fake_device_0');
  const connections = await bob.peerConnectionsMade();

  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await expect(settings).toBeVisible();
  await settings.getByLabel('Camera', { exact: true }).selectOption({ label: 'fake_device_2' });
  await expect.poll(() => bob.sentTrackLabels()).toContain('video: fake_device_2');
  expect(await bob.sentTrackLabels()).not.toContain('video: fake_device_0');
  await settings.getByLabel('Microphone', { exact: true }).selectOption({ label: 'Fake Audio Input 1' });
  await expect.poll(() => bob.sentTrackLabels()).toContain('audio: Fake Audio Input 1');
  expect(await bob.sentTrackLabels()).not.toContain('audio: Fake Default Audio Input');
  expect(await bob.peerConnectionsMade()).toBe(connections);
  await expect(alice.tileStatus('Bob')).toHaveText('Decrypting');
  await expectRising(() => alice.framesDecodedOf('Bob'), 10);

  // Alice picks a speaker: Bob's tile plays on it.
  await alice.page.getByRole('button', { name: 'Settings' }).click();
  const speaker = alice.page.getByRole('dialog', { name: 'Settings' }).getByLabel('Speaker', { exact: true });
  await speaker.selectOption({ label: 'Fake Audio Output 1' });
  const chosen = await speaker.inputValue();
  await expect.poll(() => alice.remoteVideo('Bob').evaluate((video) => (video as HTMLMediaElement & { sinkId: string }).sinkId)).toBe(chosen);
  await alice.page.keyboard.press('Escape');

  // Bob's microphone goes away: the default one takes over, and he is told.
  await page.keyboard.press('Escape');
  await page.evaluate(() => {
    const local = document.querySelector('article[aria-label="You"] video') as HTMLVideoElement;
    (local.srcObject as MediaStream).getAudioTracks()[0].dispatchEvent(new Event('ended'));
  });
  await expect(page.getByTestId('device-notice')).toContainText('Your microphone was disconnected');
  await expect.poll(() => bob.sentTrackLabels()).toContain('audio: Fake Default Audio Input');
  await expect(alice.tileStatus('Bob')).toHaveText('Decrypting');
});
