import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIND_TENANT, bindTenant, newTenant, ok, refusal } from '../../support/fixtures.js';
import { startTestGateway, TEST_SECRET, uid, type GqlResponse, type TestGateway } from '../../support/gateway.js';
import { expectContractErrors, TRACE_ID } from './envelope.js';
import { linesOfRequest } from './request-logs.js';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(async () => {
  await t?.close();
});

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const UNKNOWN_FIELD = '{ me { noSuchField } }';

/** A request that fails inside GraphQL (authenticated), and one refused before it (401). */
async function bothErrorPaths(headers: Record<string, string>): Promise<GqlResponse[]> {
  return [await t.gql(UNKNOWN_FIELD, {}, { as: 'correlation-user', headers }), await t.gql('{ me { id } }', {}, { headers })];
}

describe('x-correlation-id', () => {
  it('echoes a valid incoming id in the header and in every error', async () => {
    for (const id of ['a', 'req-123_ABC.xyz', 'x'.repeat(64), uid('corr')]) {
      for (const res of await bothErrorPaths({ 'x-correlation-id': id })) {
        expect(res.headers.get('x-correlation-id')).toBe(id);
        for (const error of expectContractErrors(res)) expect(error.extensions.correlation_id).toBe(id);
      }
    }
  });

  it('echoes it on a success too', async () => {
    const id = uid('ok');
    const res = await t.gql('{ me { id } }', {}, { as: 'correlation-user', headers: { 'x-correlation-id': id } });
    expect(res.body.errors).toBeUndefined();
    expect(res.headers.get('x-correlation-id')).toBe(id);
  });

  it('generates one when absent, different per request', async () => {
    const seen = new Set<string>();
    for (const res of [...(await bothErrorPaths({})), ...(await bothErrorPaths({}))]) {
      const id = res.headers.get('x-correlation-id')!;
      expect(id).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
      expect(expectContractErrors(res)[0]!.extensions.correlation_id).toBe(id);
      seen.add(id);
    }
    expect(seen.size).toBe(4);
  });

  it('replaces a malformed id (too long, forbidden characters, empty) with a generated one', async () => {
    for (const bad of ['x'.repeat(65), 'has space', 'semi;colon', 'slash/no', 'quote"d', 'ünïcödé', '<script>', '']) {
      for (const res of await bothErrorPaths({ 'x-correlation-id': bad })) {
        const id = res.headers.get('x-correlation-id')!;
        expect(id).not.toBe(bad);
        expect(id).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
        for (const error of expectContractErrors(res)) expect(error.extensions.correlation_id).toBe(id);
      }
    }
  });
});

describe('traceparent', () => {
  it('adopts the trace id of a valid traceparent', async () => {
    const traceId = hex(16);
    for (const res of await bothErrorPaths({ traceparent: `00-${traceId}-${hex(8)}-01` })) {
      for (const error of expectContractErrors(res)) expect(error.extensions.trace_id).toBe(traceId);
    }
  });

  it('starts a fresh trace for an invalid traceparent', async () => {
    const traceId = hex(16);
    const invalid = [
      `00-${'0'.repeat(32)}-${hex(8)}-01`, // all-zero trace id
      `00-${traceId}-${'0'.repeat(16)}-01`, // all-zero parent id
      `ff-${traceId}-${hex(8)}-01`, // forbidden version
      `00-${traceId.slice(2)}-${hex(8)}-01`, // trace id too short
      `00-${traceId}ab-${hex(8)}-01`, // trace id too long
      `00-${traceId.toUpperCase()}-${hex(8)}-01`, // not lowercase hex
      `00-${traceId}-${hex(8)}`, // no flags
      'garbage',
    ];
    for (const traceparent of invalid) {
      for (const res of await bothErrorPaths({ traceparent })) {
        for (const error of expectContractErrors(res)) {
          expect(error.extensions.trace_id).toMatch(TRACE_ID);
          expect(error.extensions.trace_id).not.toBe(traceId);
          expect(error.extensions.trace_id).not.toBe('0'.repeat(32));
        }
      }
    }
  });

  it('gives each request without traceparent its own trace id', async () => {
    const [a, b] = await bothErrorPaths({});
    expect(a!.body.errors![0]!.extensions.trace_id).not.toBe(b!.body.errors![0]!.extensions.trace_id);
  });
});

