/** Starts the real Janus the SFU-mode project needs (support/janus.ts). */
import { startJanus, stopJanus } from './janus';

export default async function globalSetup(): Promise<void> {
  await stopJanus();
  await startJanus();
}
