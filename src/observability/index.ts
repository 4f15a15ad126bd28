import type { ApolloServerPlugin } from '@apollo/server';
import type { TracerProvider } from '@opentelemetry/api';
import type { Registry } from 'prom-client';
import type { DecisionObserver } from '../authz/authorize.js';
import { readSettings } from '../authz/state-repository.js';
import type { Config } from '../config.js';
import type { GatewayContext } from '../context.js';
import type { Database } from '../db/client.js';
import type { Logger } from '../logger.js';
import { decisionObserver } from './decision-observer.js';
import { graphqlMetricsPlugin } from './graphql-metrics-plugin.js';
import { graphqlTracingPlugin } from './graphql-tracing-plugin.js';
import { requestObserver, type RequestObserver } from './http-observer.js';
import { listenForMetrics, metricsHandler, type MetricsHandler, type MetricsListener } from './metrics-endpoint.js';
import { createGatewayMetrics } from './metrics.js';
import { setupTracer } from './tracer-setup.js';

export interface ObservabilityOptions {
  config: Config;
  database: Database;
  logger: Logger;
  isReady: () => Promise<boolean>;
  /** Test hook: trace into this provider (e.g. one with an InMemorySpanExporter) whatever OTEL_* says. */
  tracerProvider?: TracerProvider;
}

/** Metrics and traces of one gateway instance; app.ts wires its parts into the server, Apollo and the authorizer. */
export interface Observability {
  registry: Registry;
  tracing: boolean;
  decisions: DecisionObserver;
  apolloPlugins: ApolloServerPlugin<GatewayContext>[];
  observeRequest: RequestObserver;
  /** The /metrics handler for the main port; null when metrics have their own listener (IAM_METRICS_PORT). */
  metricsOnMainPort: MetricsHandler | null;
  /** Where /metrics is served once listen() has run; null until then on a separate port. */
  metricsUrl: string | null;
  /** Starts the separate metrics listener when IAM_METRICS_PORT is set; the main URL names /metrics otherwise. */
  listen(mainUrl: string): Promise<void>;
  close(): Promise<void>;
}

export async function createObservability(options: ObservabilityOptions): Promise<Observability> {
  const { config, database, logger } = options;
  const metrics = createGatewayMetrics({
    database,
    isReady: options.isReady,
    readSettings: () => readSettings(database.db, 'none'),
  });
  const tracer = await setupTracer({ enabled: config.tracing, provider: options.tracerProvider });
  const handler = metricsHandler(metrics.registry, config.metricsToken);
  const onError = (error: unknown) => logger.error({ err: error }, 'observability failed');
  let listener: MetricsListener | null = null;
  if (config.production && config.metricsPort === null && config.metricsToken === null) {
    logger.warn('/metrics is served on the public port without a token; set IAM_METRICS_PORT or IAM_METRICS_TOKEN');
  }

  const observability: Observability = {
    registry: metrics.registry,
    tracing: tracer !== null,
    decisions: decisionObserver(metrics, onError),
    apolloPlugins: [graphqlMetricsPlugin(metrics), ...(tracer === null ? [] : [graphqlTracingPlugin])],
    observeRequest: requestObserver(metrics, tracer?.tracer ?? null),
    metricsOnMainPort: config.metricsPort === null ? handler : null,
    metricsUrl: null,
    async listen(mainUrl) {
      if (config.metricsPort === null) {
        observability.metricsUrl = `${mainUrl}/metrics`;
        return;
      }
      listener = await listenForMetrics(handler, config.host, config.metricsPort, onError);
      observability.metricsUrl = listener.url;
      logger.info({ url: listener.url }, 'metrics listening');
    },
    async close() {
      await listener?.close();
      await tracer?.shutdown();
    },
  };
  return observability;
}
