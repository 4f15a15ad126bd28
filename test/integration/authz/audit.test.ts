// Contract section 5 through the API: every successful change writes exactly its audit rows, in
// the change's own transaction, carrying the request's ids; refusals and no-ops write none; the
// rows can be found by every filter, are shown only to those who may see them, and cannot be
// changed afterwards.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import {
  ASSIGN_PLATFORM,
  auditRows,
  BIND_PROJECT,
  BIND_TENANT,
  bindProject,
  bindTenant,
  CREATE_PROJECT,
  CREATE_TENANT,
  newProject,
  newTenant,
  ok,
  refusal,
  REVOKE_PLATFORM,
  REVOKE_PROJECT,
  REVOKE_TENANT,
} from '../../support/fixtures.js';
import { ROOT_ADMIN, startTestGateway, uid, type TestGateway } from '../../support/gateway.js';
import { selectRows, traced } from './direct-sql.js';

let t: TestGateway;
let rootId: string;
beforeAll(async () => {
  t = await startTestGateway();
  rootId = await t.userId(ROOT_ADMIN);
});
afterAll(async () => {
  await t?.close();
});

interface AuditRow {
  id: string;
  occurredAt: string;
  correlationId: string;
  traceId: string;
  action: string;
  actorUserId: string | null;
  targetUserId: string | null;
  tenantId: string | null;
  projectId: string | null;
  before: any;
  after: any;
  reason: string | null;
}

const rowsOf = (correlationId: string, as = ROOT_ADMIN): Promise<AuditRow[]> => auditRows(t, { correlationId }, as);
const byAction = (rows: AuditRow[]) => [...rows].sort((a, b) => (a.action < b.action ? -1 : a.action > b.action ? 1 : 0));

/** The transaction ids that last wrote the audit rows of a request. */
async function auditXids(correlationId: string): Promise<string[]> {
  const rows = await selectRows<{ xid: string }>(t, sql`select distinct xmin::text as xid from audit_logs where correlation_id = ${correlationId}`);
  return rows.map((r) => r.xid);
}

async function membershipXid(table: 'tenant_memberships' | 'project_memberships', column: 'tenant_id' | 'project_id', scopeId: string, userId: string): Promise<string> {
  const rows = await selectRows<{ xid: string }>(
    t,
    sql`select xmin::text as xid from ${sql.raw(table)} where ${sql.raw(column)} = ${scopeId} and user_id = ${userId}`,
  );
  return rows[0]!.xid;
}

