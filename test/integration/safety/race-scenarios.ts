// The race scenarios of races.test.ts, written against `pick` so that the same scenario runs on one
// gateway instance and split between two instances sharing one database.
import { expect } from 'vitest';
import {
  ASSIGN_PLATFORM,
  BIND_PROJECT,
  BIND_TENANT,
  newProject,
  newTenant,
  ok,
  REVOKE_PLATFORM,
  REVOKE_TENANT,
  type TenantFixture,
} from '../../support/fixtures.js';
import { ROOT_ADMIN, uid, type TestGateway } from '../../support/gateway.js';
import { expectContractErrors, graphql, refusalOf, serverSql, type Pick, type RawResponse } from './support.js';

type Sql = ReturnType<typeof serverSql>;

export interface Call {
  via: TestGateway;
  as: string;
  query: string;
  input: Record<string, unknown>;
}

export type Outcome = RawResponse & { correlationId: string; call: Call; ok: boolean };

/** Sends every call at once and waits for all: the requests really overlap on the server. */
export async function race(calls: Call[]): Promise<Outcome[]> {
  const tokens = await Promise.all(calls.map((c) => c.via.token(c.as)));
  const responses = await Promise.all(calls.map((c, i) => graphql(c.via.url, tokens[i]!, c.query, { input: c.input })));
  return responses.map((response, i) => {
    expect(response.aborted, 'a request hung past the deadline').toBe(false);
    expectContractErrors(response);
    const succeeded = response.status === 200 && !response.json?.errors && response.json?.data != null;
    return { ...response, call: calls[i]!, ok: succeeded };
  });
}

export interface AuditRow {
  seq: string;
  correlation_id: string;
  action: string;
  actor_user_id: string | null;
  target_user_id: string | null;
  tenant_id: string | null;
  project_id: string | null;
  before: any;
  after: any;
  occurred_at: Date;
}

export async function auditRowsOf(db: Sql, correlationIds: string[]): Promise<AuditRow[]> {
  return db<AuditRow[]>`select seq::text, correlation_id, action, actor_user_id, target_user_id, tenant_id, project_id, before, after, occurred_at
    from audit_logs where correlation_id = any(${correlationIds}) order by seq`;
}

function rowsFor(rows: AuditRow[], outcome: Outcome): AuditRow[] {
  return rows.filter((r) => r.correlation_id === outcome.correlationId);
}

/** A success wrote exactly the expected audit rows; a refusal wrote none. */
function expectAuditMatches(rows: AuditRow[], outcomes: Outcome[], expected: (o: Outcome) => Partial<AuditRow>[]): void {
  for (const outcome of outcomes) {
    const own = rowsFor(rows, outcome);
    if (!outcome.ok) {
      expect(own, `refused ${outcome.correlationId} wrote audit rows`).toEqual([]);
      continue;
    }
    const want = expected(outcome);
    expect(own, `audit rows of ${outcome.correlationId}`).toHaveLength(want.length);
    want.forEach((w, i) => expect(own[i]).toMatchObject(w));
  }
}

interface Pair {
  a: string;
  b: string;
  ids: Record<string, string>;
}

async function activeTenantOwners(db: Sql, tenantId: string): Promise<string[]> {
  const rows = await db<{ user_id: string }[]>`select user_id from tenant_memberships
    where tenant_id = ${tenantId} and role = 'tenant_owner' and status = 'active' order by user_id`;
  return rows.map((r) => r.user_id);
}

type OwnerVariant = 'mutual_demote' | 'mutual_revoke' | 'both_leave' | 'both_self_demote' | 'third_party_demote' | 'third_party_revoke';

const OWNER_VARIANTS: OwnerVariant[] = ['both_leave', 'mutual_demote', 'third_party_revoke', 'both_self_demote', 'mutual_revoke', 'third_party_demote'];

/**
 * What the loser of each race answers. Where the loser's own ownership is what the winner took
 * away, the contract's order (ceilings and scope before state conflicts) makes the refusal a
 * permission one: the loser is no longer entitled to act at all.
 */
