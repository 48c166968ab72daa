import type { ReferenceResolver } from '../../../shared/federation/build-subgraph.ts';
import { toConsent } from '../schema/mappers.ts';
import type { ConsentService } from '../services/consent.service.ts';
import { principalOf, type ConsentContext } from './context.ts';

/** Entity resolution for other subgraphs: the same visibility rules as direct queries. */
export function consentReferences(
  consents: ConsentService,
): Record<string, ReferenceResolver<unknown>> {
  return {
    Consent: async (ref, ctx) =>
      toConsent(await consents.visible(principalOf(ctx), String(ref.id))),
    Psu: (ref, ctx) => {
      const id = String(ref.id);
      return principalOf(ctx).psuId === id ? (ctx as ConsentContext).loaders.psu.load(id) : null;
    },
    ClientApp: (ref, ctx) => (ctx as ConsentContext).loaders.clientApp.load(String(ref.id)),
  };
}
