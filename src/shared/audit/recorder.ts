import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import {
  defaultFieldResolver,
  GraphQLError,
  getNamedType,
  isLeafType,
  isObjectType,
  Kind,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { SubgraphContext } from '../auth/context.ts';
import { CallLog, fieldId, pathNode } from './call-log.ts';
import type { Failure, PackedRecords } from './records.ts';
import { redactArguments } from './redact.ts';
import type { AuditBatchInput, AuditSink } from './types.ts';

const auditKey = Symbol('ledgergraph.audit');
const entitiesField = fieldId('Query._entities');

/** One request's calls, captured synchronously as resolvers are called. */
class RequestAudit {
  readonly calls: CallLog;
  /** `_entities` representations, to find the response index of a reference. */
  private readonly entities = new WeakMap<GraphQLResolveInfo, unknown[]>();

  constructor(readonly startedAt: Date) {
    this.calls = new CallLog(startedAt.getTime());
  }

  /** `args` is null for a field that declares none (no need to look). */
  field(
    field: number,
    args: Record<string, unknown> | null,
    info: GraphQLResolveInfo,
    leaf: boolean,
  ) {
    if (field === entitiesField && Array.isArray(args?.representations)) {
      this.entities.set(info, args.representations);
    }
    this.calls.add(field, info.path, args && redactArguments(args), Date.now(), undefined, leaf);
  }

  reference(field: number, reference: Record<string, unknown>, info: GraphQLResolveInfo) {
    const index = this.entities.get(info)?.indexOf(reference) ?? -1;
    const { __typename: _t, ...key } = reference;
    this.calls.add(field, pathNode(info.path, index >= 0 ? index : '?'), redactArguments(key));
  }

  batch(
    service: string,
    ctx: SubgraphContext,
    operation: OperationDefinitionNode | undefined | null,
    operationName: string | null | undefined,
    records: PackedRecords,
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
      // The client's operation as the gateway saw it; the subgraph's own name when called
      // directly.
      operationName: ctx.operationName ?? operationName ?? null,
      operationType: operation?.operation ?? null,
      jurisdiction: ctx.grant?.jurisdiction ?? null,
      records,
    };
  }
}

/**
 * The failed fields of a response, by response path: each GraphQL error with a path is where
 * a resolver's value became that error (thrown, or returned as graphql-shield and the
 * nested-field guards of `protect` do).
 */
function failuresOf(
  errors:
    | readonly { path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[]
    | undefined,
) {
  const failures = new Map<string, Failure>();
  for (const e of errors ?? []) {
    if (!e.path?.length) continue;
    const code =
      typeof e.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL_SERVER_ERROR';
    const outcome = code === 'FORBIDDEN' || code === 'UNAUTHENTICATED' ? 'denied' : 'error';
    failures.set(e.path.join('.'), { outcome, errorCode: code });
  }
  return failures;
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
 * at `_entities.<index>`, with the entity key as its arguments. A synchronous throw becomes a
 * rejection, so the error lands on that one entity (`_entities.<index>`), where the record is,
 * instead of failing the whole `_entities` list.
 */
export function auditedReference<C>(typeName: string, resolve: Reference<C>): Reference<C> {
  const field = fieldId(`${typeName}.__resolveReference`);
  return (reference, ctx, info) => {
    auditOf(ctx)?.reference(field, reference, info);
    try {
      return resolve(reference, ctx, info);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  };
}

/**
 * Records every call of every field resolver of `schema` (default resolvers included, and
 * graphql-shield's wrapped ones: this wraps outermost, so denied fields are recorded too),
 * in place. A request without an audit (recording off, or a schema used outside a server)
 * pays one property read per field. Apollo's own per-field hook (`willResolveField`) did the
 * same at several times the cost: a closure and a promise watcher per field.
 */
export function auditFields(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve ?? defaultFieldResolver;
      const id = fieldId(`${type.name}.${field.name}`);
      const hasArgs = field.args.length > 0;
      const leaf = isLeafType(getNamedType(field.type));
      field.resolve = (source, args, ctx, info) => {
        auditOf(ctx)?.field(id, hasArgs ? args : null, info, leaf);
        return resolve(source, args, ctx, info);
      };
    }
  }
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
 * The recorder: an Apollo Server plugin that gives each request an audit the schema's
 * wrapped resolvers (`auditFields`) record every call into, and writes a request's records
 * as one batch in `willSendResponse`, which Apollo awaits before it serializes the response.
 * Outcomes come from the response's errors, by path. If the write fails the response is
 * replaced by an error with no data and HTTP 503: nothing is disclosed without its record.
 * A mutation is recorded (outcome `started`) before it runs, so a mutation never takes
 * effect while the audit store is down either.
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
            const calls = new CallLog(audit.startedAt.getTime());
            const at = Date.now();
            for (const f of rootFields(operation.selectionSet, rc))
              calls.add(fieldId(`Mutation.${f.name}`), pathNode(undefined, f.alias), null, at, {
                outcome: 'started',
                errorCode: null,
              });
            const records = calls.pack();
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
          async willSendResponse(rc) {
            if (!audit.calls.size) return;
            const body = rc.response.body;
            const failures = failuresOf(
              body.kind === 'single' ? body.singleResult.errors : undefined,
            );
            const records = audit.calls.pack(failures);
            const batch = audit.batch(
              service,
              rc.contextValue,
              rc.operation,
              rc.operationName,
              records,
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
