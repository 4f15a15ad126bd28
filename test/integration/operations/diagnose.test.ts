import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDiagnosis } from '../../../src/modules/audit/diagnose-format.js';
import { diagnose, readLogLines, type Diagnosis } from '../../../src/modules/audit/diagnose.js';
import { REAL_DB } from '../../support/database.js';
import { BIND_PROJECT, bindTenant, newProject, newTenant, ok, REHOME, refusal } from '../../support/fixtures.js';
import { ROOT_ADMIN, startTestGateway, uid, type TestGateway } from '../../support/gateway.js';
import { bindProject } from '../../support/fixtures.js';
import { db, failTenantMembershipInserts, writeLogFile } from './support.js';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(async () => {
  await t?.close();
});

/** What an operator runs: the log file as shipped, then the report for one correlation_id. */
async function diagnoseFromLog(correlationId: string, withLog = true): Promise<Diagnosis> {
  const logLines = withLog ? await readLogLines(writeLogFile(t), correlationId) : null;
  return diagnose(db(t), { correlationId, logLines, tenancyMode: 'strict' });
}

/** The report survives the --json round trip a tool would make. */
function asJson(report: Diagnosis) {
  return JSON.parse(JSON.stringify(report));
}

describe('diagnose on a denied request', () => {
  it('shows the ceiling denial from the log, no audit rows, and the state the runbook asks to verify', async () => {
    // The runbook's own example: a tenant admin grants tenant owner to someone outside the tenant.
    const tenant = await newTenant(t);
    const admin = uid('admin');
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, admin, 'ADMIN'));
    const outsider = uid('outsider');
    const res = await bindTenant(t, admin, tenant.tenantId, outsider, 'OWNER');
    const correlationId = refusal(res).correlation_id as string;

    const report = await diagnoseFromLog(correlationId);
    const adminId = await t.userId(admin);
    const outsiderId = await t.userId(outsider);
    expect(report).toMatchObject({ correlationId, outcome: 'denied', actorUserId: adminId, operation: 'bindTenantMembership', auditRows: [] });
    expect(report.traceIds).toEqual([refusal(res).trace_id]);
    expect(report.decisions).toEqual([
      expect.objectContaining({
        allowed: false,
        code: 'insufficient_permissions',
        reason: 'role_ceiling_exceeded',
        ceiling: 'tenant_admin',
        requestedRole: 'tenant_owner',
        targetUserId: outsiderId,
        scope: { kind: 'tenant', tenantId: tenant.tenantId, projectId: null },
      }),
    ]);
    expect(report.decisions[0]!.path.at(-1)).toBe('ceiling_requested:deny tenant_owner>tenant_admin');
    expect(report.errors).toEqual([expect.objectContaining({ code: 'insufficient_permissions', reason: 'role_ceiling_exceeded' })]);
    expect(report.failureClass).toMatchObject({ name: 'Expected role ceiling denial' });
    expect(report.failureClass!.mitigation).toContain('tenant_admin');

    const actor = report.state.users.find((u) => u.id === adminId)!;
    expect(actor).toMatchObject({ subject: admin, as: ['actor'], platformRoles: [], tenantMemberships: [{ tenantId: tenant.tenantId, tenantSlug: tenant.slug, role: 'tenant_admin' }] });
    expect(report.state.users.find((u) => u.id === outsiderId)).toMatchObject({ as: ['target'], tenantMemberships: [], projectMemberships: [] });
    // The actor acts where it is active; the target's absence is no finding for a tenant bind.
    expect(report.checks).toEqual([expect.objectContaining({ name: 'actor_active_in_tenant', ok: true })]);

    const text = formatDiagnosis(report);
    for (const expected of [
      `correlation_id ${correlationId}`,
      'DENIED bindTenantMembership bind at tenant scope',
      'code: insufficient_permissions  reason: role_ceiling_exceeded',
      'ceiling: tenant_admin  requested_role: tenant_owner',
      'ceiling_requested:deny tenant_owner>tenant_admin',
      'class:     Expected role ceiling denial',
      `tenant_admin in ${tenant.slug}`,
      '[ok] actor_active_in_tenant',
    ]) {
      expect(text).toContain(expected);
    }
    expect(asJson(report)).toMatchObject({ outcome: 'denied', decisions: [{ reason: 'role_ceiling_exceeded', ceiling: 'tenant_admin' }] });
  });

  it('names a cross-tenant conflict under strict tenancy', async () => {
    const home = await newTenant(t);
    const other = await newTenant(t);
    const user = uid('elsewhere');
    ok(await bindTenant(t, other.owner, other.tenantId, user, 'MEMBER'));
    const res = await bindTenant(t, home.owner, home.tenantId, user, 'MEMBER');
    expect(refusal(res)).toMatchObject({ reason: 'cross_tenant_membership' });

    const report = await diagnoseFromLog(refusal(res).correlation_id);
    const userId = await t.userId(user);
    expect(report.failureClass).toMatchObject({ name: 'Cross-tenant binding conflict' });
    expect(report.failureClass!.mitigation).toContain('rehomeUser');
    expect(report.state.crossTenantConflicts).toEqual([
      { userId, requestTenantId: home.tenantId, otherActiveTenants: [{ tenantId: other.tenantId, tenantSlug: other.slug, role: 'tenant_member' }] },
    ]);
    expect(report.checks).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'no_cross_tenant_conflict', ok: false })]));
    expect(formatDiagnosis(report)).toContain('[!!] no_cross_tenant_conflict');
  });

  it("finds a project binding's target outside the project's tenant", async () => {
    const tenant = await newTenant(t);
    const projectId = await newProject(t, tenant.owner, tenant.tenantId);
    const stranger = uid('stranger');
    const res = await bindProject(t, tenant.owner, tenant.tenantId, projectId, stranger, 'VIEWER');
    expect(refusal(res)).toMatchObject({ code: 'conflict', reason: 'target_not_tenant_member' });

    const report = await diagnoseFromLog(refusal(res).correlation_id);
    expect(report.failureClass).toMatchObject({ name: "Target not a member of the project's tenant" });
    expect(report.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'actor_active_in_tenant', ok: true }),
        expect.objectContaining({ name: 'target_active_in_tenant', ok: false, detail: expect.stringContaining(stranger) }),
        expect.objectContaining({ name: 'project_in_tenant', ok: true }),
      ]),
    );
    expect(formatDiagnosis(report)).toContain('[!!] target_active_in_tenant');
  });

  it('shows which tenant a project really belongs to when the request named another', async () => {
    const a = await newTenant(t);
    const b = await newTenant(t);
    const projectOfB = await newProject(t, b.owner, b.tenantId);
    const member = uid('member');
    ok(await bindTenant(t, a.owner, a.tenantId, member, 'MEMBER'));
    const res = await t.gql(BIND_PROJECT, { input: { tenantId: a.tenantId, projectId: projectOfB, userId: await t.userId(member), role: 'VIEWER' } }, { as: ROOT_ADMIN });
    expect(refusal(res)).toMatchObject({ code: 'not_found', reason: 'project_not_found' });

    const report = await diagnoseFromLog(refusal(res).correlation_id);
    expect(report.state.projects).toEqual([{ id: projectOfB, exists: true, slug: expect.any(String), tenantId: b.tenantId, expectedTenantId: a.tenantId }]);
    expect(report.checks).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'project_in_tenant', ok: false })]));
    expect(report.failureClass).toMatchObject({ name: 'Scope mismatch' });
  });
});

