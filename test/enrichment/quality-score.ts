import type { LabelledSet, StatementLine } from '../../src/sandbox/data/labelled.ts';
import type { RecurringStreamValue } from '../../src/subgraphs/accounts/enrichment/recurring.ts';

export interface CategoryScore {
  total: number;
  /** Share of lines whose detailed category is the labelled one. */
  detailed: number;
  /** Share of lines whose primary category is the labelled one's. */
  primary: number;
  /** The most frequent confusions, "truth <- predicted": count. */
  confusions: [string, number][];
}

export function scoreCategories(
  set: LabelledSet,
  predict: (line: StatementLine) => { primary: string; detailed: string },
): CategoryScore {
  let detailed = 0;
  let primary = 0;
  const confusions = new Map<string, number>();
  for (const line of set.lines) {
    const truth = set.labels.get(line.id)!.category;
    const got = predict(line);
    if (got.detailed === truth) detailed++;
    else
      confusions.set(
        `${truth} <- ${got.detailed}`,
        (confusions.get(`${truth} <- ${got.detailed}`) ?? 0) + 1,
      );
    if (truth.startsWith(`${got.primary}_`)) primary++;
  }
  const n = set.lines.length;
  return {
    total: n,
    detailed: detailed / n,
    primary: primary / n,
    confusions: [...confusions].sort((a, b) => b[1] - a[1]).slice(0, 8),
  };
}

export interface StreamScore {
  trueStreams: number;
  detected: number;
  /** Detected streams that match a labelled one / detected. */
  precision: number;
  /** Labelled streams found / labelled. */
  recall: number;
  /** Of the matched streams, the share with the labelled frequency and status. */
  frequency: number;
  status: number;
  falsePositives: string[];
  missed: string[];
}

/**
 * A detected stream matches the labelled stream most of its transactions belong to when the
 * two overlap by at least half of their union (Jaccard ≥ 0.5); each labelled stream matches
 * at most once, so a stream split in two counts one hit and one false positive.
 */
export function scoreStreams(
  set: LabelledSet,
  detected: readonly RecurringStreamValue[],
): StreamScore {
  const streamOf = new Map<string, string>();
  for (const [id, label] of set.labels) if (label.streamId) streamOf.set(id, label.streamId);
  const truth = new Map(set.streams.map((s) => [s.id, s]));
  const found = new Set<string>();
  let frequency = 0;
  let status = 0;
  const falsePositives: string[] = [];
  for (const s of detected) {
    const counts = new Map<string, number>();
    for (const id of s.transactionIds) {
      const t = streamOf.get(id);
      if (t) counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    const best = [...counts].sort((a, b) => b[1] - a[1])[0];
    const t = best && truth.get(best[0]);
    if (
      t &&
      !found.has(t.id) &&
      best[1] / (s.transactionIds.length + t.transactionIds.length - best[1]) >= 0.5
    ) {
      found.add(t.id);
      if (t.frequency === s.frequency) frequency++;
      if (t.status === s.status) status++;
    } else falsePositives.push(`${s.accountId} ${s.name} ${s.frequency} ×${s.occurrences}`);
  }
  const matched = found.size;
  return {
    trueStreams: set.streams.length,
    detected: detected.length,
    precision: detected.length ? matched / detected.length : 1,
    recall: set.streams.length ? matched / set.streams.length : 1,
    frequency: matched ? frequency / matched : 1,
    status: matched ? status / matched : 1,
    falsePositives: falsePositives.slice(0, 8),
    missed: set.streams
      .filter((s) => !found.has(s.id))
      .map((s) => `${s.id} ${s.frequency}`)
      .slice(0, 8),
  };
}
