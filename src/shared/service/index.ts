import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AuditStore,
  createAuditRecorder,
  migrateAuditDb,
  type AuditRecorder,
} from '../audit/index.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config/index.ts';
import { opsRoutes, type ReadinessCheck } from '../http/ops.ts';
import { createRouter, listen, type Listening, type Route } from '../http/server.ts';
import { createLogger, type Logger } from '../log/index.ts';

/**
 * What a service's entry point may be handed instead of building it from its configuration:
 * the embedded default shares one logger, clock and audit store between the services it
 * runs in one process; a benchmark builds subgraphs without graphql-shield.
 */
export interface ServiceDeps {
  clock?: Clock;
  log?: Logger;
  /** graphql-shield; only a benchmark turns it off, explicitly. */
  shield?: boolean;
  audit?: ServiceAudit;
}

/** The audit store a subgraph records into and the compliance side reads. */
export interface ServiceAudit {
  store: AuditStore;
  /** Absent when recording is switched off (benchmarks). */
  recorder: AuditRecorder | undefined;
}

export function serviceLog(config: Config, service: string, deps: ServiceDeps): Logger {
  return (deps.log ?? createLogger(config.logLevel)).child({ service });
}

/**
 * The gateway–subgraph secret. Separate hosts share INTERNAL_CONTEXT_SECRET; on one machine
 * the embedded default generates it once into DATA_DIR, so every process and every restart
 * agrees on it.
 */
export function internalSecretOf(config: Config): string {
  if (config.internalContextSecret) return config.internalContextSecret;
  const file = join(config.dataDir, 'internal-context.secret');
  mkdirSync(config.dataDir, { recursive: true });
  try {
    // wx: two services starting together must not each write a different secret.
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return readFileSync(file, 'utf8').trim();
}

/** Opens (and migrates) the audit store a subgraph records into. */
export async function openServiceAudit(config: Config, log: Logger): Promise<ServiceAudit> {
  await migrateAuditDb(config.audit.databaseUrl);
  const auditLog = (msg: string, error: unknown) => log.error(msg, { component: 'audit', error });
  const store = AuditStore.open(config.audit.databaseUrl, { log: auditLog });
  if (!config.audit.enabled)
    log.warn('AUDIT_ENABLED=false: resolver calls are NOT recorded (benchmarks only)');
  const recorder = config.audit.enabled
    ? createAuditRecorder({ sink: store, log: auditLog })
    : undefined;
  return { store, recorder };
}

/**
 * Serves a service's routes; with `checks`, also /health, /ready (those checks) and
 * /metrics (the gateway brings its own).
 */
export async function serveService(
  config: Config,
  port: number,
  routes: Record<string, Route>,
  log: Logger,
  checks?: Record<string, ReadinessCheck>,
): Promise<Listening> {
  return listen(
    createRouter({ ...(checks ? opsRoutes(checks) : {}), ...routes }, (e) =>
      log.error('unhandled error', { error: e }),
    ),
    port,
    config.host,
  );
}
