import { request } from 'node:http';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { BIND_TENANT, newTenant } from '../../support/fixtures.js';
import { startTestGateway, uid, type TestGateway } from '../../support/gateway.js';
import { queryRows } from './sql.js';

// Each test starts (and stops) its own gateway: PGlite start-up alone can take half a minute on a
// loaded machine.
const OWN_GATEWAY_TIMEOUT = 240_000;

/** POSTs a body in two parts; the second is sent only when `finish` is called. */
function slowPost(url: string, token: string, body: string) {
  let finish!: () => void;
  const response = new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = request(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'content-length': Buffer.byteLength(body) },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    const half = Math.floor(body.length / 2);
    req.write(body.slice(0, half));
    finish = () => req.end(body.slice(half));
  });
  return { response, finish: () => finish() };
}

/** Whether the gateway still accepts new connections. */
async function accepting(t: TestGateway): Promise<boolean> {
  return fetch(`${t.url}/healthz`, { headers: { connection: 'close' } }).then(
    () => true,
    () => false,
  );
}

/** Resolves when the gateway has received the headers of its next request. */
function nextRequestArrives(t: TestGateway): Promise<void> {
  return new Promise((resolve) => t.gateway.server.once('request', () => resolve()));
}

describe('graceful shutdown', () => {
  it('lets a request whose body is still arriving finish, and accepts no new connection meanwhile', async () => {
    const t = await startTestGateway();
    try {
      const sub = uid('slow');
      const me = await t.userId(sub);
      const token = await t.token(sub);
      const arrived = nextRequestArrives(t);
      const slow = slowPost(t.url, token, JSON.stringify({ query: '{ me { id } }' }));
      await arrived;
      let closed = false;
      const closing = t.gateway.close().then(() => (closed = true));
      expect(await accepting(t)).toBe(false);
      expect(closed).toBe(false);
      slow.finish();
      const res = await slow.response;
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: { me: { id: me } } });
      await closing;
      expect(closed).toBe(true);
    } finally {
      await t.close();
    }
  }, OWN_GATEWAY_TIMEOUT);

  it('lets a mutation waiting on the database commit, with its audit row, before the pool is released', async () => {
    const t = await startTestGateway({ env: { IAM_LOCK_TIMEOUT_MS: '60000' } });
    try {
      const tenant = await newTenant(t);
      const memberId = await t.userId(uid('member'));
      await t.userId(tenant.owner);
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let holding!: () => void;
      const held = new Promise<void>((resolve) => (holding = resolve));
      // Hold the tenant row (real server) or the single connection (PGlite) so the mutation waits.
      const holder = t.gateway.database.db.transaction(async (tx) => {
        await tx.execute(sql`select id from tenants where id = ${tenant.tenantId} for update`);
        holding();
        await released;
      });
      await held;
      const correlationId = uid('drain');
      const arrived = nextRequestArrives(t);
      const pending = t.gql(BIND_TENANT, { input: { tenantId: tenant.tenantId, userId: memberId, role: 'MEMBER' } }, {
        as: tenant.owner,
        headers: { 'x-correlation-id': correlationId },
      });
      await arrived;
      if (t.gateway.database.kind === 'postgres') {
        // Wait until the mutation is actually blocked on the row lock.
        const waiting = async () =>
          (await queryRows<{ n: number }>(t, sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`))[0]!.n;
        await expect.poll(waiting).toBeGreaterThan(0);
      }
      let closed = false;
      const closing = t.gateway.close().then(() => (closed = true));
      expect(await accepting(t)).toBe(false);
      release();
      await holder;
      const res = await pending;
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.bindTenantMembership).toMatchObject({ changed: true, membership: { role: 'MEMBER', status: 'ACTIVE' } });
      await closing;
      expect(closed).toBe(true);
      if (t.databaseUrl !== null) {
        // The change and its audit row were committed before the pool closed.
        const direct = postgres(t.databaseUrl, { max: 1, onnotice: () => {} });
        try {
          const rows = await direct`select action from audit_logs where correlation_id = ${correlationId}`;
          expect(rows.map((r) => r.action)).toEqual(['tenant_membership.bind']);
        } finally {
          await direct.end();
        }
      }
    } finally {
      await t.close();
    }
  }, OWN_GATEWAY_TIMEOUT);
});
