/**
 * Pairs a booked entry that arrived under a new bank id with the pending entry it settles,
 * so one Ledgergraph transaction moves Pending → Booked instead of a removal and an
 * addition. Pure rules, no store: the sync store calls it with what vanished and what came.
 * The thresholds and why: docs/DECISIONS.md, "Pending → booked under a new id".
 */

export interface MatchEntry {
  /** The stored id (pending side) or the id the new entry would get (booked side). */
  id: string;
  accountId: string;
  currency: string;
  creditDebit: string;
  /** Non-negative decimal string. */
  amount: string;
  bookingDateTime: Date;
  description: string | null;
  counterpartyName: string | null;
  merchantName: string | null;
}

export interface PendingMatch {
  bookedId: string;
  pendingId: string;
  /** About 0.35 to 1: how sure the pairing is. */
  confidence: number;
}

export interface MatchResult {
  matches: PendingMatch[];
  /** Booked entries with more than one plausible pending entry: kept apart, flagged. */
  ambiguous: { bookedId: string; pendingIds: string[] }[];
}

export const matchRules = {
  /** A card's final amount may differ from its authorisation (tips, fuel, FX) by this share. */
  amountTolerance: 0.2,
  /** Booked at most this long after the pending date (card clearing takes 1–5 days)... */
  windowDays: 7,
  /** ...and at most this long before it (banks re-date by value date or time zone). */
  earlyDays: 1,
  /** Below this text similarity, two entries are not the same purchase. */
  minTextSimilarity: 0.5,
  /** A best candidate must beat the next by this much to be taken alone. */
  margin: 0.1,
} as const;

const dayMs = 86_400_000;

/**
 * Gates (all must hold): same account, currency and direction; booked amount within
 * `amountTolerance` of the pending one; booked date within [pending − earlyDays,
 * pending + windowDays]; counterparty/merchant or description similar enough. Confidence
 * weighs amount (0.4), text (0.4) and date (0.2). A pair is matched only when each is the
 * other's clear best; any other booked entry with candidates is ambiguous.
 */
export function matchPending(
  booked: readonly MatchEntry[],
  pending: readonly MatchEntry[],
): MatchResult {
  const scores = new Map<string, { id: string; confidence: number }[]>();
  const byPending = new Map<string, { id: string; confidence: number }[]>();
  for (const b of booked) {
    for (const p of pending) {
      const confidence = pairConfidence(b, p);
      if (confidence === undefined) continue;
      push(scores, b.id, { id: p.id, confidence });
      push(byPending, p.id, { id: b.id, confidence });
    }
  }
  const result: MatchResult = { matches: [], ambiguous: [] };
  for (const [bookedId, candidates] of scores) {
    const best = clearBest(candidates);
    const back = best ? clearBest(byPending.get(best.id)!) : undefined;
    if (best && back?.id === bookedId) {
      result.matches.push({ bookedId, pendingId: best.id, confidence: round(best.confidence) });
    } else {
      result.ambiguous.push({ bookedId, pendingIds: candidates.map((c) => c.id).sort() });
    }
  }
  return result;
}

/** Undefined when a gate fails; otherwise about 0.35 to 1. */
export function pairConfidence(b: MatchEntry, p: MatchEntry): number | undefined {
  if (b.accountId !== p.accountId || b.currency !== p.currency) return undefined;
  if (b.creditDebit !== p.creditDebit) return undefined;
  const pendingAmount = Number(p.amount);
  const bookedAmount = Number(b.amount);
  const drift =
    pendingAmount === 0 ? Infinity : Math.abs(bookedAmount - pendingAmount) / pendingAmount;
  if (bookedAmount !== pendingAmount && drift > matchRules.amountTolerance) return undefined;
  const days = (b.bookingDateTime.getTime() - p.bookingDateTime.getTime()) / dayMs;
  if (days < -matchRules.earlyDays || days > matchRules.windowDays) return undefined;
  const text = textSimilarity(b, p);
  if (text < matchRules.minTextSimilarity) return undefined;
  // An exact amount outweighs any near one: two purchases at one shop settle at their own.
  const amountScore =
    bookedAmount === pendingAmount ? 1 : 0.7 - 0.4 * (drift / matchRules.amountTolerance);
  const dateScore = 1 - Math.max(0, Math.abs(days) - 1) / matchRules.windowDays;
  return 0.4 * amountScore + 0.4 * text + 0.2 * dateScore;
}

/** The better of name-to-name and description-to-description token overlap (Dice). */
export function textSimilarity(a: MatchEntry, b: MatchEntry): number {
  const nameA = a.merchantName ?? a.counterpartyName;
  const nameB = b.merchantName ?? b.counterpartyName;
  return Math.max(dice(nameA, nameB), dice(a.description, b.description));
}

function dice(a: string | null, b: string | null): number {
  const x = tokens(a);
  const y = tokens(b);
  if (x.size === 0 || y.size === 0) return 0;
  let shared = 0;
  for (const t of x) if (y.has(t)) shared++;
  return (2 * shared) / (x.size + y.size);
}

/** Words only: store numbers, card references and dates differ between auth and booking. */
function tokens(text: string | null): Set<string> {
  return new Set(
    (text ?? '')
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((t) => t.length > 1 && !/\d/.test(t)),
  );
}

function clearBest<T extends { confidence: number }>(list: readonly T[]): T | undefined {
  const sorted = [...list].sort((a, b) => b.confidence - a.confidence);
  const [first, second] = sorted;
  if (!first) return undefined;
  return !second || first.confidence - second.confidence >= matchRules.margin ? first : undefined;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const round = (n: number) => Math.round(n * 100) / 100;
