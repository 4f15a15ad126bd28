import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TracerProvider } from '@opentelemetry/api';
import type { DestinationStream } from 'pino';
import { createTokenVerifier } from './auth/jwt.js';
import type { Config } from './config.js';
import { migrateDatabase, openDatabase, type Database } from './db/client.js';
import { createApollo } from './http/apollo.js';
import { createHttpServer } from './http/server.js';
import { createLogger, type Logger } from './logger.js';
import { bootstrapPlatformAdmins } from './modules/users/bootstrap.js';
import { createObservability, type Observability } from './observability/index.js';
import { buildGatewaySchema } from './schema.js';
import { printPublicSchema } from './schema-print.js';
import { createServices } from './services.js';
import { randomBytes, randomUUID } from 'node:crypto';

export interface Gateway {
  url: string;
  server: Server;
  database: Database;
  logger: Logger;
  /** Metrics registry, where /metrics is served, whether tracing is on (src/observability). */
  observability: Observability;
  /** Resolves once migrations and bootstrap have run (they are retried while the database is down). */
  ready: Promise<void>;
  close(): Promise<void>;
}

export interface GatewayOptions {
  logDestination?: DestinationStream;
  /** How long to wait between attempts to migrate a database that is not reachable yet. */
  migrateRetryMs?: number;
  /** Test hook: trace into this provider (e.g. with an in-memory exporter) instead of the OTEL_* configured SDK. */
  tracerProvider?: TracerProvider;
}

/**
 * Migrates and bootstraps, again and again while the database cannot be reached: the process
 * stays up (readyz 503, requests service_unavailable) and recovers by itself.
 */
async function prepareDatabase(database: Database, config: Config, logger: Logger, retryMs: number, stopped: () => boolean): Promise<void> {
  for (;;) {
    try {
      await migrateDatabase(database, config.databaseUrl);
      const granted = await bootstrapPlatformAdmins(database, config.bootstrapPlatformAdmins, `startup-${randomUUID()}`, randomBytes(16).toString('hex'));
      logger.info({ bootstrap_granted: granted, database: database.kind }, 'database ready');
      return;
    } catch (error) {
      if (stopped()) return;
      logger.error({ err: error instanceof Error ? { message: error.message, code: (error as { code?: unknown }).code } : String(error) }, 'database not ready; retrying');
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  }
}

export async function startGateway(config: Config, options: GatewayOptions = {}): Promise<Gateway> {
  if (config.production && config.jwtSecret === null && config.jwksUrl === null) {
    throw new Error('Refusing to start in production without IAM_JWT_SECRET or IAM_JWKS_URL');
  }
  if (config.jwtSecret === null && config.jwksUrl === null) {
    throw new Error('IAM_JWT_SECRET or IAM_JWKS_URL must be set');
  }
  const logger = createLogger(config.logLevel, options.logDestination);
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    statementTimeoutMs: config.statementTimeoutMs,
    lockTimeoutMs: config.lockTimeoutMs,
  });
  const observability = await createObservability({ config, database, logger, isReady: () => isReady(), tracerProvider: options.tracerProvider });
  const services = createServices(database, config, observability.decisions);
  const schema = buildGatewaySchema({ database, config, observer: observability.decisions });
  const apollo = createApollo(schema, { introspection: config.introspection, plugins: observability.apolloPlugins });
  await apollo.start();

  let closing = false;
  let migrated = false;
  const isReady = async () => migrated && (await database.ping());
  const ready = prepareDatabase(database, config, logger, options.migrateRetryMs ?? 2000, () => closing).then(() => {
    migrated = true;
  });

  const server = createHttpServer({
    apollo,
    services,
    verifyToken: createTokenVerifier({ secret: config.jwtSecret, jwksUrl: config.jwksUrl, issuer: config.jwtIssuer, audience: config.jwtAudience }),
    logger,
    isReady,
    databasePrepared: () => migrated,
    // Past every timeout the database enforces itself (two statements' worth, plus a reconnect).
    requestDeadlineMs: Math.max(config.statementTimeoutMs, 5_000) * 2 + 5_000,
    onDeadline: () => database.reset(),
    observeRequest: observability.observeRequest,
    serveMetrics: observability.metricsOnMainPort,
    graphiql: config.graphiql,
    schemaSdl: config.introspection ? printPublicSchema(schema) : null,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host}:${port}`;
  await observability.listen(url);
  logger.info({ url, database: database.kind, tenancy_mode: config.tenancyMode }, 'gateway listening');

  return {
    url,
    server,
    database,
    logger,
    observability,
    ready,
    close: async () => {
      closing = true;
      // Drain: stop accepting, let in-flight requests finish (bounded), then release the pool.
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), 10_000);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      await apollo.stop();
      await observability.close();
      await database.close();
    },
  };
}
