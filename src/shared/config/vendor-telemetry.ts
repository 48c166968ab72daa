/** The levels Hive's logger accepts in LOG_LEVEL; it throws on any other. */
const hiveLevels = new Set(['trace', 'debug', 'info', 'warn', 'error']);

/**
 * Libraries that read the environment themselves, where ours has other meanings. Hive's
 * gateway runtime builds loggers of its own at run time (one per subgraph executor, some per
 * request), each reading LOG_LEVEL in its constructor and throwing on a level it does not
 * know — ours has `silent`, and the throw became a 500 on a gateway's first requests. Our
 * configuration has been read by the time the engine exists, so the variable is narrowed to
 * a level every library knows: `silent` becomes `error`, the quietest there is.
 */
export function narrowLogLevelForLibraries(): void {
  const level = process.env.LOG_LEVEL;
  if (level !== undefined && !hiveLevels.has(level)) process.env.LOG_LEVEL = 'error';
}

/**
 * NODE_ENV is read by libraries once, when each first loads; the CLI calls this before it
 * loads any command. Unset, graphql-js runs its development checks (a second-realm test on
 * every failed instanceof: 3.4–4.7 % of a dashboard's profile, docs/BENCHMARKS.md). Ours never reads
 * it (config does that), and Apollo Server's options that would follow it are set explicitly
 * (src/shared/http/subgraph.ts), so only those checks change; an operator's value stands.
 */
export function productionUnlessSet(): void {
  process.env.NODE_ENV ||= 'production';
}
