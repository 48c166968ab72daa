import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import {
  internalContextHeader,
  signInternalContext,
  type InternalContext,
} from '../shared/auth/internal-context.ts';
import { traceClient, traceHeaders } from '../shared/tracing/index.ts';
import type { RequestInfo } from './request.ts';
import { UnansweredFetches } from './unanswered-fetch.ts';

export interface GatewayContext {
  internal: InternalContext;
  /** The HTTP request's log and metrics record; absent for in-process operations. */
  request?: RequestInfo;
}

/**
 * Calls one subgraph with the caller's identity signed for that subgraph alone. The
 * signature is made once per request and subgraph, however many fetches the plan makes.
 * Each fetch is a client span whose traceparent goes with it.
 */
export class SignedContextSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly signed = new WeakMap<InternalContext, Promise<string>>();

  private readonly unanswered: UnansweredFetches;

  private readonly spanAttributes: Record<string, string>;

  constructor(
    private readonly subgraphName: string,
    url: string,
    private readonly secret: string,
  ) {
    super({ url });
    this.unanswered = new UnansweredFetches(subgraphName);
    this.spanAttributes = {
      'http.request.method': 'POST',
      'url.full': url,
      'ledgergraph.subgraph': subgraphName,
    };
  }

  override process(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
  ): ReturnType<RemoteGraphQLDataSource<GatewayContext>['process']> {
    // A subgraph that did not answer: UPSTREAM_UNAVAILABLE at its fields (unanswered-fetch.ts).
    return traceClient(`POST ${this.subgraphName}`, this.spanAttributes, () =>
      super.process(options),
    ).catch((error: unknown) => this.unanswered.answer(error, options.request));
  }

  override didEncounterError(
    ...args: Parameters<RemoteGraphQLDataSource<GatewayContext>['didEncounterError']>
  ): void {
    this.unanswered.mark(args[0], args[2]);
    super.didEncounterError(...args);
  }

  override async willSendRequest(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
  ): Promise<void> {
    // Runs inside process(), so these are the fetch span's.
    for (const [name, value] of Object.entries(traceHeaders()))
      options.request.http?.headers.set(name, value);
    const internal = 'context' in options ? options.context.internal : undefined;
    if (!internal) return;
    let token = this.signed.get(internal);
    if (!token) {
      token = signInternalContext(internal, this.subgraphName, this.secret);
      this.signed.set(internal, token);
    }
    options.request.http?.headers.set(internalContextHeader, await token);
    options.request.http?.headers.set('x-fapi-interaction-id', internal.requestId);
  }
}
