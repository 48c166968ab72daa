/**
 * W3C trace context across gateway, subgraphs and bank calls, and OpenTelemetry spans
 * exported over OTLP/HTTP when an endpoint is configured. Each service calls
 * `setupTracing` once at start; propagation works without it.
 */
export { setupTracing, tracedServices, type TracingOptions } from './setup.ts';
export { traceClient, traceHeaders, traceServer } from './spans.ts';
