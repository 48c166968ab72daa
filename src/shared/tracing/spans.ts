import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  defaultTextMapGetter,
  defaultTextMapSetter,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { activeScope, runInScope } from './scope.ts';
import { tracerFor } from './setup.ts';

// Always on, with or without a tracer provider: an incoming traceparent is passed on even when
// nothing is exported (the no-op tracer's spans keep their parent's ids).
const propagator = new W3CTraceContextPropagator();

/**
 * Runs an incoming request's handler in a server span that continues the caller's
 * traceparent/tracestate; the spans started inside (subgraph fetches, bank calls) are its
 * children.
 */
export async function traceServer<T>(
  service: string,
  req: IncomingMessage,
  res: ServerResponse,
  route: string,
  handler: () => Promise<T>,
): Promise<T> {
  const parent = propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
  const span = tracerFor(service).startSpan(
    `${req.method} ${route}`,
    {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': req.method ?? '', 'http.route': route },
    },
    parent,
  );
  try {
    return await runInScope({ context: trace.setSpan(parent, span), service }, handler);
  } catch (e) {
    failed(span, e);
    throw e;
  } finally {
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  }
}

/**
 * Runs an outgoing call in a client span, child of the active one. Inside `call`,
 * `traceHeaders()` gives the headers that make the callee's spans its children.
 */
export async function traceClient<T>(
  name: string,
  attributes: Attributes,
  call: (span: Span) => Promise<T>,
): Promise<T> {
  const scope = activeScope();
  const parent = scope?.context ?? ROOT_CONTEXT;
  const span = tracerFor(scope?.service).startSpan(
    name,
    { kind: SpanKind.CLIENT, attributes },
    parent,
  );
  try {
    return await runInScope({ context: trace.setSpan(parent, span), service: scope?.service }, () =>
      call(span),
    );
  } catch (e) {
    failed(span, e);
    throw e;
  } finally {
    span.end();
  }
}

/** traceparent (and tracestate) of the active span; empty outside any trace. */
export function traceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagator.inject(activeScope()?.context ?? ROOT_CONTEXT, carrier, defaultTextMapSetter);
  return carrier;
}

function failed(span: Span, e: unknown): void {
  // The type only: messages can carry URLs or identifiers.
  span.setAttribute('error.type', e instanceof Error ? e.name : typeof e);
  span.setStatus({ code: SpanStatusCode.ERROR });
}
