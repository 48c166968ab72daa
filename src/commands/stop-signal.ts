/**
 * Resolves on the first SIGINT or SIGTERM. Taken before the process says it is ready: a
 * supervisor (or a test) that reads "ready" and asks for a stop at once must get the orderly
 * stop, not Node's default for an unhandled signal, which ends the process where it stands.
 */
export function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
