// Drives the ceiling table through the GraphQL API: one tenant (with a project) per actor kind,
// one fresh target user per case, set up to hold the case's current role before the call.

import {
  ASSIGN_PLATFORM,
  BIND_PROJECT,
  BIND_TENANT,
  BULK_BIND,
  newProject,
  newTenant,
  ok,
  REVOKE_PLATFORM,
  REVOKE_PROJECT,
  REVOKE_TENANT,
  type ProjectRoleName,
  type TenantRoleName,
} from '../../support/fixtures.js';
import { ROOT_ADMIN, uid, type GqlResponse, type TestGateway } from '../../support/gateway.js';
import { SCOPE_OF, type ActorKind, type CeilingCase, type Role, type Scope } from './ceiling-model.js';

export interface ActorFixture {
  kind: ActorKind;
  /** The actor's token subject and user id. */
  actor: string;
  actorId: string;
  /** The tenant the cases act in (the outsider owns another one), its project and its owner. */
  tenantId: string;
  projectId: string;
  owner: string;
}

export interface PreparedCase {
  case: CeilingCase;
  targetId: string;
}

/** The outcome of one call as the client sees it. */
export interface Observed {
  allowed: boolean;
  code: string | null;
  reason: string | null;
  ceiling: string | null;
  requestedRole: string | null;
  changed: boolean | null;
  scope: { tenant_id: string | null; project_id: string | null } | null;
  decisionPath: string[] | null;
  correlationId: string | null;
}

/** GraphQL enum value of a qualified role: tenant_owner -> OWNER. */
export function enumOf(role: Role): string {
  return role.slice(role.indexOf('_') + 1).toUpperCase();
}

export function qualified(scope: Scope, enumValue: string): Role {
  return `${scope}_${enumValue.toLowerCase()}` as Role;
}

// graphql-armor allows 15 aliases per document (queries may alias; mutations change one thing per request).
const ALIASES_PER_DOCUMENT = 15;

/** Runs one mutation field once per input, one request each (a mutation request changes one thing); every call must succeed. */
async function bindEach(t: TestGateway, as: string, field: string, inputType: string, inputs: Record<string, unknown>[]): Promise<void> {
  const document = `mutation($input: ${inputType}!) { ${field}(input: $input) { changed } }`;
  for (const input of inputs) ok(await t.gql(document, { input }, { as }));
}

export async function buildActorFixture(t: TestGateway, kind: ActorKind): Promise<ActorFixture> {
  const { tenantId, owner } = await newTenant(t);
  const projectId = await newProject(t, owner, tenantId);
  const actor = uid(kind.replace(/[^a-z]+/g, '-'));
  const actorId = await t.userId(actor);
  const bindTenantRole = (role: TenantRoleName) =>
    t.gql(BIND_TENANT, { input: { tenantId, userId: actorId, role } }, { as: owner }).then(ok);
  const bindProjectRole = (role: ProjectRoleName) =>
    t.gql(BIND_PROJECT, { input: { tenantId, projectId, userId: actorId, role } }, { as: owner }).then(ok);
  switch (kind) {
    case 'platform_admin':
    case 'platform_auditor':
      ok(await t.gql(ASSIGN_PLATFORM, { input: { userId: actorId, role: kind === 'platform_admin' ? 'ADMIN' : 'AUDITOR' } }, { as: ROOT_ADMIN }));
      break;
    case 'tenant_owner':
      await bindTenantRole('OWNER');
      break;
    case 'tenant_admin':
      await bindTenantRole('ADMIN');
      break;
    case 'tenant_member':
      await bindTenantRole('MEMBER');
      break;
    case 'outsider':
      // Owner of another tenant: its ceilings there must not reach this one.
      await newTenant(t, actor);
      break;
    default:
      await bindTenantRole('MEMBER');
      await bindProjectRole(kind.slice('member+project_'.length).toUpperCase() as ProjectRoleName);
  }
  return { kind, actor, actorId, tenantId, projectId, owner };
}

/** A fresh target per case, holding the case's current role (set up by the tenant owner or the root admin). */
export async function prepareTargets(t: TestGateway, fixture: ActorFixture, cases: CeilingCase[]): Promise<PreparedCase[]> {
  const prepared: PreparedCase[] = [];
  for (const c of cases) prepared.push({ case: c, targetId: await t.userId(uid('target')) });
  const { tenantId, projectId, owner } = fixture;
  const ofScope = (scope: Scope) => prepared.filter((p) => SCOPE_OF[p.case.op] === scope);

  const tenantBindings = [
    ...ofScope('tenant')
      .filter((p) => p.case.current !== null)
      .map((p) => ({ tenantId, userId: p.targetId, role: enumOf(p.case.current!) })),
    // Rule 5: a project binding needs an active membership of the project's tenant.
    ...ofScope('project').map((p) => ({ tenantId, userId: p.targetId, role: 'MEMBER' })),
  ];
  await bindEach(t, owner, 'bindTenantMembership', 'BindTenantMembershipInput', tenantBindings);

  const projectBindings = ofScope('project')
    .filter((p) => p.case.current !== null)
    .map((p) => ({ userId: p.targetId, role: enumOf(p.case.current!) }));
  if (projectBindings.length > 0) ok(await t.gql(BULK_BIND, { input: { tenantId, projectId, bindings: projectBindings } }, { as: owner }));

  const platformAssignments = ofScope('platform')
    .filter((p) => p.case.current !== null)
    .map((p) => ({ userId: p.targetId, role: enumOf(p.case.current!) }));
  await bindEach(t, ROOT_ADMIN, 'assignPlatformRole', 'AssignPlatformRoleInput', platformAssignments);
  return prepared;
}

