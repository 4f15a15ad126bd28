import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { auditRows, BIND_TENANT, bindTenant, EXPLAIN, newTenant, ok, refusal } from '../../support/fixtures.js';
import { startTestGateway, uid, type TestGateway } from '../../support/gateway.js';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

function traceparent(traceId: string, parentSpanId: string, sampled = true): string {
  return `00-${traceId}-${parentSpanId}-${sampled ? '01' : '00'}`;
}

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('OpenTelemetry spans (in-memory exporter)', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  let t: TestGateway;

  beforeAll(async () => {
    t = await startTestGateway({ tracerProvider: provider });
  });
  afterAll(async () => {
    await t?.close();
    await provider.shutdown();
  });
  beforeEach(() => exporter.reset());

  /** The spans of one trace once its server span has ended (it ends after the response is written). */
  async function traceOf(traceId: string): Promise<ReadableSpan[]> {
    await vi.waitFor(() => {
      expect(exporter.getFinishedSpans().some((s) => s.spanContext().traceId === traceId && s.kind === SpanKind.SERVER)).toBe(true);
    });
    return exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
  }

  const one = (spans: ReadableSpan[], predicate: (s: ReadableSpan) => boolean) => {
    const found = spans.filter(predicate);
    expect(found, found.map((s) => s.name).join(',')).toHaveLength(1);
    return found[0]!;
  };

  it('continues the caller trace on a denial: request > operation > transaction > decision, one trace id everywhere', async () => {
    const tenant = await newTenant(t);
    const admin = uid('admin');
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, admin, 'ADMIN'));
    const target = await t.userId(uid('target'));
    const traceId = hex(16);
    const callerSpanId = hex(8);

    const denied = await t.gql(BIND_TENANT, { input: { tenantId: tenant.tenantId, userId: target, role: 'OWNER' } }, { as: admin, headers: { traceparent: traceparent(traceId, callerSpanId) } });
    const error = refusal(denied);
    expect(error.reason).toBe('role_ceiling_exceeded');
    expect(error.trace_id).toBe(traceId);

    const spans = await traceOf(traceId);
    const server = one(spans, (s) => s.kind === SpanKind.SERVER);
    expect(server.name).toBe('POST /graphql');
    expect(parentOf(server)).toBe(callerSpanId);
    expect(server.parentSpanContext?.isRemote).toBe(true);
    expect(server.attributes['http.response.status_code']).toBe(200);
    expect(server.attributes['iam.correlation_id']).toBe(error.correlation_id);

    const operation = one(spans, (s) => s.name.startsWith('graphql.'));
    expect(operation.name).toBe('graphql.mutation');
    expect(operation.attributes['graphql.operation.type']).toBe('mutation');
    expect(parentOf(operation)).toBe(server.spanContext().spanId);
    expect(operation.attributes['iam.error.reason']).toBe('role_ceiling_exceeded');
    // A denial is an answer, not a failure of the gateway.
    expect(operation.status.code).not.toBe(SpanStatusCode.ERROR);

    const transaction = one(spans, (s) => s.name === 'db.transaction');
    expect(parentOf(transaction)).toBe(operation.spanContext().spanId);
    expect(transaction.attributes['iam.db.kind']).toBe(t.gateway.database.kind);
    expect(transaction.attributes['iam.error.reason']).toBe('role_ceiling_exceeded');

    const decision = one(spans, (s) => s.name === 'iam.policy.decision');
    expect(parentOf(decision)).toBe(transaction.spanContext().spanId);
    expect(decision.attributes).toMatchObject({
      'iam.decision.allowed': false,
      'iam.decision.reason': 'role_ceiling_exceeded',
      'iam.decision.ceiling': 'tenant_admin',
      'iam.decision.requested_role': 'tenant_owner',
      'iam.decision.dry_run': false,
    });
    expect(decision.attributes['iam.decision.path']).toEqual(error.decision_path);

    // Every log line of the request names the same trace.
    const lines = t.logs.filter((l) => l.correlation_id === error.correlation_id);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.trace_id).toBe(traceId);
  });

  it('records an allowed change with its decision, and the audit row carries the span trace id', async () => {
    const tenant = await newTenant(t);
    const member = await t.userId(uid('member'));
    const traceId = hex(16);
    const res = await t.gql(BIND_TENANT, { input: { tenantId: tenant.tenantId, userId: member, role: 'MEMBER' } }, { as: tenant.owner, headers: { traceparent: traceparent(traceId, hex(8)) } });
    ok(res);
    const spans = await traceOf(traceId);
    const decision = one(spans, (s) => s.name === 'iam.policy.decision');
    expect(decision.attributes).toMatchObject({ 'iam.decision.allowed': true, 'iam.decision.reason': 'none', 'iam.decision.ceiling': 'tenant_owner' });
    const transaction = one(spans, (s) => s.name === 'db.transaction');
    expect(transaction.status.code).toBe(SpanStatusCode.UNSET);
    expect(transaction.attributes['iam.error.reason']).toBeUndefined();

    const rows = await auditRows(t, { correlationId: res.headers.get('x-correlation-id') });
    expect(rows.map((r) => r.action)).toEqual(['tenant_membership.bind']);
    expect(rows[0].traceId).toBe(traceId);
  });

  it('starts a new trace without a usable traceparent, and the error names the span trace id', async () => {
    const tenant = await newTenant(t);
    const stranger = uid('stranger');
    for (const header of [undefined, traceparent('0'.repeat(32), hex(8)), 'ff-' + hex(16) + '-' + hex(8) + '-01', 'garbage']) {
      exporter.reset();
      const res = await t.gql(
        BIND_TENANT,
        { input: { tenantId: tenant.tenantId, userId: await t.userId(uid('x')), role: 'MEMBER' } },
        { as: stranger, headers: header === undefined ? {} : { traceparent: header } },
      );
      const error = refusal(res);
      expect(error.reason).toBe('scope_mismatch');
      expect(error.trace_id).toMatch(/^[0-9a-f]{32}$/);
      const spans = await traceOf(error.trace_id);
      const server = one(spans, (s) => s.kind === SpanKind.SERVER);
      expect(server.parentSpanContext, String(header)).toBeUndefined();
      expect(one(spans, (s) => s.name === 'iam.policy.decision').attributes['iam.decision.reason']).toBe('scope_mismatch');
    }
  });

  it('keeps the caller trace id but records nothing when the caller did not sample', async () => {
    const tenant = await newTenant(t);
    const traceId = hex(16);
    const res = await t.gql(
      BIND_TENANT,
      { input: { tenantId: tenant.tenantId, userId: await t.userId(uid('x')), role: 'OWNER' } },
      { as: uid('stranger'), headers: { traceparent: traceparent(traceId, hex(8), false) } },
    );
    expect(refusal(res).trace_id).toBe(traceId);
    // Wait for a later, sampled request's server span: by then the unsampled one would have been exported.
    const marker = hex(16);
    await t.gql('{ me { id } }', {}, { as: tenant.owner, headers: { traceparent: traceparent(marker, hex(8)) } });
    await traceOf(marker);
    expect(exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId)).toEqual([]);
  });

  it('hangs a dry run decision directly under the operation (no transaction), marked dry_run', async () => {
    const tenant = await newTenant(t);
    const traceId = hex(16);
    const res = await t.gql(
      EXPLAIN,
      { input: { action: 'BIND', scope: 'TENANT', tenantId: tenant.tenantId, userId: await t.userId(uid('y')), role: 'tenant_owner' } },
      { as: tenant.owner, headers: { traceparent: traceparent(traceId, hex(8)) } },
    );
    const explained = ok(res).explainGrant;
    const spans = await traceOf(traceId);
    const operation = one(spans, (s) => s.name.startsWith('graphql.'));
    expect(operation.attributes['graphql.operation.type']).toBe('query');
    const decision = one(spans, (s) => s.name === 'iam.policy.decision');
    expect(parentOf(decision)).toBe(operation.spanContext().spanId);
    expect(decision.attributes).toMatchObject({ 'iam.decision.dry_run': true, 'iam.decision.allowed': explained.allowed });
    expect(spans.some((s) => s.name === 'db.transaction')).toBe(false);
  });

  it('does not trace probes and scrapes', async () => {
    const traceId = hex(16);
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      expect((await fetch(`${t.url}${path}`, { headers: { traceparent: traceparent(traceId, hex(8)) } })).status).toBe(200);
    }
    const marker = hex(16);
    await t.gql('{ me { id } }', {}, { as: uid('u'), headers: { traceparent: traceparent(marker, hex(8)) } });
    await traceOf(marker);
    expect(exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId)).toEqual([]);
  });
});

