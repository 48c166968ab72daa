import { ProxyTracerProvider, type Tracer } from '@opentelemetry/api';

export interface TracingOptions {
  /** The resource's service.name: `gateway`, `consent`, `accounts` or `payments`. */
  serviceName: string;
  /** OTLP/HTTP base URL (OTEL_EXPORTER_OTLP_ENDPOINT); unset: tracing stays off. */
  endpoint: string | undefined;
}

const tracers = new Map<string, Tracer>();
// Never delegates: spans started with it record nothing but carry their parent's ids on.
const noopTracer = new ProxyTracerProvider().getTracer('ledgergraph');

/**
 * Exports the spans of one service over OTLP/HTTP (JSON) to `${endpoint}/v1/traces`. Without
 * an endpoint it does nothing at all: no provider, no exporter, the SDK not even loaded.
 * Several services may set up in one process (the embedded default); each gets its own
 * provider, so its spans carry its own service.name. Returns the shutdown, which flushes.
 */
export async function setupTracing(o: TracingOptions): Promise<() => Promise<void>> {
  const endpoint = o.endpoint;
  if (!endpoint) return async () => {};
  if (tracers.has(o.serviceName)) throw new Error(`tracing already set up for ${o.serviceName}`);
  const [
    { NodeTracerProvider, BatchSpanProcessor },
    { OTLPTraceExporter },
    { resourceFromAttributes },
  ] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const provider = new NodeTracerProvider({
    // Stated, not detected: resource detectors would probe cloud metadata addresses.
    resource: resourceFromAttributes({
      'service.name': o.serviceName,
      'service.namespace': 'ledgergraph',
    }),
    spanProcessors: [
      new BatchSpanProcessor(
        new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` }),
      ),
    ],
  });
  const tracer = provider.getTracer('ledgergraph');
  tracers.set(o.serviceName, tracer);
  return async () => {
    if (tracers.get(o.serviceName) === tracer) tracers.delete(o.serviceName);
    await provider.shutdown();
  };
}

/** The services whose spans are exported from this process. */
export function tracedServices(): string[] {
  return [...tracers.keys()];
}

/**
 * The tracer for spans of `service`. Work outside any request (start-up) belongs to the
 * process's only service, if it runs one; anything else gets the no-op tracer.
 */
export function tracerFor(service: string | undefined): Tracer {
  const own = service === undefined ? undefined : tracers.get(service);
  if (own) return own;
  if (tracers.size === 1) return tracers.values().next().value ?? noopTracer;
  return noopTracer;
}