/** The mutation document and variables of a case. */
export function mutationOf(fixture: ActorFixture, p: PreparedCase): { query: string; variables: Record<string, unknown> } {
  const { tenantId, projectId } = fixture;
  const { op, requested } = p.case;
  const userId = p.targetId;
  switch (op) {
    case 'tenant_bind':
      return { query: BIND_TENANT, variables: { input: { tenantId, userId, role: enumOf(requested!) } } };
    case 'tenant_revoke':
      return { query: REVOKE_TENANT, variables: { input: { tenantId, userId } } };
    case 'project_bind':
      return { query: BIND_PROJECT, variables: { input: { tenantId, projectId, userId, role: enumOf(requested!) } } };
    case 'project_revoke':
      return { query: REVOKE_PROJECT, variables: { input: { tenantId, projectId, userId } } };
    case 'platform_assign':
      return { query: ASSIGN_PLATFORM, variables: { input: { userId, role: enumOf(requested!) } } };
    case 'platform_revoke':
      return { query: REVOKE_PLATFORM, variables: { input: { userId, role: enumOf(requested!) } } };
  }
}

/** The explainGrant input asking about the same call. */
export function explainInputOf(fixture: ActorFixture, p: PreparedCase): Record<string, unknown> {
  const scope = SCOPE_OF[p.case.op];
  const bind = p.case.op.endsWith('_bind') || p.case.op === 'platform_assign';
  return {
    action: bind ? 'BIND' : 'REVOKE',
    scope: scope.toUpperCase(),
    tenantId: scope === 'platform' ? null : fixture.tenantId,
    projectId: scope === 'project' ? fixture.projectId : null,
    userId: p.targetId,
    role: p.case.requested,
  };
}

export function observe(res: GqlResponse): Observed {
  const error = res.body.errors?.[0];
  if (error !== undefined) {
    const ext = error.extensions;
    return {
      allowed: false,
      code: ext.code,
      reason: ext.reason,
      ceiling: ext.ceiling ?? null,
      requestedRole: ext.requested_role ?? null,
      changed: null,
      scope: ext.scope ?? null,
      decisionPath: ext.decision_path ?? null,
      correlationId: ext.correlation_id ?? null,
    };
  }
  const payload = Object.values(res.body.data ?? {})[0] as { changed?: boolean } | undefined;
  if (payload === undefined) throw new Error(`neither data nor errors: ${JSON.stringify(res.body)}`);
  return {
    allowed: true,
    code: null,
    reason: null,
    ceiling: null,
    requestedRole: null,
    changed: payload.changed ?? null,
    scope: null,
    decisionPath: null,
    correlationId: res.headers.get('x-correlation-id'),
  };
}

export async function runCase(t: TestGateway, fixture: ActorFixture, p: PreparedCase): Promise<Observed> {
  const { query, variables } = mutationOf(fixture, p);
  return observe(await t.gql(query, variables, { as: fixture.actor }));
}

/**
 * The roles every target holds now at its case's scope, read back through the API by the root
 * admin: active tenant and project members, and each platform target's platform roles.
 */
export async function rolesNow(t: TestGateway, fixture: ActorFixture, prepared: PreparedCase[]): Promise<Map<string, Role[]>> {
  const { tenantId, projectId } = fixture;
  // Two documents: one with both connections exceeds the query cost limit.
  type Members = { members: { nodes: { role: string; user: { id: string } }[] } };
  const tenant = ok(
    await t.gql<{ tenant: Members }>(`query($id: ID!) { tenant(id: $id) { members(first: 100) { nodes { role user { id } } } } }`, { id: tenantId }, { as: ROOT_ADMIN }),
  ).tenant;
  const project = ok(
    await t.gql<{ project: Members }>(
      `query($tenantId: ID!, $id: ID!) { project(tenantId: $tenantId, id: $id) { members(first: 100) { nodes { role user { id } } } } }`,
      { tenantId, id: projectId },
      { as: ROOT_ADMIN },
    ),
  ).project;
  const members = { tenant, project };
  if (tenant.members.nodes.length >= 100 || project.members.nodes.length >= 100) throw new Error('more members than one page: page through them');
  const tenantRoles = new Map(members.tenant.members.nodes.map((n) => [n.user.id, qualified('tenant', n.role)]));
  const projectRoles = new Map(members.project.members.nodes.map((n) => [n.user.id, qualified('project', n.role)]));

  const platformTargets = prepared.filter((p) => SCOPE_OF[p.case.op] === 'platform').map((p) => p.targetId);
  const platformRoles = new Map<string, Role[]>();
  for (let start = 0; start < platformTargets.length; start += ALIASES_PER_DOCUMENT) {
    const chunk = platformTargets.slice(start, start + ALIASES_PER_DOCUMENT);
    const fields = chunk.map((id, i) => `u${i}: user(id: "${id}") { id platformRoles }`).join(' ');
    const data = ok(await t.gql<Record<string, { id: string; platformRoles: string[] }>>(`{ ${fields} }`, {}, { as: ROOT_ADMIN }));
    for (const user of Object.values(data)) platformRoles.set(user.id, user.platformRoles.map((r) => qualified('platform', r)));
  }

  const result = new Map<string, Role[]>();
  for (const p of prepared) {
    const scope = SCOPE_OF[p.case.op];
    const held =
      scope === 'platform'
        ? (platformRoles.get(p.targetId) ?? [])
        : [(scope === 'tenant' ? tenantRoles : projectRoles).get(p.targetId)].filter((r): r is Role => r !== undefined);
    result.set(p.targetId, [...held].sort());
  }
  return result;
}
