import type { ApolloServerPlugin } from '@apollo/server';
import { WarningCode, warningsHeader, type Warning } from '../../../shared/errors/warnings.ts';
import type { AccountsContext } from '../resolvers/context.ts';
import type { ReconciliationService } from '../services/reconciliation.ts';

/**
 * Every answer that read a quarantined account's balances or transactions says so, in
 * `extensions.warnings` (DATA_QUARANTINED with the account ids) and in the warnings header
 * the gateway passes on. The data is still served: the PSU's own bank says it, and the
 * client decides what to show; the discrepancy is on record for whoever must look into it.
 */
export function quarantineWarning(
  reconciliation: ReconciliationService,
): ApolloServerPlugin<AccountsContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const read = contextValue.dataRead;
          if (!read || read.ids.size === 0) return;
          const accountIds = await read.quarantined((ids) => reconciliation.quarantined(ids));
          if (accountIds.length === 0) return;
          const warning: Warning = {
            code: WarningCode.DATA_QUARANTINED,
            message:
              "These accounts' balances and transactions do not reconcile; their data is quarantined until a clean sync or an operator's release",
            accountIds,
          };
          // Header values are Latin-1: anything else goes as a JSON \u escape.
          const header = JSON.stringify([warning]).replace(
            /[\u007f-\uffff]/g,
            (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
          );
          response.http.headers.set(warningsHeader, header);
          if (response.body.kind === 'single') {
            const result = response.body.singleResult;
            result.extensions = { ...result.extensions, warnings: [warning] };
          }
        },
      };
    },
  };
}
