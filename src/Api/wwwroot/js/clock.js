// Countdowns run on the server's clock: every selection answer carries serverTime, and the difference to the local
// clock corrects it, so that a phone whose clock is off still shows the seconds the server counts.

let offsetMs = 0;

/** Takes the server's time from an answer (serverTime, ISO 8601). */
export function syncClock(serverTime) {
  const server = Date.parse(serverTime ?? '');
  if (!Number.isNaN(server)) offsetMs = server - Date.now();
}

/** Now, on the server's clock (milliseconds since the epoch). */
export const serverNow = () => Date.now() + offsetMs;

/** Whole seconds left until an ISO moment, on the server's clock; 0 once it passed. */
export const secondsLeft = (iso) => Math.max(0, Math.ceil((Date.parse(iso) - serverNow()) / 1000));

/**
 * Calls tick(seconds left) now and four times a second until the moment, then onEnd once. Returns the function that
 * stops it; the router stops every countdown of a screen when it leaves it.
 */
export function countdown(iso, tick, onEnd, track) {
  let ended = false;
  const step = () => {
    const left = secondsLeft(iso);
    tick(left);
    if (left === 0 && !ended) {
      ended = true;
      clearInterval(timer);
      onEnd?.();
    }
  };
  const timer = setInterval(step, 250);
  const stop = () => clearInterval(timer);
  track?.(stop);
  step();
  return stop;
}
