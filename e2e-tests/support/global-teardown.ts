/** Stops the Janus the global setup (or a restarting test) started, and coturn. */
import { stopCoturn } from './coturn';
import { stopJanus } from './janus';

export default async function globalTeardown(): Promise<void> {
  await stopJanus();
  await stopCoturn();
}
