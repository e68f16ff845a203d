/** Stops the Janus the global setup (or a restarting test) started. */
import { stopJanus } from './janus';

export default async function globalTeardown(): Promise<void> {
  await stopJanus();
}
