// The whole ceiling table (contract section 2) through the GraphQL API: every actor row x every
// scope and action x every requested role x every current role of the target. The expectation
// comes from ceiling-model.ts, written from the contract, never from src/policy.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ASSIGN_PLATFORM,
  auditRows,
  BIND_PROJECT,
  BIND_TENANT,
  CREATE_PROJECT,
  CREATE_TENANT,
  newProject,
  newTenant,
  ok,
  refusal,
  REVOKE_PLATFORM,
  REVOKE_PROJECT,
  REVOKE_TENANT,
  bindTenant,
  bindProject,
} from '../../support/fixtures.js';
import { ROOT_ADMIN, startTestGateway, uid, type TestGateway } from '../../support/gateway.js';
import { buildActorFixture, prepareTargets, rolesNow, runCase, type ActorFixture, type Observed, type PreparedCase } from './ceiling-fixture.js';
import { ACTOR_KINDS, casesFor, describeCase, expectedOutcome, SCOPE_OF } from './ceiling-model.js';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(async () => {
  await t?.close();
});

describe.each(ACTOR_KINDS)('actor %s', (kind) => {
  let fixture: ActorFixture;
  let prepared: PreparedCase[];
  const observed = new Map<string, Observed>();
  const cases = casesFor(kind);

  beforeAll(async () => {
    fixture = await buildActorFixture(t, kind);
    prepared = await prepareTargets(t, fixture, cases);
  });

  it.each(cases.map((c, index) => [describeCase(c), index] as const))('%s', async (_name, index) => {
    const p = prepared[index]!;
    const expected = expectedOutcome(p.case);
    const got = await runCase(t, fixture, p);
    observed.set(p.targetId, got);
    expect({ allowed: got.allowed, code: got.code, reason: got.reason }).toEqual({
      allowed: expected.allowed,
      code: expected.code,
      reason: expected.reason,
    });
    if (expected.allowed) {
      expect(got.changed).toBe(expected.changed);
      return;
    }
    expect(got.ceiling).toBe(expected.ceiling);
    expect(got.requestedRole).toBe(expected.requestedRole);
    const scope = SCOPE_OF[p.case.op];
    expect(got.scope).toEqual({
      tenant_id: scope === 'platform' ? null : fixture.tenantId,
      project_id: scope === 'project' ? fixture.projectId : null,
    });
  });

  it('leaves every target holding exactly the roles the contract expects', async () => {
    const now = await rolesNow(t, fixture, prepared);
    const mismatches = prepared
      .map((p) => ({ case: describeCase(p.case), expected: [...expectedOutcome(p.case).after].sort(), actual: now.get(p.targetId) }))
      .filter((m) => JSON.stringify(m.expected) !== JSON.stringify(m.actual));
    expect(mismatches).toEqual([]);
  });

  it('wrote one audit row per change it made, and none for the refused or unchanged calls', async () => {
    const rows = await auditRows(t, { actorUserId: fixture.actorId });
    const byTarget = new Map<string, number>();
    for (const row of rows) byTarget.set(row.targetUserId, (byTarget.get(row.targetUserId) ?? 0) + 1);
    const expectedCounts = prepared
      .filter((p) => expectedOutcome(p.case).allowed && expectedOutcome(p.case).changed)
      .map((p) => [p.targetId, 1] as const);
    expect(new Map(byTarget)).toEqual(new Map(expectedCounts));
  });
});

