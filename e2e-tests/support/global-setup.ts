/** Starts the real Janus the SFU-mode project needs (support/janus.ts) and the real coturn of the relay-only specs (support/coturn.ts). */
import { startCoturn, stopCoturn } from './coturn';
import { startJanus, stopJanus } from './janus';

export default async function globalSetup(): Promise<void> {
  await stopJanus();
  await startJanus();
  await stopCoturn();
  await startCoturn();
}
