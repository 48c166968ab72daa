import type { Clock } from '../clock.ts';
import type { Logger } from '../log/index.ts';
import { pruneAudit, type PruneResult } from './prune.ts';
import type { AuditStore } from './store.ts';

const day = 86_400_000;

export interface RetentionOptions {
  retentionDays: number;
  archiveDir: string;
  clock: Clock;
}

/**
 * Archives and prunes every batch past retention, a slice (one archive file, one
 * transaction) at a time until none is due. Returns each slice's result.
 */
export async function pruneExpired(store: AuditStore, o: RetentionOptions): Promise<PruneResult[]> {
  const before = new Date(o.clock.now().getTime() - o.retentionDays * day);
  // Pruning verifies the whole chain first; a cheap look spares that when nothing is due.
  const due = await store.db.auditBatch.findFirst({ where: { at: { lt: before } } });
  if (!due) return [];
  const slices: PruneResult[] = [];
  for (;;) {
    const result = await pruneAudit(store, {
      before,
      archiveDir: o.archiveDir,
      now: o.clock.now(),
    });
    if (!result.anchor) return slices;
    slices.push(result);
  }
}

export interface RetentionSchedule {
  /** Runs a pass now (after any pass in flight); what the timer runs. */
  runNow(): Promise<PruneResult[]>;
  /** Stops the timer and waits for a pass in flight. */
  stop(): Promise<void>;
}

/**
 * Runs `pruneExpired` once at start and then every `intervalMs`, so retention happens
 * without an operator's cron. Passes never overlap within a process; across processes,
 * pruning takes the chain lock and archive files are created exclusively, so a second
 * process's pass fails (and is logged) rather than archiving twice.
 */
export function scheduleRetention(
  store: AuditStore,
  o: RetentionOptions & {
    intervalMs: number;
    log: Pick<Logger, 'info' | 'error'>;
  },
): RetentionSchedule {
  let running: Promise<PruneResult[]> = Promise.resolve([]);
  const pass = (): Promise<PruneResult[]> => {
    running = running.then(
      async () => {
        try {
          const slices = await pruneExpired(store, o);
          for (const s of slices)
            o.log.info('audit: pruned past retention', {
              batches: s.batches,
              records: s.records,
              archive: s.archive,
              anchorSeq: s.anchor?.seq.toString(),
            });
          return slices;
        } catch (error) {
          o.log.error('audit: retention pass failed', { error });
          return [];
        }
      },
      () => [],
    );
    return running;
  };
  const timer = setInterval(() => void pass(), o.intervalMs);
  timer.unref();
  void pass();
  return {
    runNow: pass,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
