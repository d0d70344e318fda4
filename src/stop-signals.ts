/**
 * How long after a stop signal the same signal again is taken as the same request. One signal to a
 * process group (systemd's default, `timeout`, `kill -- -PGID`, Ctrl-C) reaches both the launcher
 * and the command it runs on Node 24, and the launcher passes its copy on (bin/node-runtime.mjs
 * runOn must, for a signal sent to it alone); the child hears that one signal twice, milliseconds
 * apart. Neither process can tell who sent a signal, so time tells them apart: a person or a
 * process manager asking again waits longer than this.
 */
export const SAME_STOP_REQUEST_MS = 1000;

/** Whether a stop signal at `now` repeats the one first heard at `firstAt`, rather than asking again. */
export function isSameStopRequest(firstAt: number, now: number = Date.now()): boolean {
  return now - firstAt < SAME_STOP_REQUEST_MS;
}
