import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuditLogsByCorrelationIdDocument,
  BindProjectMemberDocument,
  BindTenantMemberDocument,
  ExplainGrantDocument,
  IamStatusDocument,
  MeDocument,
  RevokeProjectMemberDocument,
  RevokeTenantMemberDocument,
  TenantMembersDocument,
  type TenantMembersQuery,
} from '../../examples/generated/graphql.js';
import { bindTenant, newProject, newTenant, ok, refusal, type TenantFixture } from '../support/fixtures.js';
import { startTestGateway, uid, type GqlOptions, type GqlResponse, type TestGateway } from '../support/gateway.js';

// Each example operation, through its generated typed document, against a live gateway: what
// examples/README.md promises a frontend. The result types below come from the generated code,
// so a drift between schema, operations and generated files also fails `tsc`.

let t: TestGateway;
let tenant: TenantFixture;
let admin: string;
let projectId: string;

beforeAll(async () => {
  t = await startTestGateway();
  tenant = await newTenant(t);
  admin = uid('admin');
  ok(await bindTenant(t, tenant.owner, tenant.tenantId, admin, 'ADMIN'));
  projectId = await newProject(t, tenant.owner, tenant.tenantId);
});
afterAll(async () => {
  await t?.close();
});

function run<TData, TVars extends Record<string, unknown>>(
  document: TypedDocumentNode<TData, TVars>,
  variables: TVars,
  options: GqlOptions,
): Promise<GqlResponse<TData>> {
  return t.gql<TData>(print(document), variables, options);
}

