import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, REASONS_BY_CODE } from '../../../src/errors/codes.js';
import { buildBaseSchema } from '../../../src/schema.js';
import { BIND_PROJECT, BIND_TENANT, BULK_BIND, EXPLAIN, bindTenant, newProject, newTenant, ok, refusal, SET_FREEZE } from '../../support/fixtures.js';
import { ROOT_ADMIN, startTestGateway, uid, type TestGateway } from '../../support/gateway.js';
import { counter, sample, scrape, sumWhere, type Sample } from './prom-text.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

function delta(before: Sample[], after: Sample[], name: string, labels: Record<string, string>): number {
  return counter(after, name, labels) - counter(before, name, labels);
}

const mutation = (operation: string, outcome: 'success' | 'error', code = 'none', reason = 'none') => ({ operation, outcome, code, reason });
const decision = (scope: string, action: string, allowed: boolean, reason = 'none', directive = 'requiresCeiling') => ({
  directive,
  scope,
  action,
  allowed: String(allowed),
  reason,
});

describe('/metrics on the main port (default: no token)', () => {
  let t: TestGateway;
  const metricsUrl = () => `${t.url}/metrics`;
  // Every identifier a client or the database chose during these tests: none may become a label value.
  const identifiers = new Set<string>();

  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is served in the Prometheus text format with the database gauges', async () => {
    const response = await fetch(metricsUrl());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = await scrape(metricsUrl());
    expect(sample(samples, 'iam_database_ready')).toBe(1);
    // No OTEL_* variable names an exporter: tracing is off by default.
    expect(t.gateway.observability.tracing).toBe(false);
    expect(sample(samples, 'iam_database_info', { kind: t.gateway.database.kind })).toBe(1);
    expect(sample(samples, 'iam_db_statements_total')).toBeGreaterThan(0);
    expect(sample(samples, 'iam_mutations_frozen', { scope: 'bulk' })).toBe(0);
    expect(sample(samples, 'iam_mutations_frozen', { scope: 'all' })).toBe(0);
    expect(samples.some((s) => s.name === 'iam_mutations_frozen_since_timestamp_seconds')).toBe(false);
    // The error counters alerts watch exist before the first error.
    expect(sample(samples, 'iam_graphql_errors_total', { operation_type: 'mutation', code: 'internal_error', reason: 'internal_error' })).toBe(0);
  });

  it('counts allowed and denied mutations, their decisions and the time decisions took', async () => {
    const tenant = await newTenant(t);
    const admin = uid('admin');
    const outsider = uid('outsider');
    const target = uid('target');
    identifiers.add(tenant.tenantId).add(tenant.slug).add(tenant.owner).add(admin).add(outsider).add(target);
    const targetId = await t.userId(target);
    identifiers.add(targetId);
    await t.userId(admin);
    await t.userId(outsider);

    const before = await scrape(metricsUrl());
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, admin, 'ADMIN'));
    const ceiling = await t.gql(BIND_TENANT, { input: { tenantId: tenant.tenantId, userId: targetId, role: 'OWNER' } }, { as: admin });
    expect(refusal(ceiling).reason).toBe('role_ceiling_exceeded');
    const correlationId = uid('corr');
    identifiers.add(correlationId);
    const scoped = await t.gql(BIND_TENANT, { input: { tenantId: tenant.tenantId, userId: targetId, role: 'MEMBER' } }, { as: outsider, headers: { 'x-correlation-id': correlationId } });
    expect(refusal(scoped).reason).toBe('scope_mismatch');
    const after = await scrape(metricsUrl());

    const metric = 'iam_mutations_total';
    expect(delta(before, after, metric, mutation('bindTenantMembership', 'success'))).toBe(1);
    expect(delta(before, after, metric, mutation('bindTenantMembership', 'error', 'insufficient_permissions', 'role_ceiling_exceeded'))).toBe(1);
    expect(delta(before, after, metric, mutation('bindTenantMembership', 'error', 'insufficient_permissions', 'scope_mismatch'))).toBe(1);
    expect(sumWhere(after, metric) - sumWhere(before, metric)).toBe(3);

    const decisions = 'iam_authz_decisions_total';
    expect(delta(before, after, decisions, decision('tenant', 'bind', true))).toBe(1);
    expect(delta(before, after, decisions, decision('tenant', 'bind', false, 'role_ceiling_exceeded'))).toBe(1);
    expect(delta(before, after, decisions, decision('tenant', 'bind', false, 'scope_mismatch'))).toBe(1);
    expect(sumWhere(after, decisions) - sumWhere(before, decisions)).toBe(3);
    expect(counter(after, 'iam_authz_decision_duration_seconds_count') - counter(before, 'iam_authz_decision_duration_seconds_count')).toBe(3);

    const errors = 'iam_graphql_errors_total';
    expect(delta(before, after, errors, { operation_type: 'mutation', code: 'insufficient_permissions', reason: 'role_ceiling_exceeded' })).toBe(1);
    expect(delta(before, after, errors, { operation_type: 'mutation', code: 'insufficient_permissions', reason: 'scope_mismatch' })).toBe(1);
    expect(delta(before, after, errors, { operation_type: 'mutation', code: 'internal_error', reason: 'internal_error' })).toBe(0);

    expect(sumWhere(after, 'iam_http_request_duration_seconds_count', { route: '/graphql', status: '200' })).toBeGreaterThanOrEqual(
      sumWhere(before, 'iam_http_request_duration_seconds_count', { route: '/graphql', status: '200' }) + 3,
    );
    expect(sample(after, 'iam_db_statements_total')!).toBeGreaterThan(sample(before, 'iam_db_statements_total')!);
  });

  it('counts an aliased mutation under its field name, not its alias; a two-field mutation is refused before either field runs', async () => {
    const tenant = await newTenant(t);
    const member = uid('member');
    const stranger = uid('stranger');
    identifiers.add(tenant.tenantId).add(tenant.slug).add(tenant.owner).add(member).add(stranger);
    const admin = uid('admin');
    identifiers.add(admin);
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, admin, 'ADMIN'));
    const single = (alias: string) => `mutation($a: BindTenantMembershipInput!) { ${alias}: bindTenantMembership(input: $a) { changed } }`;
    const granted = { tenantId: tenant.tenantId, userId: await t.userId(member), role: 'MEMBER' };
    const refusedInput = { tenantId: tenant.tenantId, userId: await t.userId(stranger), role: 'OWNER' };
    const before = await scrape(metricsUrl());
    ok(await t.gql(single('granted'), { a: granted }, { as: admin }));
    expect(refusal(await t.gql(single('refused'), { a: refusedInput }, { as: admin })).reason).toBe('role_ceiling_exceeded');
    // One change per request: two root mutation fields are refused before either runs.
    const two = await t.gql(
      `mutation($a: BindTenantMembershipInput!, $b: BindTenantMembershipInput!) { x: bindTenantMembership(input: $a) { changed } y: bindTenantMembership(input: $b) { changed } }`,
      { a: refusedInput, b: refusedInput },
      { as: admin },
    );
    expect(refusal(two).code).toBe('invalid_request');
    const after = await scrape(metricsUrl());
    expect(delta(before, after, 'iam_mutations_total', mutation('bindTenantMembership', 'success'))).toBe(1);
    expect(delta(before, after, 'iam_mutations_total', mutation('bindTenantMembership', 'error', 'insufficient_permissions', 'role_ceiling_exceeded'))).toBe(1);
    expect(after.some((s) => ['granted', 'refused', 'x', 'y'].includes(s.labels.operation ?? ''))).toBe(false);
  });

  it('counts a mutation that fails validation as unresolved, and a dry run as explainGrant', async () => {
    const tenant = await newTenant(t);
    identifiers.add(tenant.tenantId).add(tenant.slug).add(tenant.owner);
    const before = await scrape(metricsUrl());
    const invalid = await t.gql('mutation { noSuchMutation(input: {}) { changed } }', {}, { as: tenant.owner });
    expect(refusal(invalid).code).toBe('invalid_request');
    const explained = ok(
      await t.gql(
        EXPLAIN,
        { input: { action: 'BIND', scope: 'TENANT', tenantId: tenant.tenantId, userId: await t.userId(tenant.owner), role: 'tenant_owner' } },
        { as: tenant.owner },
      ),
    );
    const after = await scrape(metricsUrl());
    const reason = refusal(invalid).reason;
    expect(delta(before, after, 'iam_mutations_total', mutation('unresolved', 'error', 'invalid_request', reason))).toBe(1);
    expect(delta(before, after, 'iam_graphql_errors_total', { operation_type: 'mutation', code: 'invalid_request', reason })).toBe(1);
    const dryRun = decision('tenant', 'bind', explained.explainGrant.allowed, explained.explainGrant.reason ?? 'none', 'explainGrant');
    expect(delta(before, after, 'iam_authz_decisions_total', dryRun)).toBe(1);
    // A dry run is not an enforced decision: it is neither timed nor counted as one.
    expect(sumWhere(after, 'iam_authz_decisions_total', { directive: 'requiresCeiling' })).toBe(sumWhere(before, 'iam_authz_decisions_total', { directive: 'requiresCeiling' }));
  });

  it('counts a request refused before GraphQL (no token) by HTTP status only', async () => {
    const before = await scrape(metricsUrl());
    const res = await t.gql(BIND_TENANT, { input: { tenantId: '00000000-0000-4000-8000-000000000000', userId: '00000000-0000-4000-8000-000000000000', role: 'MEMBER' } });
    expect(res.status).toBe(401);
    const after = await scrape(metricsUrl());
    expect(delta(before, after, 'iam_http_request_duration_seconds_count', { route: '/graphql', status: '401' })).toBe(1);
    expect(sumWhere(after, 'iam_mutations_total')).toBe(sumWhere(before, 'iam_mutations_total'));
  });

  it('reports the freeze from the database while it holds, and counts the mutations it refuses', async () => {
    const tenant = await newTenant(t);
    identifiers.add(tenant.tenantId).add(tenant.slug).add(tenant.owner);
    const projectId = await newProject(t, tenant.owner, tenant.tenantId);
    identifiers.add(projectId);
    const member = uid('member');
    identifiers.add(member);
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, member, 'MEMBER'));
    const memberId = await t.userId(member);

    ok(await t.gql(SET_FREEZE, { input: { frozen: true, scope: 'BULK', reason: 'metrics test' } }, { as: ROOT_ADMIN }));
    try {
      const frozen = await scrape(metricsUrl());
      expect(sample(frozen, 'iam_mutations_frozen', { scope: 'bulk' })).toBe(1);
      expect(sample(frozen, 'iam_mutations_frozen', { scope: 'all' })).toBe(0);
      const since = sample(frozen, 'iam_mutations_frozen_since_timestamp_seconds', { scope: 'bulk' });
      expect(since).toBeGreaterThan(Date.now() / 1000 - 600);
      expect(since).toBeLessThanOrEqual(Date.now() / 1000 + 60);

      const refused = await t.gql(BULK_BIND, { input: { tenantId: tenant.tenantId, projectId, bindings: [{ userId: memberId, role: 'VIEWER' }] } }, { as: tenant.owner });
      expect(refusal(refused).reason).toBe('mutations_frozen');
      // A single bind is not bulk: a BULK freeze lets it through.
      ok(await t.gql(BIND_PROJECT, { input: { tenantId: tenant.tenantId, projectId, userId: memberId, role: 'VIEWER' } }, { as: tenant.owner }));
      const after = await scrape(metricsUrl());
      expect(delta(frozen, after, 'iam_mutations_total', mutation('bulkBindProjectMemberships', 'error', 'service_unavailable', 'mutations_frozen'))).toBe(1);
      expect(delta(frozen, after, 'iam_mutations_total', mutation('bindProjectMembership', 'success'))).toBe(1);
      expect(delta(frozen, after, 'iam_authz_decisions_total', decision('project', 'bind', false, 'mutations_frozen'))).toBe(1);
    } finally {
      ok(await t.gql(SET_FREEZE, { input: { frozen: false, reason: 'metrics test done' } }, { as: ROOT_ADMIN }));
    }
    const lifted = await scrape(metricsUrl());
    expect(sample(lifted, 'iam_mutations_frozen', { scope: 'bulk' })).toBe(0);
    expect(lifted.some((s) => s.name === 'iam_mutations_frozen_since_timestamp_seconds')).toBe(false);
  });

  it('keeps every label value low-cardinality: no ids, subjects, slugs or correlation ids', async () => {
    const samples = await scrape(metricsUrl());
    const mutationFields = Object.keys(buildBaseSchema().getMutationType()!.getFields());
    const codes = new Set<string>([...ERROR_CODES, 'none']);
    const reasons = new Set<string>([...ERROR_CODES.flatMap((c) => [...REASONS_BY_CODE[c]]), 'none']);
    const iam = samples.filter((s) => s.name.startsWith('iam_'));
    expect(iam.length).toBeGreaterThan(50);
    for (const s of iam) {
      for (const [label, value] of Object.entries(s.labels)) {
        expect(value, `${s.name}{${label}}`).not.toMatch(UUID);
        for (const id of identifiers) expect(value.includes(id), `${s.name}{${label}="${value}"} holds ${id}`).toBe(false);
        if (label === 'operation') expect([...mutationFields, 'unresolved']).toContain(value);
        if (label === 'code') expect(codes.has(value), value).toBe(true);
        if (label === 'reason') expect(reasons.has(value), value).toBe(true);
        if (label === 'route') expect(['/graphql', '/healthz', '/readyz', '/metrics', '/schema.graphql', '/graphiql-assets', 'other']).toContain(value);
        if (label === 'status') expect(value).toMatch(/^[1-5]\d\d$/);
      }
    }
    // An unknown path is one route, whatever it is.
    await fetch(`${t.url}/${uid('probe')}/00000000-0000-4000-8000-000000000000`);
    const afterProbe = await scrape(metricsUrl());
    expect(afterProbe.filter((s) => s.name === 'iam_http_request_duration_seconds_count' && s.labels.route === 'other').map((s) => s.labels.status)).toEqual(['404']);
  });
});

