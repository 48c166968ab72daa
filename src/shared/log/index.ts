import pino from 'pino';

/**
 * Structured logs: one JSON object per line on stdout, filtered by LOG_LEVEL, written by
 * pino. Log ids, codes and timings; never tokens, secrets or account data.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (e.g. the service name). */
  child(fields: LogFields): Logger;
}

/**
 * An Error anywhere in the fields is logged by name and message: never its stack (paths,
 * code) nor its own properties (a bank's response body, a query's parameters). Plain objects
 * and arrays are walked (a few levels: the shapes we log) and copied only where an Error is.
 */
function plain(v: unknown, depth = 0): unknown {
  if (v instanceof Error) return { name: v.name, message: v.message };
  if (depth > 6 || typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    v.forEach((x, i) => {
      const y = plain(x, depth + 1);
      if (y !== x) (out ??= [...v])[i] = y;
    });
    return out ?? v;
  }
  if (Object.getPrototypeOf(v) !== Object.prototype) return v;
  let out: Record<string, unknown> | undefined;
  for (const [k, x] of Object.entries(v)) {
    const y = plain(x, depth + 1);
    if (y !== x) (out ??= { ...v })[k] = y;
  }
  return out ?? v;
}

const wrap = (p: pino.Logger): Logger => ({
  debug: (msg, fields) => p.debug(fields ?? {}, msg),
  info: (msg, fields) => p.info(fields ?? {}, msg),
  warn: (msg, fields) => p.warn(fields ?? {}, msg),
  error: (msg, fields) => p.error(fields ?? {}, msg),
  child: (fields) => wrap(p.child(plain(fields) as LogFields)),
});

const nothing = (): void => {};
const silent: Logger = {
  debug: nothing,
  info: nothing,
  warn: nothing,
  error: nothing,
  child: () => silent,
};

/**
 * `write` gets each line without its newline (tests collect them); by default lines go to
 * stdout synchronously, so nothing is lost when a process exits right after logging.
 */
export function createLogger(
  level: LogLevel,
  write?: (line: string) => void,
  base: LogFields = {},
): Logger {
  if (level === 'silent') return silent;
  const destination = write
    ? { write: (line: string) => write(line.endsWith('\n') ? line.slice(0, -1) : line) }
    : pino.destination({ dest: 1, sync: true });
  const p = pino(
    {
      level,
      // No pid or hostname: the fields our lines always had, and no more.
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => plain(fields) as Record<string, unknown>,
      },
    },
    destination,
  );
  return wrap(Object.keys(base).length ? p.child(plain(base) as LogFields) : p);
}

export const silentLogger: Logger = silent;