const OWNER_LOSER_ANSWER: Record<OwnerVariant, { code: string; reason: string }> = {
  both_leave: { code: 'conflict', reason: 'last_owner' },
  both_self_demote: { code: 'conflict', reason: 'last_owner' },
  third_party_demote: { code: 'conflict', reason: 'last_owner' },
  third_party_revoke: { code: 'conflict', reason: 'last_owner' },
  mutual_demote: { code: 'insufficient_permissions', reason: 'role_ceiling_exceeded' },
  mutual_revoke: { code: 'insufficient_permissions', reason: 'scope_mismatch' },
};

function ownerCalls(pick: Pick, variant: OwnerVariant, tenantId: string, pair: Pair): Call[] {
  const demote = (via: TestGateway, as: string, target: string): Call => ({
    via,
    as,
    query: BIND_TENANT,
    input: { tenantId, userId: pair.ids[target], role: 'ADMIN' },
  });
  const revoke = (via: TestGateway, as: string, target: string): Call => ({ via, as, query: REVOKE_TENANT, input: { tenantId, userId: pair.ids[target] } });
  const [x, y] = [pick(0), pick(1)];
  switch (variant) {
    case 'mutual_demote':
      return [demote(x, pair.a, pair.b), demote(y, pair.b, pair.a)];
    case 'mutual_revoke':
      return [revoke(x, pair.a, pair.b), revoke(y, pair.b, pair.a)];
    case 'both_leave':
      return [revoke(x, pair.a, pair.a), revoke(y, pair.b, pair.b)];
    case 'both_self_demote':
      return [demote(x, pair.a, pair.a), demote(y, pair.b, pair.b)];
    case 'third_party_demote':
      return [demote(x, ROOT_ADMIN, pair.a), demote(y, ROOT_ADMIN, pair.b)];
    case 'third_party_revoke':
      return [revoke(x, ROOT_ADMIN, pair.a), revoke(y, ROOT_ADMIN, pair.b)];
  }
}

/**
 * Section 2 rule 4 under write skew: two owners, and in every round two concurrent changes each of
 * which would be allowed alone but together would leave no owner.
 */
export async function lastOwnerRounds(pick: Pick, db: Sql, rounds: number): Promise<Record<OwnerVariant, number>> {
  const setup = pick(0);
  const tenant: TenantFixture = await newTenant(setup);
  const pair: Pair = { a: tenant.owner, b: uid('owner'), ids: {} };
  ok(await setup.gql(BIND_TENANT, { input: { tenantId: tenant.tenantId, userId: await setup.userId(pair.b), role: 'OWNER' } }, { as: ROOT_ADMIN }));
  pair.ids[pair.a] = await setup.userId(pair.a);
  pair.ids[pair.b] = await setup.userId(pair.b);
  await pick(1).userId(pair.a);
  await pick(1).userId(pair.b);
  const seen = Object.fromEntries(OWNER_VARIANTS.map((v) => [v, 0])) as Record<OwnerVariant, number>;

  for (let round = 0; round < rounds; round += 1) {
    const variant = OWNER_VARIANTS[round % OWNER_VARIANTS.length]!;
    const calls = ownerCalls(pick, variant, tenant.tenantId, pair);
    const outcomes = await race(calls);
    const winners = outcomes.filter((o) => o.ok);
    expect(winners, `${variant}: exactly one of the two changes commits`).toHaveLength(1);
    for (const loser of outcomes.filter((o) => !o.ok)) expect(refusalOf(loser), variant).toMatchObject(OWNER_LOSER_ANSWER[variant]);

    const owners = await activeTenantOwners(db, tenant.tenantId);
    expect(owners, `${variant}: one owner remains`).toHaveLength(1);
    const rows = await auditRowsOf(db, outcomes.map((o) => o.correlationId));
    expectAuditMatches(rows, outcomes, (o) => {
      const target = o.call.input.userId as string;
      const revoked = o.call.query === REVOKE_TENANT;
      return [
        {
          action: revoked ? 'tenant_membership.revoke' : 'tenant_membership.bind',
          target_user_id: target,
          tenant_id: tenant.tenantId,
          before: { role: 'tenant_owner', status: 'active' },
          after: revoked ? { role: 'tenant_owner', status: 'revoked' } : { role: 'tenant_admin', status: 'active' },
        },
      ];
    });
    expect(rows).toHaveLength(1);
    seen[variant] += 1;

    // Back to two owners for the next round.
    const lost = [pair.a, pair.b].find((s) => !owners.includes(pair.ids[s]!))!;
    ok(await setup.gql(BIND_TENANT, { input: { tenantId: tenant.tenantId, userId: pair.ids[lost], role: 'OWNER' } }, { as: ROOT_ADMIN }));
  }
  return seen;
}

