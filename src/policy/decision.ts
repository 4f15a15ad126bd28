import type { ErrorCode, ErrorReason } from '../errors/codes.js';
import type { PlatformRole, ProjectRole, QualifiedRole, ScopeKind, TenantRole } from './roles.js';

/** What is being decided. bind covers a role change; revoke covers self-leave. */
export type PolicyAction =
  | 'bind'
  | 'revoke'
  | 'create_tenant' // the first tenant_owner binding of a tenant that does not exist yet
  | 'create_project'
  | 'rehome' // move target from rehome.fromTenantId into scope.tenantId with requestedRole
  | 'freeze'; // setMutationFreeze

export type FreezeScope = 'bulk' | 'all';

/** Outcome of resolving the ids named by the request, done by the caller on the rows it locked. */
export type ScopeCheck = 'ok' | 'scope_mismatch' | 'tenant_not_found' | 'project_not_found' | 'user_not_found';

export interface PolicyScope {
  kind: ScopeKind;
  tenantId: string | null; // null for platform scope, and for create_tenant
  projectId: string | null; // only for project scope
}

export interface ActorBindings {
  userId: string;
  platformRoles: readonly PlatformRole[];
  /** The actor's active role in scope.tenantId (null if none or no tenant in scope). */
  tenantRole: TenantRole | null;
  /** The actor's direct active role in scope.projectId (null if none or no project in scope). */
  projectRole: ProjectRole | null;
}

export interface TargetBindings {
  userId: string;
  platformRoles: readonly PlatformRole[];
  tenantRole: TenantRole | null; // active, in scope.tenantId
  projectRole: ProjectRole | null; // direct active, in scope.projectId
  /** Tenants other than scope.tenantId (and other than rehome.fromTenantId) where the target is active. */
  otherActiveTenantIds: readonly string[];
}

export interface PolicyInput {
  action: PolicyAction;
  scope: PolicyScope;
  /** Part of a bulk mutation: refused by a BULK freeze as well as an ALL freeze. */
  bulk: boolean;
  freeze: { frozen: boolean; scope: FreezeScope | null };
  scopeCheck: ScopeCheck;
  actor: ActorBindings;
  /** null for actions without a target user (create_project, freeze). */
  target: TargetBindings | null;
  requestedRole: QualifiedRole | null;
  tenancyMode: 'strict' | 'shared';
  /** Active tenant_owner bindings in scope.tenantId, counted on locked rows. */
  activeTenantOwners: number;
  activePlatformAdmins: number;
  rehome?: {
    fromTenantId: string;
    targetRoleInFromTenant: TenantRole | null;
    fromTenantActiveOwners: number;
  };
}

export type PolicyStep =
  | 'freeze'
  | 'scope'
  | 'platform_admin'
  | 'ceiling_requested'
  | 'ceiling_current'
  | 'target_membership'
  | 'cross_tenant'
  | 'last_owner'
  | 'last_platform_admin'
  | 'noop';

export interface Decision {
  allowed: boolean;
  /** null when allowed. */
  code: ErrorCode | null;
  reason: ErrorReason | null;
  /** The actor's ceiling at the decision's scope (qualified), null for none. */
  ceiling: QualifiedRole | null;
  requestedRole: QualifiedRole | null;
  /** false for a bind of the role the target already holds (rule 9); false when denied. */
  changed: boolean;
  /** Ordered steps taken, each "step:outcome" with an optional " detail", e.g. "ceiling_requested:deny tenant_owner>tenant_admin". */
  path: string[];
}
