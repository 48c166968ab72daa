import { parseArgs } from 'node:util';

/**
 * `<sub> <id> [--by <name>]`, the shape of the operator's one-record commands (`accounts
 * release`, `psu erase`): the id and who asked (default "operator"), or undefined once the
 * usage is printed.
 */
export function operatorArgs(
  args: string[],
  sub: string,
  usage: string,
): { id: string; by: string } | undefined {
  const [given, ...rest] = args;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { by: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    console.error(`${(e as Error).message}\n${usage}`);
    return undefined;
  }
  const [id] = parsed.positionals;
  if (given !== sub || !id || parsed.positionals.length !== 1) {
    console.error(usage);
    return undefined;
  }
  return { id, by: parsed.values.by ?? 'operator' };
}
