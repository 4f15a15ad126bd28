import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRows, bindTenant, BULK_BIND, newProject, newTenant, ok, refusal } from '../../support/fixtures.js';
import { ROOT_ADMIN, startTestGateway, uid, type TestGateway } from '../../support/gateway.js';
import { rows, seedTenantMembers, tenantMembers } from './support.js';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(async () => {
  await t?.close();
});

const PROJECT_MEMBERS = `query($tenantId: ID!, $id: ID!) { project(tenantId: $tenantId, id: $id) { members { nodes { role status user { id } } } } }`;

/** A tenant with an admin (not owner), a project and n members ready to be bound into it. */
async function bulkSetup(n: number, seeded = false) {
  const tenant = await newTenant(t);
  const admin = uid('admin');
  ok(await bindTenant(t, tenant.owner, tenant.tenantId, admin, 'ADMIN'));
  const projectId = await newProject(t, tenant.owner, tenant.tenantId);
  const userIds = seeded ? await seedTenantMembers(t, tenant.tenantId, n) : await tenantMembers(t, tenant.tenantId, tenant.owner, n);
  return { ...tenant, admin, projectId, userIds };
}

async function projectMembers(tenantId: string, projectId: string) {
  return ok(await t.gql(PROJECT_MEMBERS, { tenantId, id: projectId }, { as: ROOT_ADMIN })).project.members.nodes;
}

async function auditCount(correlationId: string): Promise<number> {
  return (await rows<{ n: number }>(t, sql`select count(*)::int as n from audit_logs where correlation_id = ${correlationId}`))[0]!.n;
}

