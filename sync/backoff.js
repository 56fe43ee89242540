// Retry timing for the outbox: exponential backoff with jitter, reset by a success.
export function backoffDelay(attempt, { base = 2000, max = 5 * 60 * 1000, random = Math.random } = {}) {
  const ceiling = Math.min(max, base * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function createRetryTimer(run, { setTimer = setTimeout, clearTimer = clearTimeout, random } = {}) {
  let attempt = 0;
  let handle = null;
  function cancel() {
    if (handle !== null) clearTimer(handle);
    handle = null;
  }
  function schedule(delay) {
    cancel();
    handle = setTimer(() => {
      handle = null;
      run();
    }, delay);
    return delay;
  }
  return {
    schedule,
    cancel,
    failed() {
      return schedule(backoffDelay(attempt++, { random }));
    },
    succeeded() {
      attempt = 0;
      cancel();
    },
    get attempt() {
      return attempt;
    },
  };
}
