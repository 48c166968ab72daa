/** A periodic job that is running; `stop` waits for a tick in flight to finish. */
export interface Ticking {
  stop(): Promise<void>;
}

/**
 * Runs `tick` every `intervalMs` until stopped. A tick still running when the next is due is
 * not doubled, a failed tick goes to `onError` and the next one runs as usual, and the timer
 * does not keep the process alive.
 */
export function every(
  intervalMs: number,
  tick: () => Promise<unknown>,
  onError: (error: unknown) => void,
): Ticking {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= tick()
      .then(() => undefined)
      .catch(onError)
      .finally(() => (running = undefined));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
