import { defineConfig } from '@playwright/test';
import * as path from 'node:path';
import { COTURN_SECRET, TURN_RELAY_PORTS } from './support/coturn';
import { JANUS_ADMIN_KEY, JANUS_WS_URL } from './support/janus';

/** The servers the suite starts; inside the private namespace no other process uses them. */
const MESH_PORT = 8090;
const JANUS_MODE_PORT = 8091;
const root = path.resolve(__dirname, '..');
/** The served tree; CONCLAVE_WWW_DIR lets a benchmark run serve a bundle built elsewhere. */
const wwwDir = process.env.CONCLAVE_WWW_DIR ?? `${root}/target/www-test`;

export default defineConfig({
  forbidOnly: !!process.env.CI,
  retries: 0,
  // Each test runs several real browsers with WebRTC; the machine has two cores.
  workers: 1,
  fullyParallel: false,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
  // The real Janus for the SFU-mode project (support/janus.ts).
  globalSetup: './support/global-setup.ts',
  globalTeardown: './support/global-teardown.ts',
  use: {
    // Kept on failure: actions, DOM snapshots, console and network. Without the screencast
    // filmstrip, which cost about a third of the suite's CPU and wall time on two cores
    // (BENCHMARKS.md, "Test time").
    trace: { mode: 'retain-on-failure', screenshots: false },
    // The app's service worker pins the build it first saw (docs/RELEASES.md); only the
    // specs about that pin let it run (`pinsTheBuild`), so that every other spec loads the
    // server's files as they are and Playwright's routes see every request.
    serviceWorkers: 'block',
    permissions: ['camera', 'microphone', 'clipboard-read', 'clipboard-write'],
    launchOptions: {
      // Debian's Chromium; never `npx playwright install`.
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // Three fake cameras (the device tests switch to the third: the second is a depth
        // camera, whose frames no encoder takes); microphones and speakers come in threes.
        '--use-fake-device-for-media-stream=device-count=3',
        '--use-fake-ui-for-media-stream',
        '--allow-loopback-in-peer-connection',
      ],
    },
  },
  projects: [
    // The suites `cargo xtask test` runs: every scenario in mesh mode (plus the mesh-only
    // ones in tests/mesh/), and again with the media carried by a real Janus (plus the
    // SFU-only scenarios in tests/sfu/).
    {
      name: 'chromium',
      testDir: './tests',
      testIgnore: '**/sfu/**',
      use: { baseURL: `http://127.0.0.1:${MESH_PORT}` },
    },
    {
      name: 'janus',
      testDir: './tests',
      // Mesh-only scenarios (the SFU mode has its own in tests/sfu/).
      testIgnore: '**/mesh/**',
      use: { baseURL: `http://127.0.0.1:${JANUS_MODE_PORT}` },
    },
    // The README's screenshots (docs/screenshots/README.md), not a test.
    {
      name: 'screenshots',
      testDir: './screenshots',
      timeout: 180_000,
      use: { baseURL: `http://127.0.0.1:${MESH_PORT}` },
    },
    // Measurements, not pass/fail timings: `cargo xtask bench` runs them and prints figures.
    {
      name: 'benchmarks',
      testDir: './benchmarks',
      testMatch: '**/*.bench.ts',
      timeout: 300_000,
      use: { baseURL: `http://127.0.0.1:${MESH_PORT}` },
    },
  ],
  // Servers are awaited on /livez (the process serves): a Janus-mode server's /healthz
  // (readiness) answers 503 until the global setup, which Playwright runs after the web
  // servers are up, has started Janus.
  webServer: [
    {
      command: `${root}/target/debug/conclave-server --listen 127.0.0.1:${MESH_PORT} --www-dir ${wwwDir}`,
      url: `http://127.0.0.1:${MESH_PORT}/livez`,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
      timeout: 30_000,
    },
    {
      command: `${root}/target/debug/conclave-server --listen 127.0.0.1:${JANUS_MODE_PORT} --www-dir ${wwwDir}`,
      url: `http://127.0.0.1:${JANUS_MODE_PORT}/livez`,
      env: { CONCLAVE_MEDIA_MODE: 'janus', CONCLAVE_JANUS_URL: JANUS_WS_URL, CONCLAVE_JANUS_ADMIN_KEY: JANUS_ADMIN_KEY },
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
      timeout: 30_000,
    },
    // The relay-only servers (tests/turn-relay.spec.ts): each participant gets credentials
    // for the suite's coturn, and may use only its relayed candidates.
    {
      command: `${root}/target/debug/conclave-server --listen 127.0.0.1:${TURN_RELAY_PORTS.chromium} --www-dir ${wwwDir} --config ${__dirname}/support/turn-relay.toml`,
      url: `http://127.0.0.1:${TURN_RELAY_PORTS.chromium}/livez`,
      env: { CONCLAVE_TURN_SECRET: COTURN_SECRET },
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
      timeout: 30_000,
    },
    {
      command: `${root}/target/debug/conclave-server --listen 127.0.0.1:${TURN_RELAY_PORTS.janus} --www-dir ${wwwDir} --config ${__dirname}/support/turn-relay.toml`,
      url: `http://127.0.0.1:${TURN_RELAY_PORTS.janus}/livez`,
      env: {
        CONCLAVE_TURN_SECRET: COTURN_SECRET,
        CONCLAVE_MEDIA_MODE: 'janus',
        CONCLAVE_JANUS_URL: JANUS_WS_URL,
        CONCLAVE_JANUS_ADMIN_KEY: JANUS_ADMIN_KEY,
      },
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
      timeout: 30_000,
    },
  ],
});
