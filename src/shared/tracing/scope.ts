import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from '@opentelemetry/api';

/** The trace context a piece of work runs in, and the service it runs for. */
export interface TraceScope {
  context: Context;
  /** Picks the tracer (so the resource's service.name) of the spans started under it. */
  service: string | undefined;
}

// Our own store rather than a global OpenTelemetry context manager: the Node one lives in
// @opentelemetry/context-async-hooks, which we do not depend on directly, and a global one
// would also switch on the spans libraries start through the global API.
const scopes = new AsyncLocalStorage<TraceScope>();

export function activeScope(): TraceScope | undefined {
  return scopes.getStore();
}

export function runInScope<T>(scope: TraceScope, fn: () => T): T {
  return scopes.run(scope, fn);
}
