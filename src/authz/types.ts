import type { Executor } from '../db/client.js';
import type { IamSettingsRow, ProjectMembershipRow, ProjectRow, TenantRow } from '../db/schema.js';
import type { LockedChainHeads } from '../modules/audit/audit-repository.js';
import type { Decision, PolicyAction } from '../policy/decision.js';
import type { QualifiedRole, ScopeKind } from '../policy/roles.js';

/** One change the policy engine decides: a target user and the role asked for (null for revoke). */
export interface AuthzItem {
  userId: string | null;
  role: QualifiedRole | null;
}

/** What a @requiresCeiling field asks for, read from its arguments by the transformer. */
export interface AuthzRequest {
  action: PolicyAction;
  scope: ScopeKind;
  tenantId: string | null;
  projectId: string | null;
  fromTenantId: string | null;
  items: AuthzItem[];
  bulk: boolean;
}

/** The rows a decision was made on, locked for the rest of the transaction. */
export interface AuthzState {
  settings: IamSettingsRow;
  tenant: TenantRow | null;
  project: ProjectRow | null;
  fromTenant: TenantRow | null;
  /** The target users' rows in the request's project, whatever their status (empty without a project). */
  projectMemberships: ReadonlyMap<string, ProjectMembershipRow>;
  /** The audit chain head of the request's tenant, locked with the rows above when the chain exists. */
  auditHeads: LockedChainHeads;
}

/** Handed to a resolver once every item of its request is allowed. */
export interface AuthzGrant {
  tx: Executor;
  request: AuthzRequest;
  state: AuthzState;
  decisions: Decision[];
  actorUserId: string;
  correlationId: string;
  traceId: string;
}

/** The resolved scope of a @tenantScoped query. */
export interface ReadScope {
  tenant: TenantRow;
  project: ProjectRow | null;
}
