// An independent reading of contract section 2 (and the section 3 order), for the property test.
// Deliberately does not import src/policy: if both were wrong the same way, the test would agree with
// the bug. People are population indexes, tenants and projects are slot indexes.

export type TenantRole = 'tenant_owner' | 'tenant_admin' | 'tenant_member';
export type ProjectRole = 'project_owner' | 'project_admin' | 'project_editor' | 'project_viewer';
export type PlatformRole = 'platform_admin' | 'platform_auditor';

const TENANT_RANK: Record<TenantRole, number> = { tenant_member: 1, tenant_admin: 2, tenant_owner: 3 };
const PROJECT_RANK: Record<ProjectRole, number> = { project_viewer: 1, project_editor: 2, project_admin: 3, project_owner: 4 };

/** Who granted a binding, and what that grantor's ceiling was at that moment (the grantor invariant). */
export interface Binding<R> {
  role: R;
  grantor: number;
  grantorCeiling: R | null;
}

export interface ModelState {
  tenancyMode: 'strict' | 'shared';
  platformRoles: Map<number, Set<PlatformRole>>;
  /** Active tenant memberships, one map per tenant slot. */
  tenants: Map<number, Binding<TenantRole>>[];
  /** Active direct project memberships, per project slot; projectTenant[p] is its tenant slot. */
  projects: Map<number, Binding<ProjectRole>>[];
  projectTenant: number[];
}

export type Command =
  | { op: 'bindTenant'; actor: number; tenant: number; target: number; role: TenantRole }
  | { op: 'revokeTenant'; actor: number; tenant: number; target: number }
  | { op: 'bindProject'; actor: number; tenant: number; project: number; target: number; role: ProjectRole }
  | { op: 'revokeProject'; actor: number; tenant: number; project: number; target: number }
  | { op: 'bulkBind'; actor: number; tenant: number; project: number; items: { target: number; role: ProjectRole }[] };

/** One binding a successful change writes or revokes: one audit row each (section 5). */
export interface ModelChange {
  action: 'tenant_membership.bind' | 'tenant_membership.revoke' | 'project_membership.bind' | 'project_membership.revoke';
  target: number;
  tenant: number;
  project: number | null;
}

export type Verdict =
  | { allowed: true; changes: ModelChange[]; changed: boolean }
  | {
      allowed: false;
      code: string;
      reason: string;
      /** Only meaningful for role_ceiling_exceeded, where the contract puts them in the error. */
      ceiling: string | null;
      requestedRole: string | null;
      /** Section 3 order of the refusing rule; picks the answer among the items of a bulk. */
      order: number;
    };

// Section 3: scope, platform_admin_required, requested-role ceiling, current-role ceiling, state conflicts.
const ORDER = { scope: 1, requestedCeiling: 3, currentCeiling: 4, targetNotMember: 5, crossTenant: 6, lastOwner: 7 } as const;

function deny(order: number, code: string, reason: string, ceiling: string | null = null, requestedRole: string | null = null): Verdict {
  return { allowed: false, code, reason, ceiling, requestedRole, order };
}

function maxTenant(a: TenantRole | null, b: TenantRole | null): TenantRole | null {
  if (a === null) return b;
  if (b === null) return a;
  return TENANT_RANK[a] >= TENANT_RANK[b] ? a : b;
}

function maxProject(a: ProjectRole | null, b: ProjectRole | null): ProjectRole | null {
  if (a === null) return b;
  if (b === null) return a;
  return PROJECT_RANK[a] >= PROJECT_RANK[b] ? a : b;
}

export function tenantRoleOf(state: ModelState, person: number, tenant: number): TenantRole | null {
  return state.tenants[tenant]!.get(person)?.role ?? null;
}

function isPlatformActor(state: ModelState, person: number): boolean {
  return (state.platformRoles.get(person)?.size ?? 0) > 0;
}

function isPlatformAdmin(state: ModelState, person: number): boolean {
  return state.platformRoles.get(person)?.has('platform_admin') ?? false;
}

/** The ceiling table, tenant column: the best row among the roles the actor holds. */
export function tenantCeiling(state: ModelState, actor: number, tenant: number): TenantRole | null {
  let ceiling: TenantRole | null = isPlatformAdmin(state, actor) ? 'tenant_owner' : null;
  const role = tenantRoleOf(state, actor, tenant);
  if (role === 'tenant_owner') ceiling = maxTenant(ceiling, 'tenant_owner');
  if (role === 'tenant_admin') ceiling = maxTenant(ceiling, 'tenant_admin');
  return ceiling;
}