describe('diagnose on a successful request', () => {
  it('finds the audit rows of a rehome, with and without the log, and the state after it', async () => {
    const from = await newTenant(t);
    const to = await newTenant(t);
    const mover = uid('mover');
    ok(await bindTenant(t, from.owner, from.tenantId, mover, 'MEMBER'));
    const projectId = await newProject(t, from.owner, from.tenantId);
    ok(await bindProject(t, from.owner, from.tenantId, projectId, mover, 'EDITOR'));
    const moverId = await t.userId(mover);
    const correlationId = uid('ticket-4711');
    ok(
      await t.gql(
        REHOME,
        { input: { userId: moverId, fromTenantId: from.tenantId, toTenantId: to.tenantId, role: 'ADMIN', reason: 'CHG-4711' } },
        { as: ROOT_ADMIN, headers: { 'x-correlation-id': correlationId } },
      ),
    );
    const rootId = await t.userId(ROOT_ADMIN);

    for (const withLog of [true, false]) {
      const report = await diagnoseFromLog(correlationId, withLog);
      expect(report).toMatchObject({ outcome: 'allowed', actorUserId: rootId, logSearched: withLog, failureClass: null });
      expect(report.auditRows.map((r) => r.action).sort()).toEqual(['project_membership.revoke', 'user.rehome', 'user.rehome']);
      expect(report.auditRows.every((r) => r.correlationId === correlationId && r.reason === 'CHG-4711')).toBe(true);
      const target = report.state.users.find((u) => u.id === moverId)!;
      expect(target).toMatchObject({ as: ['target'], tenantMemberships: [{ tenantId: to.tenantId, role: 'tenant_admin' }], projectMemberships: [] });
      expect(report.state.crossTenantConflicts).toEqual([]);
      expect(report.state.users.find((u) => u.id === rootId)).toMatchObject({ as: ['actor'], platformRoles: ['platform_admin'] });
    }

    const withLog = await diagnoseFromLog(correlationId);
    expect(withLog.decisions).toEqual([expect.objectContaining({ allowed: true, operation: 'rehomeUser', requestedRole: 'tenant_admin' })]);
    expect(withLog.checks).toEqual(expect.arrayContaining([{ name: 'audit_coverage', ok: true, detail: '3 audit row(s) carry this correlation_id' }]));
    const text = formatDiagnosis(withLog);
    expect(text).toContain('ALLOWED rehomeUser rehome at tenant scope');
    expect(text).toContain('Audit rows (3)');
    expect(text).toContain('reason "CHG-4711"');
    expect(text).toContain('[ok] audit_coverage');
    expect(asJson(withLog).auditRows).toHaveLength(3);
  });

  it('reports an unchanged bind as allowed with no audit row, and says why', async () => {
    const tenant = await newTenant(t);
    const member = uid('member');
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, member, 'MEMBER'));
    const again = await bindTenant(t, tenant.owner, tenant.tenantId, member, 'MEMBER');
    expect(ok(again).bindTenantMembership.changed).toBe(false);
    const report = await diagnoseFromLog(again.headers.get('x-correlation-id')!);
    expect(report.outcome).toBe('allowed');
    expect(report.auditRows).toEqual([]);
    expect(report.checks).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'audit_coverage', ok: true, detail: expect.stringContaining('unchanged') })]));
  });

  it('reports a change that failed after its decision as an error with an audit coverage gap', async () => {
    const tenant = await newTenant(t);
    const restore = await failTenantMembershipInserts(t, tenant.tenantId);
    let res;
    try {
      res = await bindTenant(t, tenant.owner, tenant.tenantId, uid('joiner'), 'MEMBER');
    } finally {
      await restore();
    }
    expect(refusal(res)).toMatchObject({ code: 'internal_error' });
    const report = await diagnoseFromLog(refusal(res).correlation_id);
    expect(report.outcome).toBe('error');
    expect(report.decisions).toEqual([expect.objectContaining({ allowed: true })]);
    expect(report.errors[0]!.message).toContain('injected failure');
    expect(report.failureClass).toMatchObject({ name: 'Dependency degradation or defect' });
    expect(report.checks).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'audit_coverage', ok: false })]));
  });

  it('finds nothing for an id no request carried', async () => {
    const report = await diagnoseFromLog(uid('nobody'));
    expect(report).toMatchObject({ outcome: 'unknown', decisions: [], auditRows: [], logLines: [], failureClass: null });
  });
});