describe('tracing configured by OTEL_* only (OTLP over HTTP/JSON to a collector)', () => {
  let collector: Server;
  const received: any[] = [];
  const saved: Record<string, string | undefined> = {};
  const env = {
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_SERVICE_NAME: 'iam-gateway-under-test',
    // Export each span at once rather than after the default 5 s batch delay.
    OTEL_BSP_SCHEDULE_DELAY: '50',
  };

  beforeAll(async () => {
    collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/v1/traces') received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    for (const [key, value] of Object.entries({ ...env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint })) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
  });
  afterAll(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await new Promise<void>((resolve) => collector.close(() => resolve()));
  });

  it('is on when an exporter is named, and the collector receives the request trace', async () => {
    const t = await startTestGateway({ env: { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: process.env.OTEL_EXPORTER_OTLP_ENDPOINT! } });
    const traceId = hex(16);
    const exported = () =>
      received
        .flatMap((body) =>
          body.resourceSpans.flatMap((rs: any) =>
            rs.scopeSpans.flatMap((ss: any) => ss.spans.map((s: any) => ({ ...s, service: rs.resource.attributes.find((a: any) => a.key === 'service.name')?.value.stringValue }))),
          ),
        )
        .filter((s: any) => s.traceId === traceId);
    try {
      expect(t.gateway.observability.tracing).toBe(true);
      ok(await t.gql('{ me { id } }', {}, { as: uid('u'), headers: { traceparent: traceparent(traceId, hex(8)) } }));
      // Waits for the batch export rather than relying on the flush at shutdown: the SDK's batch
      // processor may still be waiting for async resource attributes (host.id) when shutdown starts.
      await vi.waitFor(() => expect(exported()).toHaveLength(2), { timeout: 30_000, interval: 100 });
    } finally {
      await t.close();
    }
    const spans = exported();
    expect(spans.map((s: any) => s.name).sort()).toEqual(['POST /graphql', 'graphql.query']);
    expect(new Set(spans.map((s: any) => s.service))).toEqual(new Set(['iam-gateway-under-test']));
    const server = spans.find((s: any) => s.name === 'POST /graphql');
    expect(spans.find((s: any) => s.name === 'graphql.query').parentSpanId).toBe(server.spanId);
  });
});