async function activePlatformAdmins(db: Sql): Promise<string[]> {
  const rows = await db<{ user_id: string }[]>`select user_id from platform_role_bindings
    where role = 'platform_admin' and status = 'active' order by user_id`;
  return rows.map((r) => r.user_id);
}

/**
 * The same for the last platform_admin. Needs a database whose only platform admins are
 * ROOT_ADMIN and the one this scenario creates.
 */
export async function lastPlatformAdminRounds(pick: Pick, db: Sql, rounds: number): Promise<void> {
  const setup = pick(0);
  const second = uid('padmin');
  const ids: Record<string, string> = { [ROOT_ADMIN]: await setup.userId(ROOT_ADMIN), [second]: await setup.userId(second) };
  await pick(1).userId(second);
  ok(await setup.gql(ASSIGN_PLATFORM, { input: { userId: ids[second], role: 'ADMIN' } }, { as: ROOT_ADMIN }));
  expect(await activePlatformAdmins(db), 'the scenario starts with exactly two platform admins').toHaveLength(2);

  for (let round = 0; round < rounds; round += 1) {
    const mutual = round % 2 === 1;
    const revoke = (via: TestGateway, as: string, target: string): Call => ({ via, as, query: REVOKE_PLATFORM, input: { userId: ids[target], role: 'ADMIN' } });
    const calls = mutual
      ? [revoke(pick(0), ROOT_ADMIN, second), revoke(pick(1), second, ROOT_ADMIN)]
      : [revoke(pick(0), ROOT_ADMIN, ROOT_ADMIN), revoke(pick(1), second, second)];
    const outcomes = await race(calls);
    expect(outcomes.filter((o) => o.ok), 'exactly one revocation commits').toHaveLength(1);
    for (const loser of outcomes.filter((o) => !o.ok)) {
      // Revoked by the winner, the loser no longer holds platform_admin: step 3 answers before the last-admin rule.
      expect(refusalOf(loser)).toMatchObject(
        mutual ? { code: 'insufficient_permissions', reason: 'platform_admin_required' } : { code: 'conflict', reason: 'last_platform_admin' },
      );
    }
    const admins = await activePlatformAdmins(db);
    expect(admins, 'one platform admin remains').toHaveLength(1);
    const rows = await auditRowsOf(db, outcomes.map((o) => o.correlationId));
    expectAuditMatches(rows, outcomes, (o) => [
      {
        action: 'platform_role.revoke',
        target_user_id: o.call.input.userId as string,
        before: { role: 'platform_admin', status: 'active' },
        after: { role: 'platform_admin', status: 'revoked' },
      },
    ]);
    expect(rows).toHaveLength(1);

    const survivor = Object.keys(ids).find((s) => admins.includes(ids[s]!))!;
    const lost = Object.keys(ids).find((s) => s !== survivor)!;
    ok(await setup.gql(ASSIGN_PLATFORM, { input: { userId: ids[lost], role: 'ADMIN' } }, { as: survivor }));
  }
}

async function activeTenantsOf(db: Sql, userId: string): Promise<string[]> {
  const rows = await db<{ tenant_id: string }[]>`select tenant_id from tenant_memberships where user_id = ${userId} and status = 'active'`;
  return rows.map((r) => r.tenant_id);
}

