import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChains } from '../../../src/modules/audit/verify.js';
import { REAL_DB } from '../../support/database.js';
import { bindProject, bindTenant, BULK_BIND, newProject, newTenant, ok, REHOME, REVOKE_TENANT, SET_FREEZE } from '../../support/fixtures.js';
import { ROOT_ADMIN, startTestGateway, uid, type TestGateway } from '../../support/gateway.js';
import { db, rows, tamper, tenantMembers } from './support.js';

let t: TestGateway;
let tenantIds: string[];
beforeAll(async () => {
  t = await startTestGateway();
  tenantIds = await realTraffic();
});
afterAll(async () => {
  await t?.close();
});

/** A bit of everything that writes audit rows: both chains, jsonb images with several keys, a reason with non-ASCII text. */
async function realTraffic(): Promise<string[]> {
  const a = await newTenant(t);
  const b = await newTenant(t);
  const projectId = await newProject(t, a.owner, a.tenantId);
  const members = await tenantMembers(t, a.tenantId, a.owner, 3);
  ok(await t.gql(BULK_BIND, { input: { tenantId: a.tenantId, projectId, bindings: members.map((userId) => ({ userId, role: 'EDITOR' })) } }, { as: a.owner }));
  const mover = uid('mover');
  ok(await bindTenant(t, a.owner, a.tenantId, mover, 'ADMIN'));
  ok(await bindProject(t, a.owner, a.tenantId, projectId, mover, 'OWNER'));
  ok(await t.gql(REHOME, { input: { userId: await t.userId(mover), fromTenantId: a.tenantId, toTenantId: b.tenantId, role: 'MEMBER', reason: 'Störung #4 — approved ✓' } }, { as: ROOT_ADMIN }));
  ok(await t.gql(REVOKE_TENANT, { input: { tenantId: a.tenantId, userId: members[0] } }, { as: a.owner }));
  ok(await t.gql(SET_FREEZE, { input: { frozen: true, scope: 'BULK', reason: 'drill' } }, { as: ROOT_ADMIN }));
  ok(await t.gql(SET_FREEZE, { input: { frozen: false } }, { as: ROOT_ADMIN }));
  return [a.tenantId, b.tenantId];
}

interface AuditRow {
  id: string;
  chain: string;
  chain_seq: number;
}

async function chainRows(chain: string): Promise<AuditRow[]> {
  return rows<AuditRow>(t, sql`select id, chain, chain_seq from audit_logs where chain = ${chain} order by chain_seq`);
}

/** Tampers, checks, and puts the row back exactly, so each test starts from an intact trail. */
async function whileTampered(id: string, change: SQL, check: () => Promise<void>): Promise<void> {
  const [original] = await rows<{ row: unknown }>(t, sql`select to_jsonb(a) as row from audit_logs a where id = ${id}`);
  await tamper(t, change);
  try {
    await check();
  } finally {
    await tamper(
      t,
      sql`delete from audit_logs where id = ${id}`,
      sql`insert into audit_logs select * from jsonb_populate_record(null::audit_logs, ${JSON.stringify(original!.row)}::jsonb)`,
    );
  }
  expect((await verifyAuditChains(db(t))).ok).toBe(true);
}