describe('/metrics on its own port (IAM_METRICS_PORT) behind a token (IAM_METRICS_TOKEN)', () => {
  const token = 'metrics-token-0123456789';
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ env: { IAM_METRICS_PORT: '0', IAM_METRICS_TOKEN: token } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is not served on the main port, with or without the token', async () => {
    expect((await fetch(`${t.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
  });

  it('answers 401 on its port without the right token, and the metrics with it', async () => {
    const url = t.gateway.observability.metricsUrl!;
    expect(new URL(url).port).not.toBe(new URL(t.url).port);
    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await anonymous.text()).not.toContain('iam_');
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong-token' } })).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}` } })).status).toBe(401);
    const samples = await scrape(url, token);
    expect(sample(samples, 'iam_database_ready')).toBe(1);
  });

  it('serves nothing else on the metrics port', async () => {
    const base = new URL(t.gateway.observability.metricsUrl!);
    expect((await fetch(new URL('/graphql', base), { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
    expect((await fetch(base, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).status).toBe(405);
  });

  it('still answers when the database is gone: not ready, and no freeze it could not read', async () => {
    await t.gateway.database.close();
    const samples = await scrape(t.gateway.observability.metricsUrl!, token);
    expect(sample(samples, 'iam_database_ready')).toBe(0);
    expect(samples.some((s) => s.name === 'iam_mutations_frozen')).toBe(false);
  });
});

describe('/metrics on the main port behind a token', () => {
  const token = 'main-port-metrics-token';
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ env: { IAM_METRICS_TOKEN: token } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 401 without the token and 200 with it; the GraphQL endpoint is unaffected', async () => {
    expect((await fetch(`${t.url}/metrics`)).status).toBe(401);
    expect(sample(await scrape(`${t.url}/metrics`, token), 'iam_database_ready')).toBe(1);
    expect(ok(await t.gql('{ me { id } }', {}, { as: uid('user') })).me.id).toMatch(UUID);
  });
});