/** The project column: platform_admin, the tenant role in the project's tenant, the direct role in that project. */
export function projectCeiling(state: ModelState, actor: number, project: number): ProjectRole | null {
  let ceiling: ProjectRole | null = isPlatformAdmin(state, actor) ? 'project_owner' : null;
  const tenantRole = tenantRoleOf(state, actor, state.projectTenant[project]!);
  if (tenantRole === 'tenant_owner') ceiling = maxProject(ceiling, 'project_owner');
  if (tenantRole === 'tenant_admin') ceiling = maxProject(ceiling, 'project_admin');
  const direct = state.projects[project]!.get(actor)?.role ?? null;
  if (direct === 'project_owner') ceiling = maxProject(ceiling, 'project_owner');
  if (direct === 'project_admin') ceiling = maxProject(ceiling, 'project_admin');
  return ceiling;
}

/**
 * Scope step. A platform actor (admin or auditor) sees every tenant, so a project outside the named
 * tenant is simply not found for it; anyone else gets scope_mismatch for a tenant that is not theirs
 * or a project not in it (the answer that lets no one probe ids).
 */
function scopeDenial(state: ModelState, actor: number, tenant: number, project: number | null): Verdict | null {
  if (isPlatformActor(state, actor)) {
    return project !== null && state.projectTenant[project] !== tenant ? deny(ORDER.scope, 'not_found', 'project_not_found') : null;
  }
  if (tenantRoleOf(state, actor, tenant) === null) return deny(ORDER.scope, 'insufficient_permissions', 'scope_mismatch');
  if (project !== null && state.projectTenant[project] !== tenant) return deny(ORDER.scope, 'insufficient_permissions', 'scope_mismatch');
  return null;
}

function atOrBelowTenant(role: TenantRole, ceiling: TenantRole | null): boolean {
  return ceiling !== null && TENANT_RANK[role] <= TENANT_RANK[ceiling];
}

function atOrBelowProject(role: ProjectRole, ceiling: ProjectRole | null): boolean {
  return ceiling !== null && PROJECT_RANK[role] <= PROJECT_RANK[ceiling];
}

function activeOwners(state: ModelState, tenant: number): number {
  return [...state.tenants[tenant]!.values()].filter((b) => b.role === 'tenant_owner').length;
}

function decideTenant(state: ModelState, actor: number, tenant: number, target: number, role: TenantRole | null): Verdict {
  const scoped = scopeDenial(state, actor, tenant, null);
  if (scoped) return scoped;
  const current = tenantRoleOf(state, target, tenant);
  if (role === null && current === null) return deny(ORDER.scope, 'not_found', 'membership_not_found');
  const ceiling = tenantCeiling(state, actor, tenant);
  // Rule 7: leaving is always allowed as far as ceilings go; rule 4 still applies.
  const selfLeave = role === null && target === actor;
  if (!selfLeave) {
    if (role !== null && !atOrBelowTenant(role, ceiling)) {
      return deny(ORDER.requestedCeiling, 'insufficient_permissions', 'role_ceiling_exceeded', ceiling, role);
    }
    if (current !== null && !atOrBelowTenant(current, ceiling)) {
      return deny(ORDER.currentCeiling, 'insufficient_permissions', 'role_ceiling_exceeded', ceiling, role);
    }
  }
  if (role !== null && state.tenancyMode === 'strict') {
    const elsewhere = state.tenants.some((members, other) => other !== tenant && members.has(target));
    if (elsewhere) return deny(ORDER.crossTenant, 'conflict', 'cross_tenant_membership');
  }
  const losesOwner = current === 'tenant_owner' && role !== 'tenant_owner';
  if (losesOwner && activeOwners(state, tenant) <= 1) return deny(ORDER.lastOwner, 'conflict', 'last_owner');
  if (role !== null && current === role) return { allowed: true, changes: [], changed: false };
  if (role !== null) return { allowed: true, changes: [{ action: 'tenant_membership.bind', target, tenant, project: null }], changed: true };
  // Rule 8: the project memberships in that tenant go with it, each its own change.
  const cascade: ModelChange[] = [];
  state.projects.forEach((members, project) => {
    if (state.projectTenant[project] === tenant && members.has(target)) {
      cascade.push({ action: 'project_membership.revoke', target, tenant, project });
    }
  });
  return { allowed: true, changes: [{ action: 'tenant_membership.revoke', target, tenant, project: null }, ...cascade], changed: true };
}

