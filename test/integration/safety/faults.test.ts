// The database failing under the gateway: unreachable or missing at startup, connections killed
// mid-run under load, rows locked by someone else. The gateway must stay up, answer every request
// within a bound (a success or a retryable service_unavailable), recover by itself, and never let a
// binding change and its audit row part ways (contract sections 3 and 5).
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, REAL_DB, SERVER_URL } from '../../support/database.js';
import { BIND_PROJECT, BIND_TENANT, newProject, newTenant, ok } from '../../support/fixtures.js';
import { startTestGateway, uid, type TestGateway } from '../../support/gateway.js';
import {
  expectContractErrors,
  graphql,
  rawRequest,
  refusalOf,
  serverSql,
  startLooseGateway,
  TcpProxy,
  waitUntil,
  withDatabaseName,
  withPort,
  type LooseGateway,
  type RawResponse,
} from './support.js';

type Sql = ReturnType<typeof serverSql>;
const REQUESTS_PER_CLIENT = 15;
/** Answers between two faults: with 8 clients in flight, each fault cuts several transactions mid-way. */
const FAULT_EVERY = 8;
const UNAVAILABLE = { code: 'service_unavailable', reason: 'dependency_unavailable', retryable: true };

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!().catch(() => undefined);
});

// In a gateway process either of these is fatal (Node ends the process), so none may happen here.
const escaped: unknown[] = [];
const onEscape = (error: unknown) => void escaped.push(error);
beforeAll(() => {
  process.on('uncaughtException', onEscape);
  process.on('unhandledRejection', onEscape);
});
afterEach(() => {
  expect(escaped.map((e) => String(e)), 'errors escaped to the process').toEqual([]);
});
afterAll(() => {
  process.off('uncaughtException', onEscape);
  process.off('unhandledRejection', onEscape);
});

async function readyStatus(url: string): Promise<number> {
  return (await rawRequest(`${url}/readyz`)).status;
}

/** While the database is away: alive, not ready, and every request a retryable service_unavailable. */
async function expectUpButUnavailable(g: LooseGateway): Promise<void> {
  expect((await rawRequest(`${g.url}/healthz`)).status).toBe(200);
  expect(await readyStatus(g.url)).toBe(503);
  for (const query of ['{ me { id } }', '{ tenants { nodes { id } } }']) {
    const response = await graphql(g.url, await g.token(uid('early')), query);
    expect(response.aborted).toBe(false);
    expect(response.status).toBe(503);
    expect(refusalOf(response)).toMatchObject(UNAVAILABLE);
  }
  // Authentication needs no database: a bad token is still told so, not "unavailable".
  expect(refusalOf(await graphql(g.url, 'not-a-jwt', '{ me { id } }'))).toMatchObject({ code: 'unauthenticated', reason: 'invalid_token' });
}

/** Back: ready again with no restart, and requests succeed. */
async function expectRecovered(g: LooseGateway): Promise<void> {
  await waitUntil('readyz 200', async () => (await readyStatus(g.url)) === 200);
  const response = await graphql(g.url, await g.token(uid('late')), '{ me { id subject } }');
  expect(response.json?.errors).toBeUndefined();
  expect(response.json.data.me.id).toMatch(/^[0-9a-f-]{36}$/);
}

