import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../../src/db/client.js';
import { bindTenant, ok } from '../../support/fixtures.js';
import { ROOT_ADMIN, uid, type TestGateway } from '../../support/gateway.js';

/** A user's bindings as a platform admin sees them (a user no longer sees a tenant it left). */
export const USER_STATE = `query($id: ID!) { user(id: $id) { id platformRoles
  tenantMemberships { role status tenant { id } }
  projectMemberships { role status project { id } } } }`;

export async function stateOf(t: TestGateway, sub: string) {
  return stateOfId(t, await t.userId(sub));
}

export async function stateOfId(t: TestGateway, id: string) {
  return ok(await t.gql(USER_STATE, { id }, { as: ROOT_ADMIN })).user;
}

export const IAM_STATUS = `{ iamStatus { frozen freezeScope reason since by { id } } }`;

/** Raw rows from the gateway's own database (setup checks and fault injection only, never the subject under test). */
export async function rows<T = Record<string, unknown>>(t: TestGateway, query: SQL): Promise<T[]> {
  const result = (await t.gateway.database.db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

/**
 * Runs statements with the append-only trigger bypassed (what an attacker with table access could
 * do), in one transaction so the setting cannot leak into a pooled connection.
 */
export async function tamper(t: TestGateway, ...statements: SQL[]): Promise<void> {
  await t.gateway.database.db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`);
    for (const statement of statements) await tx.execute(statement);
  });
}

export function db(t: TestGateway): Executor {
  return t.gateway.database.db;
}

/** The gateway's pino lines as a JSON-lines file, as an operator would have them from the log shipper. */
export function writeLogFile(t: TestGateway): string {
  const dir = mkdtempSync(join(tmpdir(), 'iam-ops-log-'));
  const file = join(dir, 'gateway.log');
  writeFileSync(file, t.logs.map((line) => JSON.stringify(line)).join('\n') + '\n');
  return file;
}

export async function freeze(t: TestGateway, scope: 'BULK' | 'ALL', reason = 'incident test') {
  return ok(await t.gql(SET_FREEZE_DOC, { input: { frozen: true, scope, reason } }, { as: ROOT_ADMIN }));
}

export async function unfreeze(t: TestGateway) {
  return ok(await t.gql(SET_FREEZE_DOC, { input: { frozen: false } }, { as: ROOT_ADMIN }));
}

const SET_FREEZE_DOC = `mutation($input: SetMutationFreezeInput!) { setMutationFreeze(input: $input) { status { frozen freezeScope } } }`;

/** The decision line the gateway logged for a request. */
export function decisionLine(t: TestGateway, correlationId: string | null): Record<string, any> | undefined {
  return t.logs.find((line) => line.correlation_id === correlationId && line.decision !== undefined && line.dry_run === false);
}

/** Runs tasks with at most `limit` in flight (enough to keep the gateway busy without flooding it). */
export async function inBatches<T, R>(items: T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** n fresh users bound into the tenant as members (project bindings need a tenant membership), by id. */
export async function tenantMembers(t: TestGateway, tenantId: string, as: string, n: number): Promise<string[]> {
  return inBatches(Array.from({ length: n }, () => uid('member')), 6, async (sub) => {
    ok(await bindTenant(t, as, tenantId, sub, 'MEMBER'));
    return t.userId(sub);
  });
}

/**
 * n users holding tenant_member, written straight into the tables: a fixture for volume tests,
 * where 500 API round trips would only measure fixture set-up. The API paths are covered by
 * tenantMembers() in every other test.
 */
export async function seedTenantMembers(t: TestGateway, tenantId: string, n: number): Promise<string[]> {
  const prefix = uid('seeded');
  const created = await rows<{ id: string }>(
    t,
    sql`insert into users (subject) select ${prefix} || '-' || i from generate_series(1, ${n}::int) as i returning id`,
  );
  const ids = created.map((r) => r.id);
  await t.gateway.database.db.execute(
    sql`insert into tenant_memberships (tenant_id, user_id, role) select ${tenantId}::uuid, id, 'tenant_member' from users where subject like ${`${prefix}-%`}`,
  );
  return ids;
}

/**
 * Fault injection in the test's own SQL: inserts into tenant_memberships for one tenant fail from
 * now until the returned function is called, so a mutation fails after its decision allowed it.
 */
export async function failTenantMembershipInserts(t: TestGateway, tenantId: string): Promise<() => Promise<void>> {
  const name = `fail_${tenantId.replace(/-/g, '')}`;
  const database = t.gateway.database.db;
  await database.execute(sql.raw(`create function ${name}() returns trigger language plpgsql as $$ begin raise exception 'injected failure'; end; $$`));
  await database.execute(
    sql.raw(`create trigger ${name} before insert on tenant_memberships for each row when (new.tenant_id = '${tenantId}') execute function ${name}()`),
  );
  return async () => {
    await database.execute(sql.raw(`drop trigger ${name} on tenant_memberships`));
    await database.execute(sql.raw(`drop function ${name}()`));
  };
}