describe('example operations against a live gateway', () => {
  it('Me: the signed-in user with its tenant memberships', async () => {
    const data = ok(await run(MeDocument, {}, { as: admin }));
    expect(data.me).toMatchObject({ id: await t.userId(admin), subject: admin, platformRoles: [] });
    expect(data.me.tenantMemberships).toEqual([
      expect.objectContaining({ role: 'ADMIN', status: 'ACTIVE', tenant: expect.objectContaining({ id: tenant.tenantId, slug: tenant.slug }) }),
    ]);
    expect(data.me.projectMemberships).toEqual([]);
  });

  it('Me: refused without a token, with the unauthenticated envelope', async () => {
    const res = await run(MeDocument, {}, {});
    expect(res.status).toBe(401);
    expect(refusal(res)).toMatchObject({ code: 'unauthenticated', reason: 'missing_token', retryable: false });
  });

  it('BindTenantMember: binds, then reports an identical bind as unchanged', async () => {
    const member = uid('member');
    const input = { tenantId: tenant.tenantId, userId: await t.userId(member), role: 'MEMBER' as const };
    const first = ok(await run(BindTenantMemberDocument, { input }, { as: admin })).bindTenantMembership;
    expect(first).toMatchObject({ changed: true, membership: { role: 'MEMBER', status: 'ACTIVE', tenant: { id: tenant.tenantId }, user: { id: input.userId, subject: member } } });
    const again = ok(await run(BindTenantMemberDocument, { input }, { as: admin })).bindTenantMembership;
    expect(again).toMatchObject({ changed: false, membership: { id: first.membership.id, role: 'MEMBER' } });
  });

  it('BindTenantMember above the ceiling: the denial carries code, reason, ceiling and requested_role', async () => {
    const input = { tenantId: tenant.tenantId, userId: await t.userId(uid('would-be-owner')), role: 'OWNER' as const };
    const res = await run(BindTenantMemberDocument, { input }, { as: admin, headers: { 'x-correlation-id': 'example-denial-1' } });
    expect(res.body.data ?? null).toBeNull();
    expect(refusal(res)).toMatchObject({
      code: 'insufficient_permissions',
      reason: 'role_ceiling_exceeded',
      ceiling: 'tenant_admin',
      requested_role: 'tenant_owner',
      scope: { tenant_id: tenant.tenantId, project_id: null },
      retryable: false,
      correlation_id: 'example-denial-1',
    });
    expect(res.headers.get('x-correlation-id')).toBe('example-denial-1');
    expect(refusal(res).trace_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('TenantMembers: pages through every member with first/after, each exactly once', async () => {
    const subjects = [uid('page'), uid('page'), uid('page')];
    for (const sub of subjects) ok(await bindTenant(t, tenant.owner, tenant.tenantId, sub, 'MEMBER'));
    const all = ok(await run(TenantMembersDocument, { tenantId: tenant.tenantId, first: 200 }, { as: admin })).tenant!.members;
    expect(all.pageInfo.hasNextPage).toBe(false);
    expect(all.nodes.map((n) => n.user.subject)).toEqual(expect.arrayContaining([tenant.owner, admin, ...subjects]));

    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page: NonNullable<TenantMembersQuery['tenant']> = ok(await run(TenantMembersDocument, { tenantId: tenant.tenantId, first: 2, after }, { as: admin })).tenant!;
      expect(page.id).toBe(tenant.tenantId);
      expect(page.members.nodes.length).toBeLessThanOrEqual(2);
      seen.push(...page.members.nodes.map((n) => n.id));
      after = page.members.pageInfo.hasNextPage ? page.members.pageInfo.endCursor : null;
      if (page.members.pageInfo.hasNextPage) expect(after).not.toBeNull();
      pages += 1;
    } while (after !== null && pages < 100);
    expect(pages).toBe(Math.ceil(all.nodes.length / 2));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(all.nodes.map((n) => n.id).sort());
  });

  it('TenantMembers: another tenant is out of scope, answered like a missing one', async () => {
    const other = await newTenant(t);
    const res = await run(TenantMembersDocument, { tenantId: other.tenantId }, { as: admin });
    expect(refusal(res)).toMatchObject({ code: 'insufficient_permissions', reason: 'scope_mismatch' });
  });

  it('BindProjectMember and RevokeProjectMember: a member gets a project role, then loses it', async () => {
    const member = uid('dev');
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, member, 'MEMBER'));
    const userId = await t.userId(member);
    const bound = ok(await run(BindProjectMemberDocument, { input: { tenantId: tenant.tenantId, projectId, userId, role: 'EDITOR' } }, { as: admin })).bindProjectMembership;
    expect(bound).toMatchObject({ changed: true, membership: { role: 'EDITOR', status: 'ACTIVE', project: { id: projectId }, user: { id: userId } } });

    const me = ok(await run(MeDocument, {}, { as: member })).me;
    expect(me.projectMemberships).toEqual([expect.objectContaining({ role: 'EDITOR', status: 'ACTIVE', project: expect.objectContaining({ id: projectId, tenant: { id: tenant.tenantId } }) })]);

    const revoked = ok(await run(RevokeProjectMemberDocument, { input: { tenantId: tenant.tenantId, projectId, userId } }, { as: admin })).revokeProjectMembership;
    expect(revoked).toMatchObject({ changed: true, membership: { id: bound.membership.id, role: 'EDITOR', status: 'REVOKED' } });
  });

  it('RevokeTenantMember: revokes a member; a second revoke finds no active membership', async () => {
    const member = uid('leaver');
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, member, 'MEMBER'));
    const input = { tenantId: tenant.tenantId, userId: await t.userId(member) };
    const revoked = ok(await run(RevokeTenantMemberDocument, { input }, { as: admin })).revokeTenantMembership;
    expect(revoked).toMatchObject({ changed: true, membership: { role: 'MEMBER', status: 'REVOKED' } });
    const again = await run(RevokeTenantMemberDocument, { input }, { as: admin });
    expect(refusal(again)).toMatchObject({ code: 'not_found', reason: 'membership_not_found' });
  });

  it('ExplainGrant: allowed within the ceiling, refused above it with the ceiling named', async () => {
    const userId = await t.userId(uid('candidate'));
    const allowed = ok(await run(ExplainGrantDocument, { input: { action: 'BIND', scope: 'TENANT', tenantId: tenant.tenantId, userId, role: 'tenant_member' } }, { as: admin })).explainGrant;
    expect(allowed).toMatchObject({ allowed: true, code: null, reason: null, ceiling: 'tenant_admin', requestedRole: 'tenant_member' });
    expect(allowed.path.length).toBeGreaterThan(0);

    const denied = ok(await run(ExplainGrantDocument, { input: { action: 'BIND', scope: 'TENANT', tenantId: tenant.tenantId, userId, role: 'tenant_owner' } }, { as: admin })).explainGrant;
    expect(denied).toMatchObject({ allowed: false, code: 'insufficient_permissions', reason: 'role_ceiling_exceeded', ceiling: 'tenant_admin', requestedRole: 'tenant_owner' });
    expect(denied.path.some((step) => step.includes('deny'))).toBe(true);
  });

  it('AuditLogsByCorrelationId: finds the audit row of a change by the correlation id of its request', async () => {
    const correlationId = `example-${uid('corr')}`;
    const member = uid('audited');
    const userId = await t.userId(member);
    const bind = await run(BindTenantMemberDocument, { input: { tenantId: tenant.tenantId, userId, role: 'MEMBER' } }, { as: admin, headers: { 'x-correlation-id': correlationId } });
    ok(bind);
    expect(bind.headers.get('x-correlation-id')).toBe(correlationId);

    const logs = ok(await run(AuditLogsByCorrelationIdDocument, { correlationId }, { as: tenant.owner })).auditLogs;
    expect(logs.pageInfo.hasNextPage).toBe(false);
    expect(logs.nodes).toHaveLength(1);
    expect(logs.nodes[0]).toMatchObject({
      correlationId,
      action: 'tenant_membership.bind',
      actorUserId: await t.userId(admin),
      targetUserId: userId,
      tenantId: tenant.tenantId,
      projectId: null,
    });
    expect(logs.nodes[0]!.traceId).toMatch(/^[0-9a-f]{32}$/);

    // A plain member reads no audit rows, not even of its own tenant.
    const asMember = ok(await run(AuditLogsByCorrelationIdDocument, { correlationId }, { as: member })).auditLogs;
    expect(asMember.nodes).toEqual([]);
  });

  it('IamStatus: readable by any signed-in user; not frozen on a fresh gateway', async () => {
    const status = ok(await run(IamStatusDocument, {}, { as: uid('anyone') })).iamStatus;
    expect(status).toEqual({ frozen: false, freezeScope: null, reason: null, since: null, by: null });
  });
});