describe('verifyAuditChains', () => {
  it('passes after real traffic, having checked every row of every chain', async () => {
    const report = await verifyAuditChains(db(t));
    const [{ n }] = (await rows<{ n: number }>(t, sql`select count(*)::int as n from audit_logs`)) as [{ n: number }];
    expect(report).toMatchObject({ ok: true, rowsChecked: n });
    expect(report.firstBroken).toBeUndefined();
    const names = report.chains.map((c) => c.chain);
    expect(names).toEqual(expect.arrayContaining(['platform', ...tenantIds.map((id) => `tenant:${id}`)]));
    for (const chain of report.chains) {
      expect(chain.broken).toBeNull();
      expect(chain.lastSeq).toBe(chain.rows);
    }
  });

  it('reads the same across page boundaries, however small the pages', async () => {
    const whole = await verifyAuditChains(db(t));
    for (const pageSize of [1, 2, 3]) expect(await verifyAuditChains(db(t), { pageSize })).toEqual(whole);
    const chain = `tenant:${tenantIds[0]}`;
    const victim = (await chainRows(chain))[3]!;
    await whileTampered(victim.id, sql`update audit_logs set reason = 'paged' where id = ${victim.id}`, async () => {
      expect((await verifyAuditChains(db(t), { pageSize: 2 })).firstBroken).toMatchObject({ chain, chainSeq: victim.chain_seq, problem: 'hash_mismatch' });
    });
  });

  it('cannot be edited by the application: the append-only trigger refuses an update', async () => {
    const [row] = await chainRows(`tenant:${tenantIds[0]}`);
    await expect(db(t).execute(sql`update audit_logs set reason = 'x' where id = ${row!.id}`)).rejects.toThrow();
  });

  it.each([
    ['the reason', sql`reason = 'nothing to see here'`],
    ['a role inside the after image', sql`after = jsonb_set(coalesce(after, '{}'::jsonb), '{role}', '"tenant_owner"')`],
    ['the actor', sql`actor_user_id = gen_random_uuid()`],
    ['the time, by an hour', sql`occurred_at = occurred_at - interval '1 hour'`],
    ['the time, by a microsecond', sql`occurred_at = occurred_at + interval '1 microsecond'`],
  ])('reports the first broken link when %s of a row is edited', async (_, assignment) => {
    const chain = `tenant:${tenantIds[0]}`;
    const victim = (await chainRows(chain))[2]!;
    await whileTampered(victim.id, sql`update audit_logs set ${assignment} where id = ${victim.id}`, async () => {
      const report = await verifyAuditChains(db(t));
      expect(report.ok).toBe(false);
      expect(report.firstBroken).toMatchObject({ chain, chainSeq: victim.chain_seq, id: victim.id, problem: 'hash_mismatch' });
      // Other chains are still reported intact.
      expect(report.chains.filter((c) => c.broken !== null).map((c) => c.chain)).toEqual([chain]);
    });
  });

  it('reports a deleted row as a gap at the row after it', async () => {
    const chain = `tenant:${tenantIds[0]}`;
    const [, victim, next] = await chainRows(chain);
    await whileTampered(victim!.id, sql`delete from audit_logs where id = ${victim!.id}`, async () => {
      const report = await verifyAuditChains(db(t));
      expect(report.ok).toBe(false);
      expect(report.firstBroken).toMatchObject({ chain, chainSeq: next!.chain_seq, id: next!.id, problem: 'seq_gap' });
    });
  });

  it('reports a deleted last row against the chain head', async () => {
    const chain = `tenant:${tenantIds[1]}`;
    const all = await chainRows(chain);
    const last = all[all.length - 1]!;
    await whileTampered(last.id, sql`delete from audit_logs where id = ${last.id}`, async () => {
      const report = await verifyAuditChains(db(t));
      expect(report.firstBroken).toMatchObject({ chain, chainSeq: last.chain_seq, problem: 'head_mismatch' });
    });
  });

  it('reports a row whose link was rewritten to skip its predecessor', async () => {
    const chain = 'platform';
    const [first, second] = await chainRows(chain);
    await whileTampered(second!.id, sql`update audit_logs set prev_hash = 'forged' where id = ${second!.id}`, async () => {
      expect((await verifyAuditChains(db(t))).firstBroken).toMatchObject({ chain, chainSeq: second!.chain_seq, problem: 'prev_hash_mismatch' });
    });
    expect(first!.chain_seq).toBe(1);
  });
});

describe.skipIf(!REAL_DB)('npm run audit:verify against the real server', () => {
  const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
  const run = promisify(execFile);
  const verifyCli = async (...args: string[]) => {
    try {
      const { stdout } = await run('npm', ['run', '--silent', 'audit:verify', '--', ...args], {
        cwd: repoRoot,
        env: { ...process.env, DATABASE_URL: t.databaseUrl! },
      });
      return { code: 0, stdout };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  it('exits 0 on an intact trail and 1 with the first broken link on a tampered one', async () => {
    const intact = await verifyCli();
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(/^audit chains OK: \d+ rows in \d+ chains/);

    const chain = `tenant:${tenantIds[0]}`;
    const victim = (await chainRows(chain))[1]!;
    await whileTampered(victim.id, sql`update audit_logs set reason = 'rewritten' where id = ${victim.id}`, async () => {
      const broken = await verifyCli();
      expect(broken.code).toBe(1);
      expect(broken.stdout).toContain(`first broken link: chain ${chain}, chain_seq ${victim.chain_seq}, row id ${victim.id}`);
      const json = await verifyCli('--json');
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout).firstBroken).toMatchObject({ chain, chainSeq: victim.chain_seq, id: victim.id, problem: 'hash_mismatch' });
    });
  });
});