describe('a successful change writes exactly its audit rows, in its own transaction', () => {
  it('createTenant: tenant.create and the first owner binding, with the request ids', async () => {
    const ownerId = await t.userId(uid('owner'));
    const slug = uid('tenant');
    const call = await traced(t, CREATE_TENANT, { input: { slug, name: 'Audit Co', ownerUserId: ownerId } }, { as: ROOT_ADMIN });
    const tenantId = ok(call.res).createTenant.tenant.id;
    expect(call.res.headers.get('x-correlation-id')).toBe(call.correlationId);

    const rows = byAction(await rowsOf(call.correlationId));
    const common = { correlationId: call.correlationId, traceId: call.traceId, actorUserId: rootId, tenantId, projectId: null };
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ ...common, action: 'tenant.create', targetUserId: null, before: null, after: { slug, name: 'Audit Co' } });
    expect(rows[1]).toMatchObject({
      ...common,
      action: 'tenant_membership.bind',
      targetUserId: ownerId,
      before: null,
      after: { role: 'tenant_owner', status: 'active' },
    });
    // One writing transaction: the rows carry the same xmin as the binding they record.
    expect(await auditXids(call.correlationId)).toEqual([await membershipXid('tenant_memberships', 'tenant_id', tenantId, ownerId)]);
  });

  it('createProject: project.create carries the tenant and the project', async () => {
    const tenant = await newTenant(t);
    const call = await traced(t, CREATE_PROJECT, { input: { tenantId: tenant.tenantId, slug: uid('proj'), name: 'Audited' } }, { as: tenant.owner });
    const projectId = ok(call.res).createProject.project.id;
    const rows = await rowsOf(call.correlationId);
    expect(rows).toEqual([
      expect.objectContaining({
        action: 'project.create',
        correlationId: call.correlationId,
        traceId: call.traceId,
        actorUserId: await t.userId(tenant.owner),
        targetUserId: null,
        tenantId: tenant.tenantId,
        projectId,
        before: null,
        after: expect.objectContaining({ name: 'Audited' }),
      }),
    ]);
  });

  it('tenant_membership.bind on a new binding and on a role change; a rebind of the same role answers changed:false and writes none', async () => {
    const tenant = await newTenant(t);
    const ownerId = await t.userId(tenant.owner);
    const userId = await t.userId(uid('user'));
    const bind = (role: string) => traced(t, BIND_TENANT, { input: { tenantId: tenant.tenantId, userId, role } }, { as: tenant.owner });
    const common = { actorUserId: ownerId, targetUserId: userId, tenantId: tenant.tenantId, projectId: null, action: 'tenant_membership.bind' };

    const first = await bind('MEMBER');
    expect(ok(first.res).bindTenantMembership.changed).toBe(true);
    expect(await rowsOf(first.correlationId)).toEqual([
      expect.objectContaining({ ...common, correlationId: first.correlationId, traceId: first.traceId, before: null, after: { role: 'tenant_member', status: 'active' } }),
    ]);
    expect(await auditXids(first.correlationId)).toEqual([await membershipXid('tenant_memberships', 'tenant_id', tenant.tenantId, userId)]);

    const change = await bind('ADMIN');
    expect(ok(change.res).bindTenantMembership.changed).toBe(true);
    expect(await rowsOf(change.correlationId)).toEqual([
      expect.objectContaining({ ...common, correlationId: change.correlationId, before: { role: 'tenant_member', status: 'active' }, after: { role: 'tenant_admin', status: 'active' } }),
    ]);

    const xidBefore = await membershipXid('tenant_memberships', 'tenant_id', tenant.tenantId, userId);
    const again = await bind('ADMIN');
    expect(ok(again.res).bindTenantMembership).toMatchObject({ changed: false, membership: { role: 'ADMIN', status: 'ACTIVE' } });
    expect(await rowsOf(again.correlationId)).toEqual([]);
    expect(await membershipXid('tenant_memberships', 'tenant_id', tenant.tenantId, userId)).toBe(xidBefore);
  });

  it('project_membership.bind and .revoke carry the tenant as well as the project; a no-op rebind writes none', async () => {
    const tenant = await newTenant(t);
    const projectId = await newProject(t, tenant.owner, tenant.tenantId);
    const user = uid('user');
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, user, 'MEMBER'));
    const userId = await t.userId(user);
    const common = { actorUserId: await t.userId(tenant.owner), targetUserId: userId, tenantId: tenant.tenantId, projectId };

    const bind = await traced(t, BIND_PROJECT, { input: { tenantId: tenant.tenantId, projectId, userId, role: 'EDITOR' } }, { as: tenant.owner });
    ok(bind.res);
    expect(await rowsOf(bind.correlationId)).toEqual([
      expect.objectContaining({ ...common, action: 'project_membership.bind', correlationId: bind.correlationId, traceId: bind.traceId, before: null, after: { role: 'project_editor', status: 'active' } }),
    ]);
    expect(await auditXids(bind.correlationId)).toEqual([await membershipXid('project_memberships', 'project_id', projectId, userId)]);

    const noop = await traced(t, BIND_PROJECT, { input: { tenantId: tenant.tenantId, projectId, userId, role: 'EDITOR' } }, { as: tenant.owner });
    expect(ok(noop.res).bindProjectMembership.changed).toBe(false);
    expect(await rowsOf(noop.correlationId)).toEqual([]);

    const revoke = await traced(t, REVOKE_PROJECT, { input: { tenantId: tenant.tenantId, projectId, userId } }, { as: tenant.owner });
    expect(ok(revoke.res).revokeProjectMembership).toMatchObject({ changed: true, membership: { status: 'REVOKED' } });
    expect(await rowsOf(revoke.correlationId)).toEqual([
      expect.objectContaining({ ...common, action: 'project_membership.revoke', correlationId: revoke.correlationId, before: { role: 'project_editor', status: 'active' }, after: { role: 'project_editor', status: 'revoked' } }),
    ]);
    expect(await auditXids(revoke.correlationId)).toEqual([await membershipXid('project_memberships', 'project_id', projectId, userId)]);
  });

  it('revoking a tenant membership revokes the project memberships there too, each audited, all in one transaction', async () => {
    const tenant = await newTenant(t);
    const [p1, p2, p3] = [await newProject(t, tenant.owner, tenant.tenantId), await newProject(t, tenant.owner, tenant.tenantId), await newProject(t, tenant.owner, tenant.tenantId)];
    const user = uid('leaver');
    const userId = await t.userId(user);
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, user, 'ADMIN'));
    ok(await bindProject(t, tenant.owner, tenant.tenantId, p1!, user, 'EDITOR'));
    ok(await bindProject(t, tenant.owner, tenant.tenantId, p2!, user, 'VIEWER'));
    // Already revoked: the cascade must not revoke (or audit) it a second time.
    ok(await bindProject(t, tenant.owner, tenant.tenantId, p3!, user, 'OWNER'));
    ok(await t.gql(REVOKE_PROJECT, { input: { tenantId: tenant.tenantId, projectId: p3, userId } }, { as: tenant.owner }));

    const call = await traced(t, REVOKE_TENANT, { input: { tenantId: tenant.tenantId, userId } }, { as: tenant.owner });
    expect(ok(call.res).revokeTenantMembership).toMatchObject({ changed: true, membership: { role: 'ADMIN', status: 'REVOKED' } });
    const common = { correlationId: call.correlationId, traceId: call.traceId, actorUserId: await t.userId(tenant.owner), targetUserId: userId, tenantId: tenant.tenantId };
    const rows = await rowsOf(call.correlationId);
    expect(rows).toHaveLength(3);
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ...common, action: 'tenant_membership.revoke', projectId: null, before: { role: 'tenant_admin', status: 'active' }, after: { role: 'tenant_admin', status: 'revoked' } }),
        expect.objectContaining({ ...common, action: 'project_membership.revoke', projectId: p1, before: { role: 'project_editor', status: 'active' }, after: { role: 'project_editor', status: 'revoked' } }),
        expect.objectContaining({ ...common, action: 'project_membership.revoke', projectId: p2, before: { role: 'project_viewer', status: 'active' }, after: { role: 'project_viewer', status: 'revoked' } }),
      ]),
    );

    const after = ok(await t.gql(`query($id: ID!) { user(id: $id) { projectMemberships { status project { id } } } }`, { id: userId }, { as: ROOT_ADMIN }));
    expect(after.user.projectMemberships.map((m: any) => m.status)).toEqual(['REVOKED', 'REVOKED', 'REVOKED']);
    const xids = await auditXids(call.correlationId);
    expect(xids).toHaveLength(1);
    expect(await membershipXid('tenant_memberships', 'tenant_id', tenant.tenantId, userId)).toBe(xids[0]);
    expect(await membershipXid('project_memberships', 'project_id', p1!, userId)).toBe(xids[0]);
    expect(await membershipXid('project_memberships', 'project_id', p2!, userId)).toBe(xids[0]);
    expect(await membershipXid('project_memberships', 'project_id', p3!, userId)).not.toBe(xids[0]);
  });

  it('a first binding has no before image: SQL NULL, not the JSON value null, whether one row is written or several', async () => {
    const tenant = await newTenant(t);
    const projectId = await newProject(t, tenant.owner, tenant.tenantId);
    const user = uid('user');
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, user, 'MEMBER'));
    ok(await bindProject(t, tenant.owner, tenant.tenantId, projectId, user, 'VIEWER'));
    const rows = await selectRows<{ action: string; before_is_null: boolean; after_type: string }>(
      t,
      sql`select action, before is null as before_is_null, jsonb_typeof(after) as after_type from audit_logs
          where tenant_id = ${tenant.tenantId} and action in ('tenant.create', 'tenant_membership.bind', 'project.create', 'project_membership.bind')
          order by seq`,
    );
    // tenant.create and the owner's binding are one two-row insert; the others one row each.
    expect(rows.map((r) => r.action)).toEqual(['tenant.create', 'tenant_membership.bind', 'project.create', 'tenant_membership.bind', 'project_membership.bind']);
    for (const row of rows) expect(row, row.action).toMatchObject({ before_is_null: true, after_type: 'object' });
  });

  it('platform_role.assign and .revoke name the target and no tenant; a repeated assign writes none', async () => {
    const userId = await t.userId(uid('auditor'));
    const assign = await traced(t, ASSIGN_PLATFORM, { input: { userId, role: 'AUDITOR' } }, { as: ROOT_ADMIN });
    expect(ok(assign.res).assignPlatformRole).toEqual({ changed: true, user: { id: userId, platformRoles: ['AUDITOR'] } });
    const common = { actorUserId: rootId, targetUserId: userId, tenantId: null, projectId: null };
    expect(await rowsOf(assign.correlationId)).toEqual([
      expect.objectContaining({ ...common, action: 'platform_role.assign', correlationId: assign.correlationId, traceId: assign.traceId, after: expect.objectContaining({ role: 'platform_auditor' }) }),
    ]);

    const again = await traced(t, ASSIGN_PLATFORM, { input: { userId, role: 'AUDITOR' } }, { as: ROOT_ADMIN });
    expect(ok(again.res).assignPlatformRole.changed).toBe(false);
    expect(await rowsOf(again.correlationId)).toEqual([]);

    const revoke = await traced(t, REVOKE_PLATFORM, { input: { userId, role: 'AUDITOR' } }, { as: ROOT_ADMIN });
    expect(ok(revoke.res).revokePlatformRole).toEqual({ changed: true, user: { id: userId, platformRoles: [] } });
    expect(await rowsOf(revoke.correlationId)).toEqual([
      expect.objectContaining({
        ...common,
        action: 'platform_role.revoke',
        correlationId: revoke.correlationId,
        before: expect.objectContaining({ role: 'platform_auditor', status: 'active' }),
        after: expect.objectContaining({ role: 'platform_auditor', status: 'revoked' }),
      }),
    ]);
  });
});

