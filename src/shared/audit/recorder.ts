import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  type GraphQLResolveInfo,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { SubgraphContext } from '../auth/context.ts';
import { AppError } from '../errors/index.ts';
import { redactArguments } from './redact.ts';
import type { AuditBatchInput, AuditOutcome, AuditRecordInput, AuditSink } from './types.ts';

type Path = GraphQLResolveInfo['path'];

interface PendingRecord {
  at: number;
  fieldPath: string;
  path: Path | string;
  args: string | null;
  outcome: AuditOutcome;
  errorCode: string | null;
}

const auditKey = Symbol('ledgergraph.audit');

function pathString(path: Path | string): string {
  if (typeof path === 'string') return path;
  const keys: (string | number)[] = [];
  for (let p: Path | undefined = path; p; p = p.prev) keys.push(p.key);
  return keys.reverse().join('.');
}

/** The closed error code a failure carries; anything unknown is INTERNAL_SERVER_ERROR. */
function errorCodeOf(e: unknown): string {
  if (e instanceof AppError) return e.code;
  if (e instanceof GraphQLError) {
    const code = e.extensions?.code;
    if (typeof code === 'string') return code;
    if (e.originalError) return errorCodeOf(e.originalError);
  }
  return 'INTERNAL_SERVER_ERROR';
}

function settle(record: PendingRecord, error: unknown, result?: unknown): void {
  // graphql-shield returns (does not throw) the error of a denied field.
  const failure = error ?? (result instanceof Error ? result : null);
  if (!failure) return;
  const code = errorCodeOf(failure);
  record.outcome = code === 'FORBIDDEN' || code === 'UNAUTHENTICATED' ? 'denied' : 'error';
  record.errorCode = code;
}

/** One request's records, buffered synchronously while it executes. */
class RequestAudit {
  readonly records: PendingRecord[] = [];
  /** `_entities` representations, to find the response index of a reference. */
  private readonly entities = new WeakMap<GraphQLResolveInfo, unknown[]>();

  constructor(readonly startedAt: Date) {}

  field(info: GraphQLResolveInfo, args: Record<string, unknown>) {
    if (info.fieldName === '_entities' && Array.isArray(args.representations)) {
      this.entities.set(info, args.representations);
    }
    const record: PendingRecord = {
      at: Date.now(),
      fieldPath: `${info.parentType.name}.${info.fieldName}`,
      path: info.path,
      args: redactArguments(args),
      outcome: 'ok',
      errorCode: null,
    };
    this.records.push(record);
    return (error: Error | null, result?: unknown) => settle(record, error, result);
  }

  reference(typeName: string, reference: Record<string, unknown>, info: GraphQLResolveInfo) {
    const index = this.entities.get(info)?.indexOf(reference) ?? -1;
    const { __typename: _t, ...key } = reference;
    const record: PendingRecord = {
      at: Date.now(),
      fieldPath: `${typeName}.__resolveReference`,
      path: `${pathString(info.path)}${index >= 0 ? `.${index}` : ''}`,
      args: redactArguments(key),
      outcome: 'ok',
      errorCode: null,
    };
    this.records.push(record);
    return (error: unknown, result?: unknown) => settle(record, error, result);
  }

  batch(
    service: string,
    ctx: SubgraphContext,
    operation: OperationDefinitionNode | undefined,
    operationName: string | null,
    records: AuditRecordInput[],
  ): AuditBatchInput {
    const p = ctx.principal;
    return {
      at: this.startedAt,
      service,
      requestId: ctx.requestId,
      principalKind: p?.kind ?? 'anonymous',
      principalId: p ? (p.kind === 'client' ? p.clientId : (p.psuId ?? p.subject)) : null,
      clientId: p?.clientId ?? null,
      psuId: p?.psuId ?? ctx.grant?.psuId ?? null,
      consentId: p?.consentId ?? ctx.grant?.consentId ?? null,
      operationName: operationName ?? null,
      operationType: operation?.operation ?? null,
      records,
    };
  }

  drain(): AuditRecordInput[] {
    return this.records.splice(0).map((r) => ({
      at: new Date(r.at),
      fieldPath: r.fieldPath,
      responsePath: pathString(r.path),
      args: r.args,
      outcome: r.outcome,
      errorCode: r.errorCode,
    }));
  }
}

const auditOf = (ctx: unknown): RequestAudit | undefined =>
  ctx && typeof ctx === 'object'
    ? ((ctx as Record<symbol, unknown>)[auditKey] as RequestAudit | undefined)
    : undefined;

