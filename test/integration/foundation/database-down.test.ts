import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../../src/app.js';
import { mintDevToken } from '../../../src/auth/dev-token.js';
import { loadConfig } from '../../../src/config.js';
import { BIND_TENANT, newTenant, ok } from '../../support/fixtures.js';
import { REAL_DB, SERVER_URL } from '../../support/database.js';
import { startTestGateway, TEST_SECRET, uid, type GqlResponse, type TestGateway } from '../../support/gateway.js';
import { expectRefusal } from './envelope.js';

// The gateway must answer while its database is gone; a hang is a failure, not a slow pass.
const BOUND_MS = 20_000;

async function get(url: string): Promise<number> {
  return (await fetch(url, { signal: AbortSignal.timeout(BOUND_MS) })).status;
}

async function post(url: string, query: string, token: string | null, variables: Record<string, unknown> = {}): Promise<GqlResponse> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(BOUND_MS),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GqlResponse['body'] };
}

function expectUnavailable(res: GqlResponse) {
  const error = expectRefusal(res, 'service_unavailable', 'dependency_unavailable');
  expect(error.extensions.retryable).toBe(true);
  expect(error.message).not.toMatch(/ECONNREFUSED|PGlite|postgres|127\.0\.0\.1|select/i);
  return error;
}

describe('a healthy gateway', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers /healthz and /readyz with 200', async () => {
    expect(await get(`${t.url}/healthz`)).toBe(200);
    expect(await get(`${t.url}/readyz`)).toBe(200);
  });
});

describe('the database closes under a running gateway', () => {
  let t: TestGateway;
  let tenantId: string;
  let owner: string;
  let memberId: string;
  beforeAll(async () => {
    t = await startTestGateway();
    ({ tenantId, owner } = await newTenant(t));
    memberId = await t.userId(uid('member'));
    await t.gateway.database.close();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stays up: /healthz 200, /readyz 503', async () => {
    expect(await get(`${t.url}/healthz`)).toBe(200);
    expect(await get(`${t.url}/readyz`)).toBe(503);
  });

  it('answers a known caller service_unavailable/dependency_unavailable, never internal_error', async () => {
    const res = await post(t.url, '{ me { id tenantMemberships { role } } }', await t.token(owner));
    expectUnavailable(res);
  });

  it('answers a mutation the same way', async () => {
    const res = await post(t.url, BIND_TENANT, await t.token(owner), { input: { tenantId, userId: memberId, role: 'MEMBER' } });
    expectUnavailable(res);
  });

  it('answers a first-time caller (who cannot be provisioned) with HTTP 503', async () => {
    const res = await post(t.url, '{ me { id } }', await t.token(uid('newcomer')));
    expect(res.status).toBe(503);
    expectUnavailable(res);
  });

  it('still refuses a bad token as unauthenticated, and answers anonymous introspection', async () => {
    expectRefusal(await post(t.url, '{ me { id } }', 'not-a-jwt'), 'unauthenticated', 'invalid_token');
    expect((await post(t.url, '{ __typename }', null)).body).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('a gateway started against an unreachable database', () => {
  const password = `pw-${uid('secret')}`;
  const deadUrl = `postgres://iam:${password}@127.0.0.1:1/iam`;
  const logs: Record<string, any>[] = [];
  let gateway: Gateway;
  let token: string;

  beforeAll(async () => {
    const config = loadConfig({
      IAM_JWT_SECRET: TEST_SECRET,
      PORT: '0',
      DATABASE_URL: deadUrl,
      IAM_BOOTSTRAP_PLATFORM_ADMINS: 'root-admin',
      LOG_LEVEL: 'info',
    });
    // Not awaiting gateway.ready: it resolves only once the database answers.
    gateway = await startGateway(config, { migrateRetryMs: 100, logDestination: { write: (line: string) => void logs.push(JSON.parse(line)) } });
    token = await mintDevToken(TEST_SECRET, { sub: uid('caller') });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('starts and stays up: /healthz 200, /readyz 503', async () => {
    expect(await get(`${gateway.url}/healthz`)).toBe(200);
    expect(await get(`${gateway.url}/readyz`)).toBe(503);
  });

  it('answers requests with a 503 service_unavailable, never internal_error', async () => {
    for (const query of ['{ me { id } }', '{ tenants { nodes { id } } }', 'mutation { setMutationFreeze(input: { frozen: true, scope: ALL, reason: "x" }) { status { frozen } } }']) {
      const res = await post(gateway.url, query, token);
      expect(res.status).toBe(503);
      expectUnavailable(res);
    }
  });

  it('keeps retrying the migration and logs why, without the connection string or its password', async () => {
    await expect.poll(() => logs.filter((l) => l.msg === 'database not ready; retrying').length, { timeout: BOUND_MS }).toBeGreaterThan(1);
    for (const line of logs) {
      const text = JSON.stringify(line);
      expect(text).not.toContain(password);
      expect(text).not.toContain(deadUrl);
    }
  });
});

describe.skipIf(!REAL_DB)('the real server stops accepting connections to the database, then comes back', () => {
  let t: TestGateway;
  let admin: postgres.Sql;
  let database: string;
  let owner: string;
  let tenantId: string;

  const setAccepting = async (accepting: boolean) => {
    await admin.unsafe(`alter database ${database} with allow_connections ${accepting}`);
    if (!accepting) await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${database} and pid <> pg_backend_pid()`;
  };

  beforeAll(async () => {
    t = await startTestGateway();
    database = new URL(t.databaseUrl!).pathname.slice(1);
    admin = postgres(SERVER_URL!, { max: 1, onnotice: () => {} });
    ({ owner, tenantId } = await newTenant(t));
    await setAccepting(false);
  });
  afterAll(async () => {
    if (database) await setAccepting(true).catch(() => {});
    await admin?.end();
    await t?.close();
  });

  it('answers service_unavailable while the connections are refused, /readyz 503, /healthz 200', async () => {
    expect(await get(`${t.url}/healthz`)).toBe(200);
    expect(await get(`${t.url}/readyz`)).toBe(503);
    expectUnavailable(await post(t.url, '{ me { id } }', await t.token(owner)));
    const member = await mintDevToken(TEST_SECRET, { sub: uid('newcomer') });
    const res = await post(t.url, '{ me { id } }', member);
    expect(res.status).toBe(503);
    expectUnavailable(res);
  });

  it('recovers by itself once the database accepts connections again', async () => {
    await setAccepting(true);
    await expect.poll(() => get(`${t.url}/readyz`), { timeout: BOUND_MS }).toBe(200);
    const memberId = await t.userId(uid('member'));
    ok(await t.gql(BIND_TENANT, { input: { tenantId, userId: memberId, role: 'MEMBER' } }, { as: owner }));
  });
});
