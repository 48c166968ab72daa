import { randomUUID } from 'node:crypto';
import {
  internalContextHeader,
  signInternalContext,
  type InternalContext,
} from '../../src/shared/auth/internal-context.ts';
import type { Target } from './load.ts';
import type { Seeded } from './seed.ts';
import type { BenchSystem } from './system.ts';

const account = `id bankId currency
  balances { type amount currency creditDebit dateTime }
  transactions(first: 100) { edges { node { id status amount currency creditDebit bookingDateTime description } } }`;

/** One operation as the client app sends it to the gateway, and as it looks at one subgraph. */
export interface Operation {
  name: string;
  /** The subgraph that answers it when called directly. */
  subgraph: 'accounts' | 'payments';
  /**
   * Share of the bench's connections this operation gets. The dashboard costs a few hundred
   * ms of CPU per request here; at full concurrency requests queue past the slice and are
   * never counted, so it runs with fewer clients in flight.
   */
  concurrency: number;
  gateway: (s: Seeded) => { query: string; variables: () => Record<string, unknown> };
  /** The same data from that subgraph in one request. */
  direct: (s: Seeded) => { query: string; variables: () => Record<string, unknown> };
}

/**
 * The dashboard: me → accounts → balances → first 100 transactions. Through the gateway `me`
 * is the consent subgraph's and the accounts are joined from the accounts subgraph (two
 * fetches); directly, the accounts subgraph's own `accounts` gives the same accounts.
 */
export const dashboard: Operation = {
  name: 'dashboard',
  subgraph: 'accounts',
  concurrency: 0.25,
  gateway: () => ({
    query: `query Dashboard { me { accounts { ${account} } } }`,
    variables: () => ({}),
  }),
  direct: () => ({ query: `query Dashboard { accounts { ${account} } }`, variables: () => ({}) }),
};

const balanceQuery = `query Balance($id: ID!) { account(id: $id) {
  id balances { type amount currency creditDebit dateTime } } }`;
export const balance: Operation = {
  name: 'balance',
  subgraph: 'accounts',
  concurrency: 1,
  gateway: (s) => ({ query: balanceQuery, variables: () => ({ id: s.accounts[0]!.id }) }),
  direct: (s) => ({ query: balanceQuery, variables: () => ({ id: s.accounts[0]!.id }) }),
};

const paymentMutation = `mutation Pay($key: String!, $input: CreatePaymentConsentInput!) {
  createPaymentConsent(idempotencyKey: $key, input: $input) {
    id status amount currency authorisation { bankConsentId url } sca { required } } }`;
const order = {
  bankId: 'sandbox-obie',
  amount: '12.50',
  currency: 'GBP',
  creditorName: 'Corner Bakery',
  creditorAccount: { scheme: 'SortCodeAccountNumber', identification: '20150012345678' },
  reference: 'Bench',
};
/** A payment consent at the bank, each request with a fresh idempotency key. */
export const payment: Operation = {
  name: 'payment',
  subgraph: 'payments',
  concurrency: 1,
  gateway: () => ({
    query: paymentMutation,
    variables: () => ({ key: randomUUID(), input: order }),
  }),
  direct: () => ({
    query: paymentMutation,
    variables: () => ({ key: randomUUID(), input: order }),
  }),
};

export const operations = [dashboard, balance, payment];

/** Through a gateway (ours or Hive) at `url`, with the consent-bound access token. */
export function gatewayTarget(s: Seeded, op: Operation, url = s.gatewayUrl): Target {
  const { query, variables } = op.gateway(s);
  const headers = { authorization: `Bearer ${s.bearer}` };
  return {
    url: `${url}/graphql`,
    headers: () => headers,
    body: () => JSON.stringify({ query, variables: variables() }),
  };
}

/**
 * Straight to the subgraph with an internal context signed here, as the gateway signs it.
 * Signed once per target (a context lives 60 s, a load slice at most 10 s); the gateway signs
 * once per request and subgraph, an HS256 signature of a few microseconds.
 */
export async function directTarget(
  s: BenchSystem,
  op: Operation,
  secret: string,
  internal: InternalContext = s.internal,
): Promise<Target> {
  const { query, variables } = op.direct(s);
  const headers = {
    [internalContextHeader]: await signInternalContext(internal, op.subgraph, secret),
  };
  return {
    url: `${s.system.subgraphUrls[op.subgraph]}/graphql`,
    headers: () => headers,
    body: () => JSON.stringify({ query, variables: variables() }),
  };
}