function decideProjectItem(state: ModelState, actor: number, tenant: number, project: number, target: number, role: ProjectRole | null): Verdict {
  const scoped = scopeDenial(state, actor, tenant, project);
  if (scoped) return scoped;
  // The binding a project change touches is the direct one; a role implied by the tenant role is not a binding.
  const current = state.projects[project]!.get(target)?.role ?? null;
  if (role === null && current === null) return deny(ORDER.scope, 'not_found', 'membership_not_found');
  const ceiling = projectCeiling(state, actor, project);
  const selfLeave = role === null && target === actor;
  if (!selfLeave) {
    if (role !== null && !atOrBelowProject(role, ceiling)) {
      return deny(ORDER.requestedCeiling, 'insufficient_permissions', 'role_ceiling_exceeded', ceiling, role);
    }
    if (current !== null && !atOrBelowProject(current, ceiling)) {
      return deny(ORDER.currentCeiling, 'insufficient_permissions', 'role_ceiling_exceeded', ceiling, role);
    }
  }
  if (role !== null && tenantRoleOf(state, target, tenant) === null) return deny(ORDER.targetNotMember, 'conflict', 'target_not_tenant_member');
  if (role !== null && current === role) return { allowed: true, changes: [], changed: false };
  const action = role === null ? 'project_membership.revoke' : 'project_membership.bind';
  return { allowed: true, changes: [{ action, target, tenant, project }], changed: true };
}

/**
 * Every item is decided on the state before the request (all or nothing). Where several items are
 * refused, section 3 picks the rule first in its order; among items refused by the same rule, the first.
 */
function decideBulk(state: ModelState, command: Extract<Command, { op: 'bulkBind' }>): Verdict {
  const verdicts = command.items.map((item) => decideProjectItem(state, command.actor, command.tenant, command.project, item.target, item.role));
  let answer: Verdict | null = null;
  for (const verdict of verdicts) {
    if (!verdict.allowed && (answer === null || answer.allowed || verdict.order < answer.order)) answer = verdict;
  }
  if (answer !== null) return answer;
  const changes = verdicts.flatMap((v) => (v.allowed ? v.changes : []));
  return { allowed: true, changes, changed: changes.length > 0 };
}

export function decide(state: ModelState, command: Command): Verdict {
  switch (command.op) {
    case 'bindTenant':
      return decideTenant(state, command.actor, command.tenant, command.target, command.role);
    case 'revokeTenant':
      return decideTenant(state, command.actor, command.tenant, command.target, null);
    case 'bindProject':
      return decideProjectItem(state, command.actor, command.tenant, command.project, command.target, command.role);
    case 'revokeProject':
      return decideProjectItem(state, command.actor, command.tenant, command.project, command.target, null);
    case 'bulkBind':
      return decideBulk(state, command);
  }
}

/** The role each change grants, for the grantor invariant; null for a revoke. */
export function requestedRoleOf(command: Command, target: number): TenantRole | ProjectRole | null {
  if (command.op === 'bindTenant' || command.op === 'bindProject') return command.role;
  if (command.op === 'bulkBind') return command.items.find((i) => i.target === target)?.role ?? null;
  return null;
}

/** Applies an allowed verdict's changes, recording each grant's grantor and the grantor's ceiling then. */
export function apply(state: ModelState, command: Command, changes: ModelChange[]): void {
  // Ceilings are read before any write: the decision was made on the state before the request.
  const tenantCeilingNow = tenantCeiling(state, command.actor, command.tenant);
  const projectCeilingNow = 'project' in command ? projectCeiling(state, command.actor, command.project) : null;
  for (const change of changes) {
    const role = requestedRoleOf(command, change.target);
    switch (change.action) {
      case 'tenant_membership.bind':
        state.tenants[change.tenant]!.set(change.target, { role: role as TenantRole, grantor: command.actor, grantorCeiling: tenantCeilingNow });
        break;
      case 'tenant_membership.revoke':
        state.tenants[change.tenant]!.delete(change.target);
        break;
      case 'project_membership.bind':
        state.projects[change.project!]!.set(change.target, { role: role as ProjectRole, grantor: command.actor, grantorCeiling: projectCeilingNow });
        break;
      case 'project_membership.revoke':
        state.projects[change.project!]!.delete(change.target);
        break;
    }
  }
}

/** The grantor invariant: no active binding above what its grantor could grant when it was granted. */
export function bindingsAboveTheirGrantor(state: ModelState): string[] {
  const bad: string[] = [];
  state.tenants.forEach((members, tenant) => {
    for (const [person, b] of members) {
      if (!atOrBelowTenant(b.role, b.grantorCeiling)) bad.push(`T${tenant} u${person} ${b.role} by u${b.grantor} (ceiling ${b.grantorCeiling})`);
    }
  });
  state.projects.forEach((members, project) => {
    for (const [person, b] of members) {
      if (!atOrBelowProject(b.role, b.grantorCeiling)) bad.push(`P${project} u${person} ${b.role} by u${b.grantor} (ceiling ${b.grantorCeiling})`);
    }
  });
  return bad;
}