/** Section 2 rule 6 under races: one user bound at once into `width` tenants ends up in exactly one. */
export async function strictTenancyRounds(pick: Pick, db: Sql, width: number, rounds: number): Promise<void> {
  const tenants: TenantFixture[] = [];
  for (let i = 0; i < width; i += 1) tenants.push(await newTenant(pick(i)));
  for (let round = 0; round < rounds; round += 1) {
    const user = uid('roamer');
    const userId = await pick(0).userId(user);
    const outcomes = await race(
      tenants.map((tenant, i) => ({ via: pick(i), as: tenant.owner, query: BIND_TENANT, input: { tenantId: tenant.tenantId, userId, role: 'MEMBER' } })),
    );
    const winners = outcomes.filter((o) => o.ok);
    expect(winners, 'exactly one bind commits').toHaveLength(1);
    for (const loser of outcomes.filter((o) => !o.ok)) expect(refusalOf(loser)).toMatchObject({ code: 'conflict', reason: 'cross_tenant_membership' });
    expect(await activeTenantsOf(db, userId)).toEqual([winners[0]!.call.input.tenantId]);
    const rows = await auditRowsOf(db, outcomes.map((o) => o.correlationId));
    expectAuditMatches(rows, outcomes, (o) => [
      { action: 'tenant_membership.bind', target_user_id: userId, tenant_id: o.call.input.tenantId as string, before: null, after: { role: 'tenant_member', status: 'active' } },
    ]);
    const allRowsAboutUser = await db`select 1 from audit_logs where target_user_id = ${userId}`;
    expect(allRowsAboutUser).toHaveLength(1);
  }
}

/** Section 2 rule 9 under races: the same bind sent `copies` times at once changes the state once. */
export async function duplicateBindRounds(pick: Pick, db: Sql, copies: number): Promise<void> {
  const tenant = await newTenant(pick(0));
  const userId = await pick(0).userId(uid('dup'));
  const tenantOutcomes = await race(
    Array.from({ length: copies }, (_, i) => ({ via: pick(i), as: tenant.owner, query: BIND_TENANT, input: { tenantId: tenant.tenantId, userId, role: 'MEMBER' } })),
  );
  expect(tenantOutcomes.every((o) => o.ok), 'every duplicate bind is a success').toBe(true);
  const changed = tenantOutcomes.filter((o) => o.json.data.bindTenantMembership.changed === true);
  expect(changed).toHaveLength(1);
  const memberships = await db`select status, role from tenant_memberships where tenant_id = ${tenant.tenantId} and user_id = ${userId}`;
  expect(memberships).toEqual([{ status: 'active', role: 'tenant_member' }]);
  const tenantRows = await auditRowsOf(db, tenantOutcomes.map((o) => o.correlationId));
  expect(tenantRows).toHaveLength(1);
  expect(tenantRows[0]).toMatchObject({ correlation_id: changed[0]!.correlationId, action: 'tenant_membership.bind', target_user_id: userId });

  // The same for a project binding (one statement upserting under the tenant lock).
  const projectId = await newProject(pick(0), tenant.owner, tenant.tenantId);
  const projectOutcomes = await race(
    Array.from({ length: copies }, (_, i) => ({
      via: pick(i),
      as: tenant.owner,
      query: BIND_PROJECT,
      input: { tenantId: tenant.tenantId, projectId, userId, role: 'EDITOR' },
    })),
  );
  expect(projectOutcomes.every((o) => o.ok)).toBe(true);
  const projectChanged = projectOutcomes.filter((o) => o.json.data.bindProjectMembership.changed === true);
  expect(projectChanged).toHaveLength(1);
  const projectRows = await auditRowsOf(db, projectOutcomes.map((o) => o.correlationId));
  expect(projectRows).toHaveLength(1);
  expect(projectRows[0]).toMatchObject({ correlation_id: projectChanged[0]!.correlationId, action: 'project_membership.bind', project_id: projectId });
  const projectMemberships = await db`select status, role from project_memberships where project_id = ${projectId} and user_id = ${userId}`;
  expect(projectMemberships).toEqual([{ status: 'active', role: 'project_editor' }]);
}

/**
 * A tenant admin's grants race the revocation (or demotion) of that admin: a grant decided after
 * the revocation committed must be refused, so no grant of the admin commits after it.
 */