type Reference<C> = (
  reference: Record<string, unknown>,
  ctx: C,
  info: GraphQLResolveInfo,
) => unknown;

/**
 * Wraps an entity's reference resolver so each call is recorded as `Type.__resolveReference`
 * at `_entities.<index>`, with the entity key as its arguments. Without an audited request
 * (audit off) it calls through.
 */
export function auditedReference<C>(typeName: string, resolve: Reference<C>): Reference<C> {
  return (reference, ctx, info) => {
    const audit = auditOf(ctx);
    if (!audit) return resolve(reference, ctx, info);
    const done = audit.reference(typeName, reference, info);
    try {
      const result = resolve(reference, ctx, info);
      if (result instanceof Promise) {
        return result.then(
          (value: unknown) => (done(null, value), value),
          (e: unknown) => {
            done(e);
            throw e;
          },
        );
      }
      done(null, result);
      return result;
    } catch (e) {
      done(e);
      throw e;
    }
  };
}

/** The root fields a mutation will run, for the record written before it runs. */
function rootFields(
  set: SelectionSetNode,
  rc: GraphQLRequestContext<SubgraphContext>,
  out: { name: string; alias: string }[] = [],
) {
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) {
      if (s.name.value !== '__typename')
        out.push({ name: s.name.value, alias: s.alias?.value ?? s.name.value });
    } else if (s.kind === Kind.INLINE_FRAGMENT) {
      rootFields(s.selectionSet, rc, out);
    } else {
      const fragment = rc.document?.definitions.find(
        (d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === s.name.value,
      );
      if (fragment?.kind === Kind.FRAGMENT_DEFINITION) rootFields(fragment.selectionSet, rc, out);
    }
  }
  return out;
}

export interface AuditRecorderOptions {
  sink: AuditSink;
  /** Where append failures are reported; the response is withheld either way. */
  log?: (message: string, error: unknown) => void;
}

/** Installs the audit plugin in a subgraph's Apollo Server. */
export interface AuditRecorder {
  plugin(service: string): ApolloServerPlugin<SubgraphContext>;
}

const unavailable = 'The audit log could not be written, so nothing is served';

/**
 * The recorder: an Apollo Server plugin that records every resolver call of a subgraph,
 * default resolvers included (Apollo calls `willResolveField` for each), and writes a
 * request's records as one batch in `willSendResponse`, which Apollo awaits before it
 * serializes the response. If that write fails the response is replaced by an error with
 * no data and HTTP 503: nothing is disclosed without its record. A mutation is recorded
 * (outcome `started`) before it runs, so a mutation never takes effect while the audit
 * store is down either.
 */
export function createAuditRecorder(o: AuditRecorderOptions): AuditRecorder {
  const log = o.log ?? ((message, e) => console.error(message, e));
  return {
    plugin: (service) => ({
      async requestDidStart(start) {
        const audit = new RequestAudit(new Date());
        Object.defineProperty(start.contextValue, auditKey, { value: audit });
        return {
          async didResolveOperation(rc) {
            const operation = rc.operation;
            if (operation?.operation !== 'mutation') return;
            const at = new Date();
            const records = rootFields(operation.selectionSet, rc).map((f) => ({
              at,
              fieldPath: `Mutation.${f.name}`,
              responsePath: f.alias,
              args: null,
              outcome: 'started' as const,
              errorCode: null,
            }));
            try {
              await o.sink.append(
                audit.batch(service, rc.contextValue, operation, rc.operationName, records),
              );
            } catch (e) {
              log('audit: write failed, mutation refused', e);
              throw new GraphQLError(unavailable, {
                extensions: { code: 'INTERNAL_SERVER_ERROR', http: { status: 503 } },
              });
            }
          },
          async executionDidStart() {
            return {
              willResolveField: ({ info, args }) =>
                audit.field(info, args as Record<string, unknown>),
            };
          },
          async willSendResponse(rc) {
            if (!audit.records.length) return;
            const batch = audit.batch(
              service,
              rc.contextValue,
              rc.operation,
              rc.operationName ?? null,
              audit.drain(),
            );
            try {
              await o.sink.append(batch);
            } catch (e) {
              log('audit: write failed, response withheld', e);
              rc.response.body = {
                kind: 'single',
                singleResult: {
                  data: null,
                  errors: [{ message: unavailable, extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
                },
              };
              rc.response.http.status = 503;
            }
          },
        };
      },
    }),
  };
}