describe('request logs', () => {
  function expectIds(lines: Record<string, any>[], correlationId: string, traceId: string) {
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line, line.msg).toMatchObject({ correlation_id: correlationId, trace_id: traceId });
    }
  }

  it('tags every line of a request with its correlation and trace ids, on success and on error', async () => {
    const cases: [string, { as?: string; token?: string }][] = [
      ['{ me { id } }', { as: uid('logged') }],
      [UNKNOWN_FIELD, { as: uid('logged') }],
      ['{ me { id } }', {}],
      ['{ me { id } }', { token: 'not-a-jwt' }],
    ];
    for (const [query, who] of cases) {
      const correlationId = uid('log');
      const traceId = hex(16);
      const { lines } = await linesOfRequest(t, () =>
        t.gql(query, {}, { ...who, headers: { 'x-correlation-id': correlationId, traceparent: `00-${traceId}-${hex(8)}-01` } }),
      );
      expectIds(lines, correlationId, traceId);
    }
  });

  it('logs the decision of an allowed mutation with code, reason, ceiling and path, and the actor', async () => {
    const tenant = await newTenant(t);
    const ownerId = await t.userId(tenant.owner);
    const correlationId = uid('allowed');
    const traceId = hex(16);
    const memberId = await t.userId(uid('m'));
    const { result, lines } = await linesOfRequest(t, () =>
      t.gql(BIND_TENANT, { input: { tenantId: tenant.tenantId, userId: memberId, role: 'MEMBER' } }, {
        as: tenant.owner,
        headers: { 'x-correlation-id': correlationId, traceparent: `00-${traceId}-${hex(8)}-01` },
      }),
    );
    ok(result);
    expectIds(lines, correlationId, traceId);
    const decisions = lines.filter((l) => l.decision !== undefined);
    expect(decisions).toHaveLength(1);
    const [line] = decisions;
    expect(line!.actor_user_id).toBe(ownerId);
    expect(line!.decision).toMatchObject({ allowed: true, code: null, reason: null, ceiling: 'tenant_owner', requested_role: 'tenant_member' });
    expect(line!.decision.path).toEqual(expect.arrayContaining([expect.any(String)]));
    expect(line!.operation).toBe('bindTenantMembership');
  });

  it('logs the decision of a denied mutation with the same fields as the error', async () => {
    const tenant = await newTenant(t);
    const admin = uid('admin');
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, admin, 'ADMIN'));
    const target = await t.userId(uid('target'));
    const correlationId = uid('denied');
    const { result, lines } = await linesOfRequest(t, () =>
      t.gql(BIND_TENANT, { input: { tenantId: tenant.tenantId, userId: target, role: 'OWNER' } }, { as: admin, headers: { 'x-correlation-id': correlationId } }),
    );
    const error = refusal(result);
    expect(error).toMatchObject({ code: 'insufficient_permissions', reason: 'role_ceiling_exceeded', ceiling: 'tenant_admin' });
    expectIds(lines, correlationId, error.trace_id);
    const decisions = lines.filter((l) => l.decision !== undefined);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]!.decision).toMatchObject({
      allowed: false,
      code: 'insufficient_permissions',
      reason: 'role_ceiling_exceeded',
      ceiling: 'tenant_admin',
      requested_role: 'tenant_owner',
      path: error.decision_path,
    });
    expect(decisions[0]!.decision.path.length).toBeGreaterThan(0);
    expect(decisions[0]!.actor_user_id).toBe(await t.userId(admin));
  });

  it('never writes a bearer token, the JWT secret or the connection string', async () => {
    // Refused tokens are the likeliest to be logged while explaining the refusal.
    const forged = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x"}').toString('base64url')}.`;
    const valid = await t.token(uid('secretive'));
    await t.gql('{ me { id } }', {}, { token: forged });
    await t.gql('{ me { id } }', {}, { headers: { authorization: `Basic ${valid}` } });
    await t.gql(UNKNOWN_FIELD, {}, { token: valid });
    await linesOfRequest(t, () => t.gql('{ me { id } }', {}, { token: valid }));
    const secrets = [TEST_SECRET, valid, valid.split('.')[2]!, forged, ...(t.databaseUrl === null ? [] : [t.databaseUrl])];
    expect(t.logs.length).toBeGreaterThan(10);
    for (const line of t.logs) {
      const text = JSON.stringify(line);
      for (const secret of secrets) expect(text.includes(secret), `log line leaks a secret: ${text.slice(0, 200)}`).toBe(false);
    }
  });
});