export async function granterRevokedRounds(pick: Pick, db: Sql, rounds: number): Promise<{ committed: number; refused: number }> {
  const totals = { committed: 0, refused: 0 };
  const tenant = await newTenant(pick(0));
  const projectId = await newProject(pick(0), tenant.owner, tenant.tenantId);
  for (let round = 0; round < rounds; round += 1) {
    const demote = round % 2 === 1;
    const admin = uid('granter');
    const adminId = await pick(0).userId(admin);
    await pick(1).userId(admin);
    ok(await pick(0).gql(BIND_TENANT, { input: { tenantId: tenant.tenantId, userId: adminId, role: 'ADMIN' } }, { as: tenant.owner }));
    const newcomers = await Promise.all(Array.from({ length: 6 }, () => pick(0).userId(uid('newcomer'))));
    const members: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const id = await pick(0).userId(uid('member'));
      ok(await pick(0).gql(BIND_TENANT, { input: { tenantId: tenant.tenantId, userId: id, role: 'MEMBER' } }, { as: tenant.owner }));
      members.push(id);
    }
    const grants: Call[] = [
      ...newcomers.map((userId, i) => ({ via: pick(i), as: admin, query: BIND_TENANT, input: { tenantId: tenant.tenantId, userId, role: 'MEMBER' } })),
      ...members.map((userId, i) => ({ via: pick(i + 1), as: admin, query: BIND_PROJECT, input: { tenantId: tenant.tenantId, projectId, userId, role: 'EDITOR' } })),
    ];
    const removal: Call = demote
      ? { via: pick(round), as: tenant.owner, query: BIND_TENANT, input: { tenantId: tenant.tenantId, userId: adminId, role: 'MEMBER' } }
      : { via: pick(round), as: tenant.owner, query: REVOKE_TENANT, input: { tenantId: tenant.tenantId, userId: adminId } };
    const calls = [...grants.slice(0, 6), removal, ...grants.slice(6)];
    const outcomes = await race(calls);
    const removed = outcomes[6]!;
    expect(removed.ok, `the owner's ${demote ? 'demotion' : 'revocation'} of the admin commits`).toBe(true);
    const [removalRow] = await auditRowsOf(db, [removed.correlationId]);
    expect(removalRow).toMatchObject({ target_user_id: adminId, before: { role: 'tenant_admin', status: 'active' } });

    const grantOutcomes = outcomes.filter((o) => o !== removed);
    const rows = await auditRowsOf(db, grantOutcomes.map((o) => o.correlationId));
    for (const outcome of grantOutcomes) {
      const own = rowsFor(rows, outcome);
      const target = outcome.call.input.userId as string;
      const isProject = outcome.call.query === BIND_PROJECT;
      if (outcome.ok) {
        totals.committed += 1;
        expect(own).toHaveLength(1);
        expect(own[0]!.actor_user_id).toBe(adminId);
        expect(BigInt(own[0]!.seq) < BigInt(removalRow!.seq), 'a grant committed after its granter lost the role').toBe(true);
        expect(own[0]!.occurred_at.getTime()).toBeLessThanOrEqual(removalRow!.occurred_at.getTime());
      } else {
        totals.refused += 1;
        // Revoked, the admin is no longer in the tenant (scope); demoted to member, its ceiling is none.
        expect(refusalOf(outcome)).toMatchObject(
          demote ? { code: 'insufficient_permissions', reason: 'role_ceiling_exceeded', ceiling: null } : { code: 'insufficient_permissions', reason: 'scope_mismatch' },
        );
        expect(own).toEqual([]);
        const binding = isProject
          ? await db`select 1 from project_memberships where project_id = ${projectId} and user_id = ${target}`
          : await db`select 1 from tenant_memberships where tenant_id = ${tenant.tenantId} and user_id = ${target}`;
        expect(binding, 'a refused grant left a binding').toHaveLength(0);
      }
    }
    // Nothing the admin did in this tenant is recorded after its removal.
    const later = await db`select seq from audit_logs where actor_user_id = ${adminId} and seq > ${removalRow!.seq}`;
    expect(later).toHaveLength(0);
  }
  return totals;
}
