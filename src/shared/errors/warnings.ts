/**
 * The closed list of warnings: the answer is given, but the client should know something
 * about it. They travel in the response's `extensions.warnings` as `{code, message, ...}`;
 * a subgraph also names them in a response header so the gateway can pass them on (the
 * engine does not merge subgraph extensions into the client's answer).
 */
export const WarningCode = {
  /** Reconciliation found the account's balance and transactions disagreeing. */
  DATA_QUARANTINED: 'DATA_QUARANTINED',
} as const;
export type WarningCode = (typeof WarningCode)[keyof typeof WarningCode];

export interface Warning {
  code: WarningCode;
  message: string;
  accountIds?: string[];
}

export const warningsHeader = 'x-ledgergraph-warnings';

/** Warnings from several subgraph answers as one list: one entry per code, ids merged. */
export function mergeWarnings(lists: readonly Warning[][]): Warning[] {
  const byCode = new Map<WarningCode, Warning>();
  for (const w of lists.flat()) {
    const seen = byCode.get(w.code);
    if (!seen)
      byCode.set(w.code, { ...w, ...(w.accountIds ? { accountIds: [...w.accountIds] } : {}) });
    else if (w.accountIds) {
      seen.accountIds = [...new Set([...(seen.accountIds ?? []), ...w.accountIds])].sort();
    }
  }
  return [...byCode.values()];
}

/** A header's warnings, or none when it is absent or not ours. */
export function parseWarnings(header: string | null): Warning[] {
  if (!header) return [];
  try {
    const parsed = JSON.parse(header) as unknown;
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (w): w is Warning =>
        typeof w === 'object' &&
        w !== null &&
        Object.values(WarningCode).includes((w as Warning).code) &&
        typeof (w as Warning).message === 'string',
    );
  } catch {
    return [];
  }
}
