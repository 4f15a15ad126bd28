import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT, auditRows, newTenant, ok } from '../../support/fixtures.js';
import { REAL_DB } from '../../support/database.js';
import { ROOT_ADMIN, startTestGateway, uid, type TestGateway } from '../../support/gateway.js';
import { countOf } from './sql.js';

const ME = '{ me { id subject email displayName platformRoles } }';

const usersWithSubject = (t: TestGateway, subject: string) => countOf(t, sql`select count(*) from users where subject = ${subject}`);

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(async () => {
  await t?.close();
});

describe('just-in-time provisioning', () => {

  it('creates the user on its first token, with email and name from the claims', async () => {
    const sub = uid('jit');
    expect(await usersWithSubject(t, sub)).toBe(0);
    const me = ok(await t.gql(ME, {}, { token: await t.token(sub, { email: `${sub}@example.test`, name: 'Ada Lovelace' }) })).me;
    expect(me).toMatchObject({ subject: sub, email: `${sub}@example.test`, displayName: 'Ada Lovelace', platformRoles: [] });
    expect(me.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await usersWithSubject(t, sub)).toBe(1);
  });

  it('finds the same user on later requests, without a second row', async () => {
    const sub = uid('jit');
    const token = await t.token(sub, { email: `${sub}@example.test` });
    const first = ok(await t.gql(ME, {}, { token })).me.id;
    const second = ok(await t.gql(ME, {}, { token })).me.id;
    expect(second).toBe(first);
    expect(await usersWithSubject(t, sub)).toBe(1);
  });

  it('provisions one user when a subject\'s first requests race', async () => {
    const sub = uid('race');
    const token = await t.token(sub, { email: `${sub}@example.test` });
    const ids = await Promise.all(Array.from({ length: 8 }, async () => ok(await t.gql(ME, {}, { token })).me.id));
    expect(new Set(ids).size).toBe(1);
    expect(await usersWithSubject(t, sub)).toBe(1);
  });

  it('updates email and name when the claims change, keeping the id', async () => {
    const sub = uid('jit');
    const before = ok(await t.gql(ME, {}, { token: await t.token(sub, { email: `old-${sub}@example.test`, name: 'Old Name' }) })).me;
    const after = ok(await t.gql(ME, {}, { token: await t.token(sub, { email: `new-${sub}@example.test`, name: 'New Name' }) })).me;
    expect(after).toMatchObject({ id: before.id, email: `new-${sub}@example.test`, displayName: 'New Name' });
    expect(await usersWithSubject(t, sub)).toBe(1);
  });

  it('keeps subjects apart: two subjects, two users', async () => {
    const [a, b] = [uid('a'), uid('b')];
    expect(await t.userId(a)).not.toBe(await t.userId(b));
  });
});

describe('IAM_BOOTSTRAP_PLATFORM_ADMINS', () => {
  const bootstrapRows = (gateway: TestGateway) => auditRows(gateway, { action: 'platform_role.bootstrap' });

  it('grants platform_admin at start, audited once as platform_role.bootstrap, visible to the admin only', async () => {
    const root = ok(await t.gql(ME, {}, { as: ROOT_ADMIN })).me;
    expect(root.platformRoles).toEqual(['ADMIN']);
    const rows = await bootstrapRows(t);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'platform_role.bootstrap',
      actorUserId: null,
      targetUserId: root.id,
      tenantId: null,
      projectId: null,
      after: { role: 'platform_admin', status: 'active' },
      reason: 'IAM_BOOTSTRAP_PLATFORM_ADMINS',
    });
    expect(rows[0].correlationId).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
    expect(rows[0].traceId).toMatch(/^[0-9a-f]{32}$/);
    // Neither a tenant owner nor a user without roles sees platform rows.
    const { owner } = await newTenant(t);
    for (const as of [owner, uid('nobody')]) {
      const seen = ok(await t.gql<{ auditLogs: { nodes: unknown[] } }>(AUDIT, { filter: { action: 'platform_role.bootstrap' }, first: 50 }, { as }));
      expect(seen.auditLogs.nodes).toEqual([]);
    }
  });

  it('does not write a second bootstrap row when a gateway starts again on the same database', async () => {
    // PGlite: a data directory reopened after the first gateway closed; real server: a second
    // instance on the first one's database.
    const dataDir = REAL_DB ? null : mkdtempSync(join(tmpdir(), 'iam-bootstrap-'));
    const env = (admins: string): Record<string, string> => ({ IAM_BOOTSTRAP_PLATFORM_ADMINS: admins, ...(dataDir ? { IAM_DATA_DIR: dataDir } : {}) });
    const second = uid('second-admin');
    const first = await startTestGateway({ env: env(ROOT_ADMIN) });
    let restarted: TestGateway | null = null;
    try {
      const rootId = await first.userId(ROOT_ADMIN);
      expect(await bootstrapRows(first)).toHaveLength(1);
      if (dataDir) await first.gateway.close();
      restarted = await startTestGateway({ env: env(`${ROOT_ADMIN},${second}`), ...(REAL_DB ? { databaseUrl: first.databaseUrl! } : {}) });
      const rows = await bootstrapRows(restarted);
      // Only the newly listed subject got a row; the root admin's grant was not repeated.
      expect(rows).toHaveLength(2);
      expect(rows.filter((r) => r.targetUserId === rootId)).toHaveLength(1);
      const secondUser = ok(await restarted.gql(ME, {}, { as: second })).me;
      expect(secondUser.platformRoles).toEqual(['ADMIN']);
      expect(rows.filter((r) => r.targetUserId === secondUser.id)).toHaveLength(1);
      expect(await usersWithSubject(restarted, ROOT_ADMIN)).toBe(1);
    } finally {
      await restarted?.close();
      if (!dataDir) await first.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    }
    // Two gateway start-ups in one test.
  }, 300_000);
});