describe("the contract's named examples", () => {
  it('a tenant admin cannot grant tenant_owner, and learns its ceiling', async () => {
    const tenant = await newTenant(t);
    const admin = uid('admin');
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, admin, 'ADMIN'));
    const target = await t.userId(uid('target'));
    const denied = refusal(await t.gql(BIND_TENANT, { input: { tenantId: tenant.tenantId, userId: target, role: 'OWNER' } }, { as: admin }));
    expect(denied).toMatchObject({
      code: 'insufficient_permissions',
      reason: 'role_ceiling_exceeded',
      ceiling: 'tenant_admin',
      requested_role: 'tenant_owner',
      scope: { tenant_id: tenant.tenantId, project_id: null },
    });
    // The ceiling it was told is one it may use.
    ok(await t.gql(BIND_TENANT, { input: { tenantId: tenant.tenantId, userId: target, role: 'ADMIN' } }, { as: admin }));
  });

  it('a tenant admin cannot grant project_owner', async () => {
    const tenant = await newTenant(t);
    const projectId = await newProject(t, tenant.owner, tenant.tenantId);
    const admin = uid('admin');
    const member = uid('member');
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, admin, 'ADMIN'));
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, member, 'MEMBER'));
    expect(refusal(await bindProject(t, admin, tenant.tenantId, projectId, member, 'OWNER'))).toMatchObject({
      code: 'insufficient_permissions',
      reason: 'role_ceiling_exceeded',
      ceiling: 'project_admin',
      requested_role: 'project_owner',
      scope: { tenant_id: tenant.tenantId, project_id: projectId },
    });
    ok(await bindProject(t, admin, tenant.tenantId, projectId, member, 'ADMIN'));
  });

  it('a tenant admin cannot revoke or demote a tenant owner', async () => {
    const tenant = await newTenant(t);
    const admin = uid('admin');
    const coOwner = uid('co-owner');
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, admin, 'ADMIN'));
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, coOwner, 'OWNER'));
    const coOwnerId = await t.userId(coOwner);
    const revoke = refusal(await t.gql(REVOKE_TENANT, { input: { tenantId: tenant.tenantId, userId: coOwnerId } }, { as: admin }));
    expect(revoke).toMatchObject({ code: 'insufficient_permissions', reason: 'role_ceiling_exceeded', ceiling: 'tenant_admin', requested_role: null });
    for (const role of ['ADMIN', 'MEMBER'] as const) {
      // The requested role is within the ceiling; the owner's current role is not (rule 2).
      const demote = refusal(await bindTenant(t, admin, tenant.tenantId, coOwner, role));
      expect(demote).toMatchObject({ code: 'insufficient_permissions', reason: 'role_ceiling_exceeded', ceiling: 'tenant_admin' });
      expect(demote.decision_path.at(-1)).toMatch(/^ceiling_current:deny/);
    }
    const members = ok(await t.gql(`query($id: ID!) { tenant(id: $id) { members { nodes { role user { id } } } } }`, { id: tenant.tenantId }, { as: ROOT_ADMIN }));
    expect(members.tenant.members.nodes).toContainEqual({ role: 'OWNER', user: { id: coOwnerId } });
    expect(await auditRows(t, { actorUserId: await t.userId(admin), targetUserId: coOwnerId })).toEqual([]);
  });

  it('platform-role mutations need platform_admin, whatever the tenant role', async () => {
    const tenant = await newTenant(t);
    const target = await t.userId(uid('target'));
    for (const [mutation, role] of [[ASSIGN_PLATFORM, 'AUDITOR'], [ASSIGN_PLATFORM, 'ADMIN'], [REVOKE_PLATFORM, 'ADMIN']] as const) {
      if (mutation === REVOKE_PLATFORM) ok(await t.gql(ASSIGN_PLATFORM, { input: { userId: target, role } }, { as: ROOT_ADMIN }));
      const denied = refusal(await t.gql(mutation, { input: { userId: target, role } }, { as: tenant.owner }));
      expect(denied).toMatchObject({ code: 'insufficient_permissions', reason: 'platform_admin_required', ceiling: null });
    }
    const user = ok(await t.gql(`query($id: ID!) { user(id: $id) { platformRoles } }`, { id: target }, { as: ROOT_ADMIN }));
    expect(user.user.platformRoles).toEqual(['ADMIN']);
  });

  it('a platform_auditor changes nothing', async () => {
    const tenant = await newTenant(t);
    const projectId = await newProject(t, tenant.owner, tenant.tenantId);
    const auditor = uid('auditor');
    const auditorId = await t.userId(auditor);
    ok(await t.gql(ASSIGN_PLATFORM, { input: { userId: auditorId, role: 'AUDITOR' } }, { as: ROOT_ADMIN }));
    const member = uid('member');
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, member, 'MEMBER'));
    ok(await bindProject(t, tenant.owner, tenant.tenantId, projectId, member, 'VIEWER'));
    const memberId = await t.userId(member);
    const fresh = await t.userId(uid('fresh'));
    const { tenantId } = tenant;

    const attempts: [string, Record<string, unknown>, string][] = [
      [BIND_TENANT, { tenantId, userId: fresh, role: 'MEMBER' }, 'role_ceiling_exceeded'],
      [BIND_TENANT, { tenantId, userId: memberId, role: 'ADMIN' }, 'role_ceiling_exceeded'],
      [REVOKE_TENANT, { tenantId, userId: memberId }, 'role_ceiling_exceeded'],
      [BIND_PROJECT, { tenantId, projectId, userId: memberId, role: 'VIEWER' }, 'role_ceiling_exceeded'],
      [REVOKE_PROJECT, { tenantId, projectId, userId: memberId }, 'role_ceiling_exceeded'],
      [ASSIGN_PLATFORM, { userId: fresh, role: 'AUDITOR' }, 'platform_admin_required'],
      [REVOKE_PLATFORM, { userId: auditorId, role: 'AUDITOR' }, 'platform_admin_required'],
      [CREATE_TENANT, { slug: uid('t'), name: 'x', ownerUserId: fresh }, 'platform_admin_required'],
      [CREATE_PROJECT, { tenantId, slug: uid('p'), name: 'x' }, 'role_ceiling_exceeded'],
    ];
    for (const [mutation, input, reason] of attempts) {
      expect(refusal(await t.gql(mutation, { input }, { as: auditor })), `${mutation.slice(0, 60)}`).toMatchObject({
        code: 'insufficient_permissions',
        reason,
        ceiling: null,
      });
    }
    // It still reads everything: the tenant, and the audit trail of its own (refused) calls is empty.
    expect(ok(await t.gql(`query($id: ID!) { tenant(id: $id) { id } }`, { id: tenantId }, { as: auditor })).tenant.id).toBe(tenantId);
    expect(await auditRows(t, { actorUserId: auditorId }, auditor)).toEqual([]);
    const self = ok(await t.gql('{ me { platformRoles } }', {}, { as: auditor }));
    expect(self.me.platformRoles).toEqual(['AUDITOR']);
  });
});
