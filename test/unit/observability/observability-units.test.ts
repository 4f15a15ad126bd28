import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import type { Database } from '../../../src/db/client.js';
import { routeOf } from '../../../src/observability/http-observer.js';
import { createGatewayMetrics } from '../../../src/observability/metrics.js';
import { remoteParent } from '../../../src/observability/tracing.js';
import { parsePromText, sample } from '../../integration/observability/prom-text.js';

describe('configuration', () => {
  const base = { IAM_JWT_SECRET: 'x'.repeat(32) };

  it('turns tracing on only when an exporter or an OTLP endpoint is named, and OTEL_SDK_DISABLED wins', () => {
    const tracing = (env: Record<string, string>) => loadConfig({ ...base, ...env }).tracing;
    expect(tracing({})).toBe(false);
    expect(tracing({ OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
    expect(tracing({ OTEL_TRACES_EXPORTER: ' ' })).toBe(false);
    expect(tracing({ OTEL_SERVICE_NAME: 'iam' })).toBe(false);
    expect(tracing({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true);
    expect(tracing({ OTEL_TRACES_EXPORTER: 'console' })).toBe(true);
    expect(tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracing({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(tracing({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' })).toBe(false);
  });

  it('serves metrics on the main port without a token unless told otherwise', () => {
    expect(loadConfig(base)).toMatchObject({ metricsPort: null, metricsToken: null });
    expect(loadConfig({ ...base, IAM_METRICS_PORT: '9464', IAM_METRICS_TOKEN: 's3cret' })).toMatchObject({ metricsPort: 9464, metricsToken: 's3cret' });
    expect(loadConfig({ ...base, IAM_METRICS_PORT: '0' }).metricsPort).toBe(0);
    expect(() => loadConfig({ ...base, IAM_METRICS_PORT: 'nine' })).toThrow();
  });
});

describe('labels and trace context', () => {
  it('maps every path to one of a fixed set of routes', () => {
    expect(routeOf('/graphql?query=x')).toBe('/graphql');
    expect(routeOf('/metrics')).toBe('/metrics');
    expect(routeOf('/graphiql-assets/graphiql.min.js')).toBe('/graphiql-assets');
    expect(routeOf('/tenants/7f7c2a5e-3d7e-4d8a-9b1e-2f1a5c3b4d6e')).toBe('other');
    expect(routeOf('/graphql/extra')).toBe('other');
    expect(routeOf(undefined)).toBe('other');
  });

  it('continues a valid traceparent and ignores an invalid one, as request-scope does', () => {
    const parent = trace.getSpanContext(remoteParent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', 'vendor=x'));
    expect(parent).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true });
    expect(parent?.traceState?.get('vendor')).toBe('x');
    expect(trace.getSpanContext(remoteParent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00', undefined))?.traceFlags).toBe(0);
    for (const bad of [
      undefined,
      'garbage',
      'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      '00-00000000000000000000000000000000-b7ad6b7169203331-01',
      '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01',
      '00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01',
    ]) {
      expect(trace.getSpanContext(remoteParent(bad, undefined)), String(bad)).toBeUndefined();
    }
  });
});

describe('scraping while the database does not answer', () => {
  it('answers within the scrape timeout: not ready, and no freeze series rather than a guessed one', async () => {
    const never = () => new Promise<never>(() => {});
    const database = { kind: 'postgres', stats: { statements: 7 } } as unknown as Database;
    const metrics = createGatewayMetrics({ database, isReady: never, readSettings: never, scrapeTimeoutMs: 50 });
    const samples = parsePromText(await metrics.registry.metrics());
    expect(sample(samples, 'iam_database_ready')).toBe(0);
    expect(sample(samples, 'iam_db_statements_total')).toBe(7);
    expect(samples.some((s) => s.name.startsWith('iam_mutations_frozen'))).toBe(false);
  });

  it('reports a freeze read from the settings row, by scope', async () => {
    const database = { kind: 'pglite', stats: { statements: 0 } } as unknown as Database;
    const since = new Date('2024-05-01T10:00:00Z');
    const row = { id: 1, frozen: true, freezeScope: 'all', reason: 'incident', since, byUserId: null };
    const metrics = createGatewayMetrics({ database, isReady: async () => true, readSettings: async () => row });
    const samples = parsePromText(await metrics.registry.metrics());
    expect(sample(samples, 'iam_mutations_frozen', { scope: 'all' })).toBe(1);
    expect(sample(samples, 'iam_mutations_frozen', { scope: 'bulk' })).toBe(0);
    expect(sample(samples, 'iam_mutations_frozen_since_timestamp_seconds', { scope: 'all' })).toBe(since.getTime() / 1000);
  });
});