describe('a refused or failed call writes no audit row and changes nothing', () => {
  it('refusals of every kind leave no row under their correlation id', async () => {
    const tenant = await newTenant(t);
    const other = await newTenant(t);
    const admin = uid('admin');
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, admin, 'ADMIN'));
    const ownerId = await t.userId(tenant.owner);
    const fresh = await t.userId(uid('fresh'));
    const { tenantId } = tenant;
    const attempts: [string, Record<string, unknown>, string, string][] = [
      [BIND_TENANT, { tenantId, userId: fresh, role: 'OWNER' }, admin, 'role_ceiling_exceeded'],
      [REVOKE_TENANT, { tenantId, userId: ownerId }, admin, 'role_ceiling_exceeded'],
      [BIND_TENANT, { tenantId: other.tenantId, userId: fresh, role: 'MEMBER' }, admin, 'scope_mismatch'],
      [REVOKE_TENANT, { tenantId, userId: ownerId }, tenant.owner, 'last_owner'],
      [ASSIGN_PLATFORM, { userId: fresh, role: 'ADMIN' }, tenant.owner, 'platform_admin_required'],
      [BIND_TENANT, { tenantId, userId: 'not-a-uuid', role: 'MEMBER' }, tenant.owner, 'validation_failed'],
      [CREATE_TENANT, { slug: other.slug, name: 'dup', ownerUserId: fresh }, ROOT_ADMIN, 'slug_taken'],
    ];
    for (const [mutation, input, as, reason] of attempts) {
      const call = await traced(t, mutation, { input }, { as });
      expect(refusal(call.res).reason).toBe(reason);
      expect(refusal(call.res).correlation_id).toBe(call.correlationId);
      expect(await rowsOf(call.correlationId), reason).toEqual([]);
    }
    const members = ok(await t.gql(`query($id: ID!) { tenant(id: $id) { members { nodes { role user { id } } } } }`, { id: tenantId }, { as: ROOT_ADMIN }));
    expect(members.tenant.members.nodes.map((n: any) => n.user.id)).not.toContain(fresh);
  });

  it('when the audit row cannot be written, the change is rolled back with it', async () => {
    const tenant = await newTenant(t);
    const userId = await t.userId(uid('user'));
    const marker = `audit-must-fail-${uid('x')}`;
    // A trigger standing in for any failure of the audit insert (disk full, constraint, bug).
    await t.gateway.database.db.execute(sql.raw(`
      create or replace function test_refuse_marked_audit() returns trigger language plpgsql as $$
      begin raise exception 'audit insert refused by test'; end; $$`));
    await t.gateway.database.db.execute(
      sql.raw(`create trigger test_refuse_marked_audit before insert on audit_logs for each row when (new.correlation_id = '${marker}') execute function test_refuse_marked_audit()`),
    );
    try {
      const res = await t.gql(BIND_TENANT, { input: { tenantId: tenant.tenantId, userId, role: 'MEMBER' } }, { as: tenant.owner, headers: { 'x-correlation-id': marker } });
      expect(refusal(res)).toMatchObject({ code: 'internal_error', reason: 'internal_error' });
      const memberships = await selectRows(t, sql`select 1 from tenant_memberships where user_id = ${userId}`);
      expect(memberships).toEqual([]);
    } finally {
      await t.gateway.database.db.execute(sql.raw('drop trigger test_refuse_marked_audit on audit_logs'));
    }
    expect(ok(await bindTenant(t, tenant.owner, tenant.tenantId, await subjectOf(userId), 'MEMBER')).bindTenantMembership.changed).toBe(true);
  });
});

