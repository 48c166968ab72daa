/**
 * Libraries that read the environment themselves, where ours has other meanings. Hive's
 * logger reads LOG_LEVEL on construction and throws on a level it does not know (ours has
 * `silent`). Such an object is built with the variable out of sight, here, because only this
 * folder touches the environment.
 */
export function withoutVariable<T>(name: string, build: () => T): T {
  const ours = process.env[name];
  delete process.env[name];
  try {
    return build();
  } finally {
    if (ours !== undefined) process.env[name] = ours;
  }
}
