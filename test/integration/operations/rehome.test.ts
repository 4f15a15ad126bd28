import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSIGN_PLATFORM, auditRows, bindProject, bindTenant, newProject, newTenant, ok, REHOME, refusal } from '../../support/fixtures.js';
import { ROOT_ADMIN, startTestGateway, uid, type TestGateway } from '../../support/gateway.js';
import { decisionLine, failTenantMembershipInserts, rows, stateOf as userState } from './support.js';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(async () => {
  await t?.close();
});

/** A member of tenant A with two project memberships there, and an empty tenant B to move it to. */
async function movingUser() {
  const from = await newTenant(t);
  const to = await newTenant(t);
  const user = uid('mover');
  ok(await bindTenant(t, from.owner, from.tenantId, user, 'MEMBER'));
  const projects = [await newProject(t, from.owner, from.tenantId), await newProject(t, from.owner, from.tenantId)];
  ok(await bindProject(t, from.owner, from.tenantId, projects[0]!, user, 'EDITOR'));
  ok(await bindProject(t, from.owner, from.tenantId, projects[1]!, user, 'VIEWER'));
  return { from, to, user, userId: await t.userId(user), projects };
}

const stateOf = (sub: string) => userState(t, sub);

describe('rehomeUser: the approved cross-tenant move', () => {
  it('revokes the old membership and its project memberships, binds the new one, and audits each with the reason', async () => {
    const { from, to, user, userId, projects } = await movingUser();
    const correlationId = uid('rehome');
    const res = await t.gql(
      REHOME,
      { input: { userId, fromTenantId: from.tenantId, toTenantId: to.tenantId, role: 'ADMIN', reason: '  CHG-1042 team moved to B  ' } },
      { as: ROOT_ADMIN, headers: { 'x-correlation-id': correlationId } },
    );
    const payload = ok(res).rehomeUser;
    expect(payload.membership).toMatchObject({ role: 'ADMIN', status: 'ACTIVE', tenant: { id: to.tenantId } });
    expect(payload.revokedProjectMemberships.map((m: any) => m.project.id).sort()).toEqual([...projects].sort());
    expect(payload.revokedProjectMemberships.every((m: any) => m.status === 'REVOKED')).toBe(true);

    const me = await stateOf(user);
    expect(me.tenantMemberships).toEqual(
      expect.arrayContaining([
        { role: 'MEMBER', status: 'REVOKED', tenant: { id: from.tenantId } },
        { role: 'ADMIN', status: 'ACTIVE', tenant: { id: to.tenantId } },
      ]),
    );
    expect(me.projectMemberships.map((m: any) => m.status)).toEqual(['REVOKED', 'REVOKED']);

    const audit = await auditRows(t, { correlationId });
    const rootId = await t.userId(ROOT_ADMIN);
    // One row per changed binding: the old tenant membership, both projects, the new membership.
    expect(audit).toHaveLength(4);
    for (const row of audit) {
      expect(row).toMatchObject({ correlationId, actorUserId: rootId, targetUserId: userId, reason: 'CHG-1042 team moved to B' });
      expect(row.traceId).toBe(audit[0].traceId);
    }
    const byAction = (action: string) => audit.filter((r: any) => r.action === action);
    expect(byAction('project_membership.revoke').map((r: any) => [r.tenantId, r.projectId, r.after.status])).toEqual(
      expect.arrayContaining(projects.map((p) => [from.tenantId, p, 'revoked'])),
    );
    expect(byAction('user.rehome').map((r: any) => ({ tenantId: r.tenantId, after: r.after }))).toEqual(
      expect.arrayContaining([
        { tenantId: from.tenantId, after: { role: 'tenant_member', status: 'revoked' } },
        { tenantId: to.tenantId, after: { tenant_id: to.tenantId, role: 'tenant_admin', status: 'active' } },
      ]),
    );
    expect(refusalFree(res)).toBe(true);
  });

  it('takes the destination role through the policy engine, which logs its decision', async () => {
    const { from, to, userId } = await movingUser();
    const res = await t.gql(REHOME, { input: { userId, fromTenantId: from.tenantId, toTenantId: to.tenantId, role: 'OWNER', reason: 'new owner' } }, { as: ROOT_ADMIN });
    expect(ok(res).rehomeUser.membership.role).toBe('OWNER');
    const line = decisionLine(t, res.headers.get('x-correlation-id'));
    expect(line?.decision).toMatchObject({
      allowed: true,
      requested_role: 'tenant_owner',
      ceiling: 'tenant_owner',
      action: 'rehome',
      scope: { kind: 'tenant', tenant_id: to.tenantId },
      target_user_id: userId,
    });
    expect(line?.decision.path).toEqual(
      expect.arrayContaining(['platform_admin:pass', 'ceiling_requested:pass tenant_owner<=tenant_owner', 'cross_tenant:pass', 'last_owner:pass']),
    );
  });

  it('is all or nothing: a failure while binding the new membership leaves the old one, its projects and the audit trail untouched', async () => {
    const { from, to, user, userId } = await movingUser();
    const before = await stateOf(user);
    const auditBefore = (await rows<{ n: number }>(t, sql`select count(*)::int as n from audit_logs`))[0]!.n;
    // The destination insert fails after the revokes ran.
    const restore = await failTenantMembershipInserts(t, to.tenantId);
    try {
      const res = await t.gql(REHOME, { input: { userId, fromTenantId: from.tenantId, toTenantId: to.tenantId, role: 'MEMBER', reason: 'doomed' } }, { as: ROOT_ADMIN });
      expect(refusal(res)).toMatchObject({ code: 'internal_error', reason: 'internal_error' });
      expect(res.body.errors![0]!.message).not.toMatch(/injected|tenant_memberships/);
      // It failed where intended: after the decision allowed it, at the destination insert.
      const lines = t.logs.filter((l) => l.correlation_id === res.headers.get('x-correlation-id'));
      expect(lines.some((l) => l.decision?.allowed === true)).toBe(true);
      expect(lines.some((l) => JSON.stringify(l.err ?? {}).includes('injected failure'))).toBe(true);
    } finally {
      await restore();
    }
    expect(await stateOf(user)).toEqual(before);
    expect((await rows<{ n: number }>(t, sql`select count(*)::int as n from audit_logs`))[0]!.n).toBe(auditBefore);
    expect(await auditRows(t, { targetUserId: userId, action: 'user.rehome' })).toEqual([]);
  });

  it.each([
    ['empty', ''],
    ['whitespace', ' \t\n '],
  ])('refuses an %s reason as invalid_request/validation_failed, changing nothing', async (_, reason) => {
    const { from, to, user, userId } = await movingUser();
    const before = await stateOf(user);
    const res = await t.gql(REHOME, { input: { userId, fromTenantId: from.tenantId, toTenantId: to.tenantId, role: 'MEMBER', reason } }, { as: ROOT_ADMIN });
    expect(refusal(res)).toMatchObject({ code: 'invalid_request', reason: 'validation_failed', field: 'input.reason', retryable: false });
    expect(await stateOf(user)).toEqual(before);
  });

  it('refuses the same tenant as source and destination as validation_failed', async () => {
    const { from, userId } = await movingUser();
    const res = await t.gql(REHOME, { input: { userId, fromTenantId: from.tenantId, toTenantId: from.tenantId, role: 'MEMBER', reason: 'x' } }, { as: ROOT_ADMIN });
    expect(refusal(res)).toMatchObject({ code: 'invalid_request', reason: 'validation_failed' });
  });

  it('refuses a platform_auditor (who sees both tenants) with platform_admin_required, changing nothing', async () => {
    const { from, to, user, userId } = await movingUser();
    const auditor = uid('auditor');
    ok(await t.gql(ASSIGN_PLATFORM, { input: { userId: await t.userId(auditor), role: 'AUDITOR' } }, { as: ROOT_ADMIN }));
    const before = await stateOf(user);
    const res = await t.gql(REHOME, { input: { userId, fromTenantId: from.tenantId, toTenantId: to.tenantId, role: 'MEMBER', reason: 'x' } }, { as: auditor });
    expect(refusal(res)).toMatchObject({ code: 'insufficient_permissions', reason: 'platform_admin_required', retryable: false });
    expect(await stateOf(user)).toEqual(before);
    expect(await auditRows(t, { correlationId: res.headers.get('x-correlation-id') })).toEqual([]);
  });

  it('refuses the destination tenant owner alike for a foreign and for a non-existent source tenant (no id probing)', async () => {
    const { from, to, userId } = await movingUser();
    const input = { userId, toTenantId: to.tenantId, role: 'MEMBER', reason: 'x' };
    const foreign = refusal(await t.gql(REHOME, { input: { ...input, fromTenantId: from.tenantId } }, { as: to.owner }));
    const missing = refusal(await t.gql(REHOME, { input: { ...input, fromTenantId: randomUUID() } }, { as: to.owner }));
    expect(foreign).toMatchObject({ code: 'insufficient_permissions', reason: 'scope_mismatch' });
    expect(missing).toMatchObject({ code: foreign.code, reason: foreign.reason });
  });

  it('refuses the source tenant owner, who does not see the destination, with scope_mismatch', async () => {
    const { from, to, userId } = await movingUser();
    const res = await t.gql(REHOME, { input: { userId, fromTenantId: from.tenantId, toTenantId: to.tenantId, role: 'MEMBER', reason: 'x' } }, { as: from.owner });
    expect(refusal(res)).toMatchObject({ code: 'insufficient_permissions', reason: 'scope_mismatch' });
  });

  it('refuses to move the last owner out of its tenant (last_owner), and allows it once another owner exists', async () => {
    const from = await newTenant(t);
    const to = await newTenant(t);
    const ownerId = await t.userId(from.owner);
    const input = { userId: ownerId, fromTenantId: from.tenantId, toTenantId: to.tenantId, role: 'MEMBER', reason: 'owner leaves' };
    const denied = await t.gql(REHOME, { input }, { as: ROOT_ADMIN });
    expect(refusal(denied)).toMatchObject({ code: 'conflict', reason: 'last_owner', retryable: false });
    expect((await stateOf(from.owner)).tenantMemberships).toEqual([{ role: 'OWNER', status: 'ACTIVE', tenant: { id: from.tenantId } }]);
    expect(await auditRows(t, { correlationId: denied.headers.get('x-correlation-id') })).toEqual([]);

    ok(await bindTenant(t, from.owner, from.tenantId, uid('second-owner'), 'OWNER'));
    expect(ok(await t.gql(REHOME, { input }, { as: ROOT_ADMIN })).rehomeUser.membership).toMatchObject({ role: 'MEMBER', tenant: { id: to.tenantId } });
  });

  it('answers membership_not_found when the user is not active in the source tenant', async () => {
    const from = await newTenant(t);
    const to = await newTenant(t);
    const res = await t.gql(
      REHOME,
      { input: { userId: await t.userId(uid('stranger')), fromTenantId: from.tenantId, toTenantId: to.tenantId, role: 'MEMBER', reason: 'x' } },
      { as: ROOT_ADMIN },
    );
    expect(refusal(res)).toMatchObject({ code: 'not_found', reason: 'membership_not_found' });
  });
});

function refusalFree(res: { body: { errors?: unknown[] } }): boolean {
  return (res.body.errors ?? []).length === 0;
}