async function subjectOf(userId: string): Promise<string> {
  const rows = await selectRows<{ subject: string }>(t, sql`select subject from users where id = ${userId}`);
  return rows[0]!.subject;
}

describe('auditLogs filters', () => {
  let tenantId: string;
  let projectId: string;
  let ownerId: string;
  let u1: string;
  let u2: string;
  const ids: Record<string, string> = {};
  let all: AuditRow[];

  beforeAll(async () => {
    const owner = uid('owner');
    ownerId = await t.userId(owner);
    const create = await traced(t, CREATE_TENANT, { input: { slug: uid('tenant'), name: 'Filters', ownerUserId: ownerId } }, { as: ROOT_ADMIN });
    tenantId = ok(create.res).createTenant.tenant.id;
    ids.create = create.correlationId;
    const project = await traced(t, CREATE_PROJECT, { input: { tenantId, slug: uid('proj'), name: 'p' } }, { as: owner });
    projectId = ok(project.res).createProject.project.id;
    ids.project = project.correlationId;
    u1 = await t.userId(uid('u1'));
    u2 = await t.userId(uid('u2'));
    const steps: [string, string, Record<string, unknown>, string][] = [
      ['e1', BIND_TENANT, { tenantId, userId: u1, role: 'MEMBER' }, owner],
      ['e2', BIND_PROJECT, { tenantId, projectId, userId: u1, role: 'VIEWER' }, owner],
      ['e3', BIND_TENANT, { tenantId, userId: u2, role: 'MEMBER' }, owner],
      ['e4', ASSIGN_PLATFORM, { userId: u2, role: 'AUDITOR' }, ROOT_ADMIN],
    ];
    for (const [name, mutation, input, as] of steps) {
      const call = await traced(t, mutation, { input }, { as });
      ok(call.res);
      ids[name] = call.correlationId;
    }
    all = [...(await auditRows(t, { tenantId })), ...(await rowsOf(ids.e4!))];
  });

  const correlationIds = (rows: AuditRow[]) => rows.map((r) => r.correlationId).sort();
  const of = (...names: string[]) => names.map((n) => ids[n]!).sort();

  it('correlationId finds the rows of one request', async () => {
    expect(await auditRows(t, { correlationId: ids.e2 })).toEqual([expect.objectContaining({ action: 'project_membership.bind', targetUserId: u1 })]);
    expect(await auditRows(t, { correlationId: 'no-such-request' })).toEqual([]);
  });

  it('actorUserId, targetUserId, tenantId, projectId and action each narrow to their rows', async () => {
    expect(correlationIds(await auditRows(t, { actorUserId: ownerId }))).toEqual(of('project', 'e1', 'e2', 'e3'));
    expect(correlationIds(await auditRows(t, { targetUserId: u1 }))).toEqual(of('e1', 'e2'));
    expect(correlationIds(await auditRows(t, { targetUserId: u2 }))).toEqual(of('e3', 'e4'));
    expect(correlationIds(await auditRows(t, { tenantId }))).toEqual(of('create', 'create', 'project', 'e1', 'e2', 'e3'));
    expect(correlationIds(await auditRows(t, { projectId }))).toEqual(of('project', 'e2'));
    expect(correlationIds(await auditRows(t, { tenantId, action: 'tenant_membership.bind' }))).toEqual(of('create', 'e1', 'e3'));
    expect(correlationIds(await auditRows(t, { targetUserId: u2, action: 'platform_role.assign' }))).toEqual(of('e4'));
    expect(await auditRows(t, { tenantId, action: 'platform_role.assign' })).toEqual([]);
  });

  it('since and until bound occurredAt inclusively, and combine with the other filters', async () => {
    const e2 = all.find((r) => r.correlationId === ids.e2)!;
    const at = (row: AuditRow) => new Date(row.occurredAt).getTime();
    const since = await auditRows(t, { tenantId, since: e2.occurredAt });
    expect(since.map((r) => r.id).sort()).toEqual(all.filter((r) => r.tenantId === tenantId && at(r) >= at(e2)).map((r) => r.id).sort());
    expect(correlationIds(since)).toEqual(expect.arrayContaining(of('e2', 'e3')));
    expect(correlationIds(since)).not.toContain(ids.create);

    const until = await auditRows(t, { tenantId, until: e2.occurredAt });
    expect(until.map((r) => r.id).sort()).toEqual(all.filter((r) => r.tenantId === tenantId && at(r) <= at(e2)).map((r) => r.id).sort());
    expect(correlationIds(until)).toEqual(expect.arrayContaining(of('create', 'e2')));
    expect(correlationIds(until)).not.toContain(ids.e3);

    const window = await auditRows(t, { targetUserId: u1, since: e2.occurredAt, until: e2.occurredAt });
    expect(correlationIds(window)).toEqual(of('e2'));
  });

  it('answers newest first', async () => {
    const rows = await auditRows(t, { tenantId });
    const times = rows.map((r) => new Date(r.occurredAt).getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(rows[0]!.correlationId).toBe(ids.e3);
  });
});

describe('auditLogs visibility', () => {
  let a: { tenantId: string; owner: string; admin: string; member: string };
  let bTenant: string;
  let bOwner: string;
  const calls: Record<string, string> = {};

  beforeAll(async () => {
    const tenantA = await newTenant(t);
    const tenantB = await newTenant(t);
    bTenant = tenantB.tenantId;
    bOwner = tenantB.owner;
    a = { tenantId: tenantA.tenantId, owner: tenantA.owner, admin: uid('admin'), member: uid('member') };
    ok(await bindTenant(t, a.owner, a.tenantId, a.admin, 'ADMIN'));
    ok(await bindTenant(t, a.owner, a.tenantId, a.member, 'MEMBER'));
    const projectA = await newProject(t, a.owner, a.tenantId);
    const inA = await traced(t, BIND_PROJECT, { input: { tenantId: a.tenantId, projectId: projectA, userId: await t.userId(a.member), role: 'EDITOR' } }, { as: a.admin });
    ok(inA.res);
    calls.a = inA.correlationId;
    const inB = await traced(t, BIND_TENANT, { input: { tenantId: bTenant, userId: await t.userId(uid('b-user')), role: 'MEMBER' } }, { as: bOwner });
    ok(inB.res);
    calls.b = inB.correlationId;
    const platform = await traced(t, ASSIGN_PLATFORM, { input: { userId: await t.userId(uid('aud')), role: 'AUDITOR' } }, { as: ROOT_ADMIN });
    ok(platform.res);
    calls.platform = platform.correlationId;
  });

  it('platform_admin and platform_auditor see every row', async () => {
    const auditor = uid('auditor');
    ok(await t.gql(ASSIGN_PLATFORM, { input: { userId: await t.userId(auditor), role: 'AUDITOR' } }, { as: ROOT_ADMIN }));
    for (const viewer of [ROOT_ADMIN, auditor]) {
      for (const correlationId of Object.values(calls)) expect(await rowsOf(correlationId, viewer), viewer).toHaveLength(1);
    }
  });

  it("tenant owners and admins see their tenant's rows (project rows included) and nothing else", async () => {
    for (const viewer of [a.owner, a.admin]) {
      const visible = await auditRows(t, {}, viewer);
      expect(visible.length).toBeGreaterThan(0);
      expect(new Set(visible.map((r: AuditRow) => r.tenantId))).toEqual(new Set([a.tenantId]));
      expect(await rowsOf(calls.a!, viewer)).toEqual([expect.objectContaining({ action: 'project_membership.bind', tenantId: a.tenantId })]);
      expect(await rowsOf(calls.b!, viewer)).toEqual([]);
      expect(await rowsOf(calls.platform!, viewer)).toEqual([]);
      expect(await auditRows(t, { tenantId: bTenant }, viewer)).toEqual([]);
    }
    expect(correlationIdsOf(await auditRows(t, {}, bOwner))).not.toContain(calls.a);
    expect(await rowsOf(calls.b!, bOwner)).toHaveLength(1);
  });

  it('members and outsiders see none, even of their own tenant', async () => {
    for (const viewer of [a.member, uid('outsider')]) {
      expect(await auditRows(t, {}, viewer)).toEqual([]);
      expect(await auditRows(t, { tenantId: a.tenantId }, viewer)).toEqual([]);
      expect(await rowsOf(calls.a!, viewer)).toEqual([]);
    }
  });

  it('a revoked admin no longer sees the rows', async () => {
    const former = uid('former');
    ok(await bindTenant(t, a.owner, a.tenantId, former, 'ADMIN'));
    expect(await rowsOf(calls.a!, former)).toHaveLength(1);
    ok(await t.gql(REVOKE_TENANT, { input: { tenantId: a.tenantId, userId: await t.userId(former) } }, { as: a.owner }));
    expect(await rowsOf(calls.a!, former)).toEqual([]);
  });
});

const correlationIdsOf = (rows: AuditRow[]) => rows.map((r) => r.correlationId);

describe('the database keeps audit_logs append-only', () => {
  async function digest(): Promise<unknown> {
    const [row] = await selectRows(t, sql`select count(*)::int as n, md5(string_agg(id::text || hash || action || correlation_id, ',' order by seq)) as d from audit_logs`);
    return row;
  }

  async function refusedBySql(statement: string): Promise<string> {
    try {
      await t.gateway.database.db.execute(sql.raw(statement));
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      return `${String(error)} ${cause instanceof Error ? cause.message : ''}`;
    }
    throw new Error(`${statement} was accepted`);
  }

  it('refuses UPDATE, DELETE and TRUNCATE, and the rows stay as they were', async () => {
    ok(await t.gql(ASSIGN_PLATFORM, { input: { userId: await t.userId(uid('someone')), role: 'AUDITOR' } }, { as: ROOT_ADMIN }));
    const before = await digest();
    expect((before as { n: number }).n).toBeGreaterThan(0);
    for (const statement of [
      `update audit_logs set action = 'tampered'`,
      `update audit_logs set reason = 'tampered' where seq = (select max(seq) from audit_logs)`,
      `delete from audit_logs`,
      `delete from audit_logs where seq = (select min(seq) from audit_logs)`,
      `truncate audit_logs`,
    ]) {
      expect(await refusedBySql(statement), statement).toMatch(/append-only/);
    }
    expect(await digest()).toEqual(before);
    // The refusals did not break the trail for what comes next.
    const call = await traced(t, ASSIGN_PLATFORM, { input: { userId: await t.userId(uid('later')), role: 'AUDITOR' } }, { as: ROOT_ADMIN });
    ok(call.res);
    expect(await rowsOf(call.correlationId)).toHaveLength(1);
  });
});
