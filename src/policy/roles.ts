// Roles as the contract writes them in errors, logs and audit rows: qualified, lowercase.
// Each list is ordered highest first; rank() turns that order into comparable numbers.

export const PLATFORM_ROLES = ['platform_admin', 'platform_auditor'] as const;
export const TENANT_ROLES = ['tenant_owner', 'tenant_admin', 'tenant_member'] as const;
export const PROJECT_ROLES = ['project_owner', 'project_admin', 'project_editor', 'project_viewer'] as const;

export type PlatformRole = (typeof PLATFORM_ROLES)[number];
export type TenantRole = (typeof TENANT_ROLES)[number];
export type ProjectRole = (typeof PROJECT_ROLES)[number];
export type QualifiedRole = PlatformRole | TenantRole | ProjectRole;

export type ScopeKind = 'platform' | 'tenant' | 'project';

const ROLES_BY_SCOPE: Record<ScopeKind, readonly QualifiedRole[]> = {
  platform: PLATFORM_ROLES,
  tenant: TENANT_ROLES,
  project: PROJECT_ROLES,
};

export function rolesOf(scope: ScopeKind): readonly QualifiedRole[] {
  return ROLES_BY_SCOPE[scope];
}

// Built once from the lists above: the engine asks these several times per decision, and a Map
// answers without scanning lists or allocating (a Map, unlike an object, has no prototype names).
const SCOPE_OF_ROLE: ReadonlyMap<unknown, ScopeKind> = new Map(
  (Object.entries(ROLES_BY_SCOPE) as [ScopeKind, readonly QualifiedRole[]][]).flatMap(([scope, roles]) => roles.map((role) => [role, scope] as const)),
);
const RANK_OF_ROLE: ReadonlyMap<unknown, number> = new Map(
  Object.values(ROLES_BY_SCOPE).flatMap((roles) => roles.map((role, index) => [role, roles.length - index] as const)),
);

export function scopeOfRole(role: QualifiedRole): ScopeKind {
  return SCOPE_OF_ROLE.get(role) ?? 'project';
}

export function isQualifiedRole(value: string): value is QualifiedRole {
  return SCOPE_OF_ROLE.has(value);
}

/** Higher number = more powerful; comparable only within one scope. */
export function rank(role: QualifiedRole): number {
  // A name outside the lists ranks as before (indexOf -1 among the project roles): one above the top.
  return RANK_OF_ROLE.get(role) ?? PROJECT_ROLES.length + 1;
}

export function isAtOrBelow(role: QualifiedRole, ceiling: QualifiedRole | null): boolean {
  if (ceiling === null) return false;
  if (scopeOfRole(role) !== scopeOfRole(ceiling)) return false;
  return rank(role) <= rank(ceiling);
}

export function higherOf<R extends QualifiedRole>(a: R | null, b: R | null): R | null {
  if (a === null) return b;
  if (b === null) return a;
  return rank(a) >= rank(b) ? a : b;
}

/** GraphQL enums are scope-specific (TenantRole.OWNER); internally roles are qualified (tenant_owner). */
export function qualify(scope: ScopeKind, graphqlValue: string): QualifiedRole {
  const qualified = `${scope}_${graphqlValue.toLowerCase()}`;
  if (!isQualifiedRole(qualified) || scopeOfRole(qualified) !== scope) {
    throw new Error(`unknown ${scope} role ${graphqlValue}`);
  }
  return qualified;
}

export function unqualify(role: QualifiedRole): string {
  return role.slice(scopeOfRole(role).length + 1).toUpperCase();
}
