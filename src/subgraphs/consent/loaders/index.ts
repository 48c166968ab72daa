import DataLoader from 'dataloader';
import type { ConsentDb } from '../db/client.ts';
import { ConsentStatusChange, Psu, type ClientApp } from '../schema/consent.type.ts';
import { toClientApp } from '../schema/mappers.ts';
import type { ConsentStatus } from '../services/consent-rules.ts';

/** Per-request batching: one query per kind of nested field, however many parents. */
export function createConsentLoaders(db: ConsentDb) {
  return {
    clientApp: new DataLoader<string, ClientApp | null>(async (ids) => {
      const rows = await db.clientApp.findMany({ where: { id: { in: [...ids] } } });
      const byId = new Map(rows.map((r) => [r.id, toClientApp(r)]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    psu: new DataLoader<string, Psu | null>(async (ids) => {
      // Only what the graph shows: sign-in secrets stay out of a GraphQL request's memory.
      const rows = await db.psu.findMany({
        where: { id: { in: [...ids] } },
        select: { id: true, displayName: true },
      });
      const byId = new Map(
        rows.map((r) => [r.id, Object.assign(new Psu(), { id: r.id, displayName: r.displayName })]),
      );
      return ids.map((id) => byId.get(id) ?? null);
    }),
    statusHistory: new DataLoader<string, ConsentStatusChange[]>(async (ids) => {
      const rows = await db.consentStatusChange.findMany({
        where: { consentId: { in: [...ids] } },
        orderBy: { id: 'asc' },
      });
      return ids.map((id) =>
        rows
          .filter((r) => r.consentId === id)
          .map((r) =>
            Object.assign(new ConsentStatusChange(), {
              fromStatus: r.fromStatus as ConsentStatus | null,
              toStatus: r.toStatus as ConsentStatus,
              actor: r.actor,
              reason: r.reason,
              at: r.at,
            }),
          ),
      );
    }),
  };
}
export type ConsentLoaders = ReturnType<typeof createConsentLoaders>;