describe('bulkBindProjectMemberships: all or nothing', () => {
  it('refuses the whole batch when one item in the middle is above the ceiling, naming item_index, and writes nothing', async () => {
    const s = await bulkSetup(5);
    const roles = ['VIEWER', 'EDITOR', 'OWNER', 'VIEWER', 'ADMIN'];
    const res = await t.gql(
      BULK_BIND,
      { input: { tenantId: s.tenantId, projectId: s.projectId, bindings: s.userIds.map((userId, i) => ({ userId, role: roles[i] })) } },
      { as: s.admin },
    );
    expect(refusal(res)).toMatchObject({
      code: 'insufficient_permissions',
      reason: 'role_ceiling_exceeded',
      item_index: 2,
      ceiling: 'project_admin',
      requested_role: 'project_owner',
      scope: { tenant_id: s.tenantId, project_id: s.projectId },
      retryable: false,
    });
    expect(res.body.errors![0]!.message).toMatch(/^bindings\[2\]/);
    expect(await projectMembers(s.tenantId, s.projectId)).toEqual([]);
    expect(await auditCount(res.headers.get('x-correlation-id')!)).toBe(0);
    expect(await auditRows(t, { projectId: s.projectId, action: 'project_membership.bind' })).toEqual([]);

    // The same batch within the ceiling goes through whole.
    roles[2] = 'ADMIN';
    const allowed = ok(
      await t.gql(
        BULK_BIND,
        { input: { tenantId: s.tenantId, projectId: s.projectId, bindings: s.userIds.map((userId, i) => ({ userId, role: roles[i] })) } },
        { as: s.admin },
      ),
    );
    expect(allowed.bulkBindProjectMemberships.changedCount).toBe(5);
  });

  it('refuses the whole batch when a target in the middle is not a member of the tenant (target_not_tenant_member)', async () => {
    const s = await bulkSetup(3);
    const outsider = await t.userId(uid('outsider'));
    const bindings = [s.userIds[0], s.userIds[1], outsider, s.userIds[2]].map((userId) => ({ userId, role: 'VIEWER' }));
    const res = await t.gql(BULK_BIND, { input: { tenantId: s.tenantId, projectId: s.projectId, bindings } }, { as: s.owner });
    expect(refusal(res)).toMatchObject({ code: 'conflict', reason: 'target_not_tenant_member', item_index: 2 });
    expect(await projectMembers(s.tenantId, s.projectId)).toEqual([]);
    expect(await auditCount(res.headers.get('x-correlation-id')!)).toBe(0);
  });

  it('names the right item when a user in the middle does not exist', async () => {
    const s = await bulkSetup(3);
    const bindings = [s.userIds[0], s.userIds[1], randomUUID(), s.userIds[2]].map((userId) => ({ userId, role: 'VIEWER' }));
    const res = await t.gql(BULK_BIND, { input: { tenantId: s.tenantId, projectId: s.projectId, bindings } }, { as: s.owner });
    expect(refusal(res)).toMatchObject({ code: 'not_found', reason: 'user_not_found', item_index: 2 });
    expect(await projectMembers(s.tenantId, s.projectId)).toEqual([]);
  });

  it('does not pin a refusal of the whole batch (scope) on one item', async () => {
    const s = await bulkSetup(2);
    const foreign = await newTenant(t);
    const bindings = s.userIds.map((userId) => ({ userId, role: 'VIEWER' }));
    const res = await t.gql(BULK_BIND, { input: { tenantId: s.tenantId, projectId: s.projectId, bindings } }, { as: foreign.owner });
    const error = refusal(res);
    expect(error).toMatchObject({ code: 'insufficient_permissions', reason: 'scope_mismatch' });
    expect(error).not.toHaveProperty('item_index');
    expect(res.body.errors![0]!.message).not.toMatch(/^bindings\[/);
  });

  it.each([
    ['no items', 0],
    ['501 items', 501],
  ])('refuses %s as validation_failed', async (_, n) => {
    const s = await bulkSetup(1);
    const bindings = Array.from({ length: n }, () => ({ userId: s.userIds[0], role: 'VIEWER' }));
    const res = await t.gql(BULK_BIND, { input: { tenantId: s.tenantId, projectId: s.projectId, bindings } }, { as: s.owner });
    expect(refusal(res)).toMatchObject({ code: 'invalid_request', reason: 'validation_failed', field: 'input.bindings' });
    expect(await projectMembers(s.tenantId, s.projectId)).toEqual([]);
  });

  it('refuses a repeated userId (whatever its case) as validation_failed, naming the repeat', async () => {
    const s = await bulkSetup(2);
    const bindings = [
      { userId: s.userIds[0], role: 'VIEWER' },
      { userId: s.userIds[1], role: 'VIEWER' },
      { userId: s.userIds[0]!.toUpperCase(), role: 'EDITOR' },
    ];
    const res = await t.gql(BULK_BIND, { input: { tenantId: s.tenantId, projectId: s.projectId, bindings } }, { as: s.owner });
    expect(refusal(res)).toMatchObject({ code: 'invalid_request', reason: 'validation_failed', item_index: 2 });
    expect(await projectMembers(s.tenantId, s.projectId)).toEqual([]);
  });

  it('writes one audit row per changed binding and none for an unchanged one', async () => {
    const s = await bulkSetup(3);
    const [a, b, c] = s.userIds as [string, string, string];
    ok(await t.gql(BULK_BIND, { input: { tenantId: s.tenantId, projectId: s.projectId, bindings: [{ userId: a, role: 'VIEWER' }, { userId: b, role: 'EDITOR' }] } }, { as: s.admin }));

    const correlationId = uid('bulk');
    const res = await t.gql(
      BULK_BIND,
      {
        input: {
          tenantId: s.tenantId,
          projectId: s.projectId,
          bindings: [
            { userId: a, role: 'VIEWER' }, // unchanged
            { userId: b, role: 'ADMIN' }, // role change
            { userId: c, role: 'VIEWER' }, // new
          ],
        },
      },
      { as: s.admin, headers: { 'x-correlation-id': correlationId } },
    );
    const payload = ok(res).bulkBindProjectMemberships;
    expect(payload.changedCount).toBe(2);
    expect(payload.memberships.map((m: any) => [m.user.id, m.role, m.status])).toEqual([
      [a, 'VIEWER', 'ACTIVE'],
      [b, 'ADMIN', 'ACTIVE'],
      [c, 'VIEWER', 'ACTIVE'],
    ]);
    const audit = await auditRows(t, { correlationId });
    expect(audit.map((r: any) => [r.action, r.targetUserId, r.tenantId, r.projectId, r.before, r.after]).sort()).toEqual(
      [
        ['project_membership.bind', b, s.tenantId, s.projectId, { role: 'project_editor', status: 'active' }, { role: 'project_admin', status: 'active' }],
        ['project_membership.bind', c, s.tenantId, s.projectId, null, { role: 'project_viewer', status: 'active' }],
      ].sort(),
    );
  });

  it('is set-based: a 500-item batch issues no more SQL statements than a 10-item one', async () => {
    const s = await bulkSetup(510, true);
    const statementsFor = async (userIds: string[]) => {
      const before = t.gateway.database.stats.statements;
      const res = await t.gql(
        BULK_BIND,
        { input: { tenantId: s.tenantId, projectId: s.projectId, bindings: userIds.map((userId) => ({ userId, role: 'VIEWER' })) } },
        { as: s.admin },
      );
      const statements = t.gateway.database.stats.statements - before;
      expect(ok(res).bulkBindProjectMemberships.changedCount).toBe(userIds.length);
      expect(await auditCount(res.headers.get('x-correlation-id')!)).toBe(userIds.length);
      return statements;
    };
    const small = await statementsFor(s.userIds.slice(0, 10));
    const large = await statementsFor(s.userIds.slice(10, 510));
    expect(small).toBeGreaterThan(0);
    expect(large).toBe(small);
  });
});