describe.skipIf(!REAL_DB)('the database is not there at startup', () => {
  it('stays up on a closed port, answers service_unavailable, and recovers when the port opens', async () => {
    const scratch = await createScratchDatabase();
    cleanups.push(scratch.drop);
    const proxy = await TcpProxy.to(SERVER_URL!);
    cleanups.push(() => proxy.close());
    const g = await startLooseGateway(withPort(scratch.url, proxy.port));
    cleanups.push(() => g.close());

    await expectUpButUnavailable(g);
    await proxy.open();
    await expectRecovered(g);
  });

  it('stays up while its database does not exist yet, and recovers once it is created', async () => {
    const name = `iam_test_late_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const admin = serverSql(SERVER_URL!);
    cleanups.push(() => admin.end());
    cleanups.push(() => admin.unsafe(`drop database if exists ${name} with (force)`));
    const g = await startLooseGateway(withDatabaseName(SERVER_URL!, name));
    cleanups.push(() => g.close());

    await expectUpButUnavailable(g);
    await admin.unsafe(`create database ${name}`);
    // Until migrations have run on the new database, requests are still "unavailable", never internal errors.
    const during = await Promise.all(Array.from({ length: 10 }, async () => graphql(g.url, await g.token(uid('during')), '{ me { id } }')));
    for (const response of during) {
      if (response.json?.errors) expect(refusalOf(response)).toMatchObject(UNAVAILABLE);
    }
    await expectRecovered(g);
  });
});

interface Workload {
  tenants: { tenantId: string; owner: string; projectId: string; members: string[] }[];
}

/** Tenants whose members are already bound, so that every bind below is a success while the database is up. */
async function prepareWorkload(t: TestGateway, tenantCount: number, membersPerTenant: number): Promise<Workload> {
  const tenants: Workload['tenants'] = [];
  for (let i = 0; i < tenantCount; i += 1) {
    const tenant = await newTenant(t);
    const projectId = await newProject(t, tenant.owner, tenant.tenantId);
    const members: string[] = [];
    for (let m = 0; m < membersPerTenant; m += 1) {
      const userId = await t.userId(uid('load'));
      ok(await t.gql(BIND_TENANT, { input: { tenantId: tenant.tenantId, userId, role: 'MEMBER' } }, { as: tenant.owner }));
      members.push(userId);
    }
    tenants.push({ tenantId: tenant.tenantId, owner: tenant.owner, projectId, members });
  }
  return { tenants };
}

interface LoadResult {
  responses: (RawResponse & { correlationId: string })[];
  succeeded: number;
  unavailable: number;
}

/** Clients binding roles back and forth (tenant and project); `onResponse` hears of each answer as it lands. */
async function runLoad(t: TestGateway, workload: Workload, clientsPerTenant: number, requestsPerClient: number, onResponse: () => void = () => {}): Promise<LoadResult> {
  const tenantRoles = ['MEMBER', 'ADMIN'];
  const projectRoles = ['VIEWER', 'EDITOR', 'ADMIN'];
  const responses: LoadResult['responses'] = [];
  const clients = workload.tenants.flatMap((tenant) =>
    Array.from({ length: clientsPerTenant }, async (_, c) => {
      const token = await t.token(tenant.owner);
      for (let i = 0; i < requestsPerClient; i += 1) {
        const userId = tenant.members[(c + i) % tenant.members.length]!;
        const project = i % 2 === 1;
        const response = project
          ? await graphql(t.url, token, BIND_PROJECT, {
              input: { tenantId: tenant.tenantId, projectId: tenant.projectId, userId, role: projectRoles[(i + c) % projectRoles.length] },
            })
          : await graphql(t.url, token, BIND_TENANT, { input: { tenantId: tenant.tenantId, userId, role: tenantRoles[(i + c) % tenantRoles.length] } });
        responses.push(response);
        onResponse();
      }
    }),
  );
  await Promise.all(clients);
  let succeeded = 0;
  let unavailable = 0;
  for (const response of responses) {
    expect(response.aborted, 'a request hung past the deadline').toBe(false);
    if (response.json?.errors) {
      expect(refusalOf(response)).toMatchObject(UNAVAILABLE);
      unavailable += 1;
    } else {
      expectContractErrors(response);
      succeeded += 1;
    }
  }
  return { responses, succeeded, unavailable };
}

/** What the gateway logged for the refused requests of a load: the failure message names the cause. */
function loggedCauses(t: TestGateway, result: LoadResult): string {
  const refused = new Set(result.responses.filter((r) => r.json?.errors).map((r) => r.correlationId));
  return JSON.stringify(t.logs.filter((l) => refused.has(l.correlation_id) && l.err).map((l) => ({ code: l.err.code, message: String(l.err.message).slice(-120), at: l.time })));
}

/**
 * Replays the audit trail against the bindings: for every (scope, user), consecutive audit rows
 * chain (each row's before is the previous row's after) and the last after is the binding as it
 * stands. A change without its audit row, or an audit row without its change, breaks the chain.
 */
async function auditReplayMismatches(db: Sql): Promise<readonly unknown[]> {
  return db`
    with bindings as (
      select tenant_id, null::uuid as project_id, user_id, jsonb_build_object('role', role, 'status', status) as state from tenant_memberships
      union all
      select tenant_id, project_id, user_id, jsonb_build_object('role', role, 'status', status) from project_memberships
    ),
    trail as (
      select tenant_id, project_id, target_user_id as user_id, seq, before, after,
             lag(after) over (partition by tenant_id, project_id, target_user_id order by seq) as previous_after,
             row_number() over (partition by tenant_id, project_id, target_user_id order by seq desc) as newest
      from audit_logs
      where action in ('tenant_membership.bind', 'tenant_membership.revoke', 'project_membership.bind', 'project_membership.revoke')
    )
    select 'broken chain' as problem, tenant_id, project_id, user_id, seq from trail where seq is not null and previous_after is distinct from before and previous_after is not null
    union all
    select 'first row has a before', tenant_id, project_id, user_id, seq from trail
      where previous_after is null and before is not null
    union all
    select 'binding differs from its last audit row', b.tenant_id, b.project_id, b.user_id, null
      from bindings b left join trail t
        on t.newest = 1 and t.tenant_id = b.tenant_id and t.project_id is not distinct from b.project_id and t.user_id = b.user_id
      where t.after is distinct from b.state
    union all
    select 'audit row without binding', t.tenant_id, t.project_id, t.user_id, t.seq
      from trail t where t.newest = 1 and not exists (
        select 1 from bindings b where b.tenant_id = t.tenant_id and b.project_id is not distinct from t.project_id and b.user_id = t.user_id)`;
}

/** Each success wrote its audit rows (one when it changed something, none otherwise). */
async function expectSuccessesAudited(db: Sql, result: LoadResult): Promise<void> {
  const ids = result.responses.map((r) => r.correlationId);
  const rows = await db<{ correlation_id: string; n: number }[]>`select correlation_id, count(*)::int as n from audit_logs where correlation_id = any(${ids}) group by correlation_id`;
  const counts = new Map(rows.map((r) => [r.correlation_id, r.n]));
  for (const response of result.responses) {
    const n = counts.get(response.correlationId) ?? 0;
    if (response.json?.errors) {
      // A connection lost during COMMIT may have committed: at most the one row, and the replay checks it.
      expect(n).toBeLessThanOrEqual(1);
    } else {
      const payload = response.json.data.bindTenantMembership ?? response.json.data.bindProjectMembership;
      expect(n, `audit rows of ${response.correlationId}`).toBe(payload.changed ? 1 : 0);
    }
  }
}

describe.skipIf(!REAL_DB)('the database fails under load', () => {
  let scratch: { url: string; drop: () => Promise<void> };
  let proxy: TcpProxy;
  let t: TestGateway;
  let db: Sql;
  let admin: Sql;
  let workload: Workload;

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    proxy = await TcpProxy.to(SERVER_URL!);
    await proxy.open();
    // The gateway reaches its database through the proxy, so the test can also cut the network.
    t = await startTestGateway({ databaseUrl: withPort(scratch.url, proxy.port) });
    db = serverSql(scratch.url);
    admin = serverSql(SERVER_URL!);
    workload = await prepareWorkload(t, 4, 4);
  });
  afterAll(async () => {
    await t?.close();
    await proxy?.close();
    await db?.end();
    await admin?.end();
    await scratch?.drop();
  });

  /**
   * Runs `fault` every FAULT_EVERY answers while the load runs (paced by progress, not by the
   * clock, so that a slow machine sees the same mix of cut and completed requests), then checks.
   */
  async function underFault(fault: () => Promise<void>): Promise<LoadResult> {
    let answered = 0;
    let faults = 0;
    let injected = Promise.resolve();
    const result = await runLoad(t, workload, 2, REQUESTS_PER_CLIENT, () => {
      answered += 1;
      if (answered % FAULT_EVERY === 0) {
        faults += 1;
        injected = injected.then(fault);
      }
    });
    await injected;
    expect(faults).toBeGreaterThan(0);
    expect(result.succeeded + result.unavailable).toBe(4 * 2 * REQUESTS_PER_CLIENT);
    await expectSuccessesAudited(db, result);
    expect(await auditReplayMismatches(db)).toEqual([]);
    // After the faults stop, the same gateway serves again without a restart. A pooled connection
    // cut by the last fault may still fail one request (retryable); then every request succeeds.
    // The pool holds several connections and each may fail once on its way back: recovered means a
    // whole round of the load succeeds, after which every later round must too.
    await waitUntil('a round of binds succeeds again', async () => (await runLoad(t, workload, 1, 2)).unavailable === 0);
    const after = await runLoad(t, workload, 1, 3);
    expect(after.unavailable, loggedCauses(t, after)).toBe(0);
    return result;
  }

  it("keeps every change with its audit row while the gateway's backends are terminated", { timeout: 240_000 }, async () => {
    const dbName = new URL(scratch.url).pathname.slice(1);
    const result = await underFault(async () => {
      await admin`select pg_terminate_backend(pid) from pg_stat_activity
        where datname = ${dbName} and application_name = 'iam-gateway' and pid <> pg_backend_pid()`;
    });
    expect(result.unavailable).toBeGreaterThan(0);
    expect(result.succeeded).toBeGreaterThan(0);
  });

  it('keeps every change with its audit row while the network drops every connection', { timeout: 240_000 }, async () => {
    const result = await underFault(async () => {
      proxy.dropConnections();
    });
    expect(result.unavailable).toBeGreaterThan(0);
    expect(result.succeeded).toBeGreaterThan(0);
  });

  it('answers service_unavailable while the database refuses connections, and recovers when it is back', async () => {
    await proxy.close();
    const down = await runLoad(t, workload, 1, 2);
    expect(down.succeeded).toBe(0);
    expect(await readyStatus(t.url)).toBe(503);
    await proxy.open();
    await waitUntil('readyz 200', async () => (await readyStatus(t.url)) === 200);
    // The pool holds several connections and each may fail once on its way back: recovered means a
    // whole round of the load succeeds, after which every later round must too.
    await waitUntil('a round of binds succeeds again', async () => (await runLoad(t, workload, 1, 2)).unavailable === 0);
    const up = await runLoad(t, workload, 1, 2);
    expect(up.unavailable, loggedCauses(t, up)).toBe(0);
    expect(await auditReplayMismatches(db)).toEqual([]);
  });
});

describe.skipIf(!REAL_DB)('a network that swallows packets', () => {
  it('answers every request by the deadline while the network is partitioned, and serves again once it heals', { timeout: 120_000 }, async () => {
    const scratch = await createScratchDatabase();
    cleanups.push(scratch.drop);
    const proxy = await TcpProxy.to(SERVER_URL!);
    await proxy.open();
    cleanups.push(() => proxy.close());
    const t = await startTestGateway({ databaseUrl: withPort(scratch.url, proxy.port) });
    cleanups.push(() => t.close());
    const db = serverSql(scratch.url);
    cleanups.push(() => db.end());
    const workload = await prepareWorkload(t, 2, 2);

    // Nothing errors on a partition: queries simply never come back, and the database's own
    // timeouts never start. Only the gateway's request deadline can answer.
    proxy.stall();
    const partitioned = await runLoad(t, workload, 1, 1);
    const reads = await Promise.all([graphql(t.url, await t.token(workload.tenants[0]!.owner), '{ me { id tenantMemberships { id } } }')]);
    for (const response of [...partitioned.responses, ...reads]) {
      expect(response.aborted, 'a request hung on the partition').toBe(false);
      expect(refusalOf(response)).toMatchObject(UNAVAILABLE);
    }
    expect(t.logs.some((l) => l.msg === 'request outlived its deadline; replacing database connections')).toBe(true);

    proxy.heal();
    // The pool holds several connections and each may fail once on its way back: recovered means a
    // whole round of the load succeeds, after which every later round must too.
    await waitUntil('a round of binds succeeds again', async () => (await runLoad(t, workload, 1, 2)).unavailable === 0);
    const healed = await runLoad(t, workload, 1, 2);
    expect(healed.unavailable, loggedCauses(t, healed)).toBe(0);
    expect(await auditReplayMismatches(db)).toEqual([]);
  });
});

describe.skipIf(!REAL_DB)('rows locked by someone else', () => {
  const gateways: TestGateway[] = [];
  afterAll(async () => {
    for (const g of gateways) await g.close();
  });

  async function gatewayWith(env: Record<string, string>): Promise<{ t: TestGateway; db: Sql }> {
    const t = await startTestGateway({ env });
    gateways.push(t);
    const db = serverSql(t.databaseUrl!);
    cleanups.push(() => db.end());
    return { t, db };
  }

  /**
   * Holds `lockSql` in a transaction of its own while a bind runs: the bind must come back, refused
   * as retryable, then succeed unchanged once the lock is released. Returns which timeout the
   * gateway logged for the refusal.
   */
  async function bindAgainstHeldLock(t: TestGateway, db: Sql, lock: (tx: Sql, tenantId: string) => Promise<unknown>): Promise<string> {
    const tenant = await newTenant(t);
    const userId = await t.userId(uid('blocked'));
    const token = await t.token(tenant.owner);
    const input = { input: { tenantId: tenant.tenantId, userId, role: 'MEMBER' } };
    let refused!: RawResponse & { correlationId: string };
    await db.begin(async (tx) => {
      await lock(tx as unknown as Sql, tenant.tenantId);
      refused = await graphql(t.url, token, BIND_TENANT, input);
    });
    expect(refused.aborted, 'the bind waited on the lock past the deadline').toBe(false);
    expect(refusalOf(refused)).toMatchObject(UNAVAILABLE);
    expect(await db`select 1 from audit_logs where correlation_id = ${refused.correlationId}`).toHaveLength(0);
    expect(await db`select 1 from tenant_memberships where tenant_id = ${tenant.tenantId} and user_id = ${userId}`).toHaveLength(0);

    // The lock is gone: the very same request now succeeds, once.
    const retried = await graphql(t.url, token, BIND_TENANT, input);
    expect(retried.json?.errors).toBeUndefined();
    expect(retried.json.data.bindTenantMembership.changed).toBe(true);
    expect(await db`select 1 from audit_logs where target_user_id = ${userId}`).toHaveLength(1);

    // Which timeout fired is only in the gateway's own log (the client sees a generic message).
    const line = t.logs.find((l) => l.correlation_id === refused.correlationId && l.err);
    return /lock timeout/.test(JSON.stringify(line?.err)) ? 'lock_timeout' : /statement timeout/.test(JSON.stringify(line?.err)) ? 'statement_timeout' : JSON.stringify(line?.err);
  }

  it('refuses a mutation on a tenant row locked elsewhere after the lock timeout (default settings)', async () => {
    const { t, db } = await gatewayWith({});
    const state = await bindAgainstHeldLock(t, db, (tx, tenantId) => tx`select id from tenants where id = ${tenantId} for update`);
    expect(state).toBe('lock_timeout');
  });

  it('refuses every mutation while the settings row is locked elsewhere', async () => {
    const { t, db } = await gatewayWith({ IAM_LOCK_TIMEOUT_MS: '500' });
    const state = await bindAgainstHeldLock(t, db, (tx) => tx`select id from iam_settings for update`);
    expect(state).toBe('lock_timeout');
  });

  it('cancels a statement at the statement timeout when no lock timeout is set', async () => {
    const { t, db } = await gatewayWith({ IAM_LOCK_TIMEOUT_MS: '0', IAM_STATEMENT_TIMEOUT_MS: '1000' });
    const state = await bindAgainstHeldLock(t, db, (tx, tenantId) => tx`select id from tenants where id = ${tenantId} for update`);
    expect(state).toBe('statement_timeout');
  });
});
