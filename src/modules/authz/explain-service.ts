import type { AuthzRequest } from '../../authz/types.js';
import { optionalUuidValue, requireUuid } from '../../authz/validate.js';
import { gatewayError } from '../../errors/index.js';
import { isQualifiedRole, scopeOfRole, type ScopeKind } from '../../policy/roles.js';

export interface ExplainInput {
  action: 'BIND' | 'REVOKE';
  scope: 'PLATFORM' | 'TENANT' | 'PROJECT';
  tenantId?: string | null;
  projectId?: string | null;
  userId: string;
  role?: string | null;
}

/** The request the real mutation would make, so explainGrant and the mutation are decided alike. */
export function explainRequest(input: ExplainInput): AuthzRequest {
  const scope = input.scope.toLowerCase() as ScopeKind;
  const action = input.action === 'BIND' ? 'bind' : 'revoke';
  const tenantId = scope === 'platform' ? null : requireUuid(input.tenantId, 'input.tenantId');
  const projectId = scope === 'project' ? requireUuid(input.projectId, 'input.projectId') : null;
  const roleNeeded = action === 'bind' || scope === 'platform';
  const role = input.role ?? null;
  if (roleNeeded && (role === null || !isQualifiedRole(role) || scopeOfRole(role) !== scope)) {
    throw gatewayError('validation_failed', `input.role must be a qualified ${scope} role such as ${scope}_admin`, { field: 'input.role' });
  }
  return {
    action,
    scope,
    tenantId,
    projectId: projectId ?? optionalUuidValue(null, 'input.projectId'),
    fromTenantId: null,
    items: [{ userId: requireUuid(input.userId, 'input.userId'), role: roleNeeded && role !== null && isQualifiedRole(role) ? role : null }],
    bulk: false,
  };
}