describe.skipIf(!REAL_DB)('npm run diagnose against the real server', () => {
  const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
  const run = promisify(execFile);
  const diagnoseCli = async (...args: string[]) => {
    try {
      const { stdout } = await run('npm', ['run', '--silent', 'diagnose', '--', ...args], { cwd: repoRoot, env: { ...process.env, DATABASE_URL: t.databaseUrl! } });
      return { code: 0, stdout, stderr: '' };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  it('prints a denied request from its log in both formats, and exits 1 for an unknown id and 2 for a malformed one', async () => {
    const tenant = await newTenant(t);
    const admin = uid('admin');
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, admin, 'ADMIN'));
    const res = await bindTenant(t, admin, tenant.tenantId, uid('outsider'), 'OWNER');
    const correlationId = refusal(res).correlation_id as string;
    const log = writeLogFile(t);

    const text = await diagnoseCli(correlationId, '--log', log);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('reason: role_ceiling_exceeded');
    expect(text.stdout).toContain('ceiling: tenant_admin  requested_role: tenant_owner');

    const json = await diagnoseCli(correlationId, '--log', log, '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ correlationId, outcome: 'denied', decisions: [{ ceiling: 'tenant_admin', requestedRole: 'tenant_owner' }] });

    expect((await diagnoseCli(uid('nobody'), '--log', log)).code).toBe(1);
    expect((await diagnoseCli('not a correlation id')).code).toBe(2);
  }, 240_000); // four CLI processes, each starting tsx
});
