import { registry } from '../shared/metrics/index.ts';

export const httpRequests = registry.counter(
  'ledgergraph_http_requests_total',
  'HTTP requests answered by the gateway',
  ['route', 'method', 'status'],
);
export const httpDuration = registry.histogram(
  'ledgergraph_http_request_duration_seconds',
  'Time from request to the end of the response, by gateway route',
  ['route'],
);
export const graphqlErrors = registry.counter(
  'ledgergraph_graphql_errors_total',
  'Errors in gateway responses, by extensions.code',
  ['code'],
);
export const inFlight = registry.gauge(
  'ledgergraph_graphql_requests_in_flight',
  'GraphQL requests holding a concurrency slot',
);
export const refusals = registry.counter(
  'ledgergraph_gateway_refusals_total',
  'Requests the gateway refused (bad token, rate, capacity, body or document limits), by reason',
  ['reason'],
);
