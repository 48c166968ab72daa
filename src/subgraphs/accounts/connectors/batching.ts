/**
 * Connectors answer for many accounts at once with one flat list. A DataLoader batch function
 * must answer with one entry per key, in key order: this regroups the list into that shape.
 */
export function groupByAccount<T extends { bankAccountId: string }>(
  bankAccountIds: readonly string[],
  items: readonly T[],
): T[][] {
  const groups = new Map<string, T[]>(bankAccountIds.map((id) => [id, []]));
  for (const item of items) groups.get(item.bankAccountId)?.push(item);
  return bankAccountIds.map((id) => groups.get(id) ?? []);
}
