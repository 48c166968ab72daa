/**
 * A SELECT list of quoted column names, optionally qualified by a table alias. The names
 * come from our own code, never from a request, so they are safe to splice; quoting keeps
 * camelCase names intact on PostgreSQL. Returns text for the caller's own client to wrap
 * in `Prisma.raw`: each generated client has its own `Prisma` namespace.
 */
export function columnList(names: Iterable<string>, alias?: string): string {
  const prefix = alias ? `${alias}.` : '';
  return Array.from(names, (c) => `${prefix}"${c}"`).join(', ');
}
