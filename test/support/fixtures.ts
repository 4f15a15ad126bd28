import { ROOT_ADMIN, uid, type GqlResponse, type TestGateway } from './gateway.js';

export type TenantRoleName = 'OWNER' | 'ADMIN' | 'MEMBER';
export type ProjectRoleName = 'OWNER' | 'ADMIN' | 'EDITOR' | 'VIEWER';

export const CREATE_TENANT = `mutation($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id slug } ownerMembership { id role status } } }`;
export const CREATE_PROJECT = `mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id slug } } }`;
export const BIND_TENANT = `mutation($input: BindTenantMembershipInput!) { bindTenantMembership(input: $input) { changed membership { id role status user { id } tenant { id } } } }`;
export const REVOKE_TENANT = `mutation($input: RevokeTenantMembershipInput!) { revokeTenantMembership(input: $input) { changed membership { id role status } } }`;
export const BIND_PROJECT = `mutation($input: BindProjectMembershipInput!) { bindProjectMembership(input: $input) { changed membership { id role status project { id } user { id } } } }`;
export const REVOKE_PROJECT = `mutation($input: RevokeProjectMembershipInput!) { revokeProjectMembership(input: $input) { changed membership { id role status } } }`;
export const BULK_BIND = `mutation($input: BulkBindProjectMembershipsInput!) { bulkBindProjectMemberships(input: $input) { changedCount memberships { id role status user { id } } } }`;
export const ASSIGN_PLATFORM = `mutation($input: AssignPlatformRoleInput!) { assignPlatformRole(input: $input) { changed user { id platformRoles } } }`;
export const REVOKE_PLATFORM = `mutation($input: RevokePlatformRoleInput!) { revokePlatformRole(input: $input) { changed user { id platformRoles } } }`;
export const REHOME = `mutation($input: RehomeUserInput!) { rehomeUser(input: $input) { membership { id role status tenant { id } } revokedProjectMemberships { id status project { id } } } }`;
export const SET_FREEZE = `mutation($input: SetMutationFreezeInput!) { setMutationFreeze(input: $input) { status { frozen freezeScope reason since by { id } } } }`;
export const EXPLAIN = `query($input: ExplainGrantInput!) { explainGrant(input: $input) { allowed code reason ceiling requestedRole path } }`;
export const AUDIT = `query($filter: AuditLogFilter, $first: Int, $after: String) { auditLogs(filter: $filter, first: $first, after: $after) { nodes { id occurredAt correlationId traceId action actorUserId targetUserId tenantId projectId before after reason } pageInfo { hasNextPage endCursor } } }`;

/** Throws with the errors when a call that should succeed did not. */
export function ok<T>(res: GqlResponse<T>): T {
  if (res.body.errors?.length || !res.body.data) throw new Error(`expected success, got ${res.status} ${JSON.stringify(res.body.errors)}`);
  return res.body.data;
}

/** The single error of a refused call. */
export function refusal(res: GqlResponse): { code: string; reason: string } & Record<string, any> {
  const error = res.body.errors?.[0];
  if (!error) throw new Error(`expected an error, got ${JSON.stringify(res.body.data)}`);
  return error.extensions;
}

export interface TenantFixture {
  tenantId: string;
  slug: string;
  owner: string;
  /** Subjects of members by role, bound at creation. */
  members: Record<string, string>;
}

/** A fresh tenant owned by `owner` (a fresh subject when omitted), created by the bootstrap platform admin. */
export async function newTenant(t: TestGateway, owner = uid('owner')): Promise<TenantFixture> {
  const slug = uid('tenant');
  ok(await t.gql(CREATE_TENANT, { input: { slug, name: `Tenant ${slug}`, ownerUserId: await t.userId(owner) } }, { as: ROOT_ADMIN }));
  const data = await t.gql<{ tenants: { nodes: { id: string; slug: string }[] } }>('{ tenants(first: 200) { nodes { id slug } } }', {}, { as: owner });
  const tenantId = ok(data).tenants.nodes.find((n) => n.slug === slug)!.id;
  return { tenantId, slug, owner, members: {} };
}

export async function bindTenant(t: TestGateway, as: string, tenantId: string, userSub: string, role: TenantRoleName) {
  return t.gql(BIND_TENANT, { input: { tenantId, userId: await t.userId(userSub), role } }, { as });
}

export async function newProject(t: TestGateway, as: string, tenantId: string): Promise<string> {
  const slug = uid('proj');
  return ok(await t.gql<{ createProject: { project: { id: string } } }>(CREATE_PROJECT, { input: { tenantId, slug, name: slug } }, { as })).createProject.project.id;
}

export async function bindProject(t: TestGateway, as: string, tenantId: string, projectId: string, userSub: string, role: ProjectRoleName) {
  return t.gql(BIND_PROJECT, { input: { tenantId, projectId, userId: await t.userId(userSub), role } }, { as });
}

export async function auditRows(t: TestGateway, filter: Record<string, unknown>, as = ROOT_ADMIN) {
  return ok(await t.gql<{ auditLogs: { nodes: any[] } }>(AUDIT, { filter, first: 200 }, { as })).auditLogs.nodes;
}
