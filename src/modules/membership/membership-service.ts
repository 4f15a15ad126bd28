import type { AuthzGrant } from '../../authz/types.js';
import type { ProjectMembershipRow, TenantMembershipRow } from '../../db/schema.js';
import type { ProjectRole, TenantRole } from '../../policy/roles.js';
import { inOrder } from '../../db/pipeline.js';
import { recordAudit, type AuditEntry } from '../audit/audit-service.js';
import {
  findTenantMembership,
  revokeProjectMembershipRow,
  revokeProjectMembershipsInTenant,
  revokeTenantMembershipRow,
  upsertProjectMemberships,
  upsertTenantMembership,
} from './membership-repository.js';

/** The audit image of a binding: what a reader needs to see what changed. */
export function bindingImage(row: { role: string; status: string } | null): { role: string; status: string } | null {
  return row === null ? null : { role: row.role, status: row.status };
}

export function projectRevokeAudit(row: ProjectMembershipRow, reason: string | null = null): AuditEntry {
  return {
    action: 'project_membership.revoke',
    targetUserId: row.userId,
    tenantId: row.tenantId,
    projectId: row.projectId,
    before: { role: row.role, status: 'active' },
    after: bindingImage(row),
    reason,
  };
}

function scopeIds(grant: AuthzGrant): { tenantId: string; projectId: string } {
  return { tenantId: grant.request.tenantId!, projectId: grant.request.projectId! };
}

/** The (normalised) target and role the decision was made on. */
export function decidedItem<R extends string>(grant: AuthzGrant, index = 0): { userId: string; role: R } {
  const item = grant.request.items[index]!;
  return { userId: item.userId!, role: item.role as R };
}

export async function bindTenantMembership(grant: AuthzGrant) {
  const { userId, role } = decidedItem<TenantRole>(grant);
  const tenantId = grant.request.tenantId!;
  const existing = await findTenantMembership(grant.tx, tenantId, userId);
  if (!grant.decisions[0]!.changed && existing !== null) return { membership: existing, changed: false };
  const membership = await upsertTenantMembership(grant.tx, tenantId, userId, role);
  await recordAudit(grant, [
    { action: 'tenant_membership.bind', targetUserId: userId, tenantId, projectId: null, before: bindingImage(existing), after: bindingImage(membership) },
  ]);
  return { membership, changed: true };
}

/** Revokes the tenant membership and, in the same transaction, the user's project memberships there (rule 8). */
export async function revokeTenantMembership(
  grant: AuthzGrant,
  userId: string = decidedItem(grant).userId,
  tenantId: string = grant.request.tenantId!,
  reason: string | null = null,
  action = 'tenant_membership.revoke',
): Promise<{ membership: TenantMembershipRow; changed: boolean; revokedProjects: ProjectMembershipRow[] }> {
  const membership = await revokeTenantMembershipRow(grant.tx, tenantId, userId);
  // The decision saw an active membership on the locked tenant row, so it is still there.
  if (membership === null) throw new Error('active tenant membership vanished under the tenant lock');
  const revokedProjects = await revokeProjectMembershipsInTenant(grant.tx, tenantId, userId);
  await recordAudit(grant, [
    { action, targetUserId: userId, tenantId, projectId: null, before: { role: membership.role, status: 'active' }, after: bindingImage(membership), reason },
    ...revokedProjects.map((row) => projectRevokeAudit(row, reason)),
  ]);
  return { membership, changed: true, revokedProjects };
}

export async function bindProjectMemberships(grant: AuthzGrant) {
  const bindings = grant.request.items.map((_, index) => decidedItem<ProjectRole>(grant, index));
  const { tenantId, projectId } = scopeIds(grant);
  const previous = grant.state.projectMemberships;
  // A binding the decision found unchanged is active with that role already: nothing to write.
  const toWrite = bindings.filter((_, index) => grant.decisions[index]!.changed);
  // The audit rows are known before the write (the previous rows were read with the decision, the
  // new ones are active with the role asked for): both go in one round trip.
  const [written] = await inOrder([
    () => upsertProjectMemberships(grant.tx, tenantId, projectId, toWrite),
    () =>
      recordAudit(
        grant,
        toWrite.map((b) => ({
          action: 'project_membership.bind',
          targetUserId: b.userId,
          tenantId,
          projectId,
          before: bindingImage(previous.get(b.userId) ?? null),
          after: bindingImage({ role: b.role, status: 'active' }),
        })),
      ),
  ]);
  const byUser = new Map([...previous, ...written.map((r) => [r.userId, r] as const)]);
  return { memberships: bindings.map((b) => byUser.get(b.userId)!), changedCount: written.length };
}

export async function bindProjectMembership(grant: AuthzGrant) {
  const { memberships, changedCount } = await bindProjectMemberships(grant);
  return { membership: memberships[0]!, changed: changedCount > 0 };
}

export async function revokeProjectMembership(grant: AuthzGrant) {
  const { userId } = decidedItem(grant);
  const membership = await revokeProjectMembershipRow(grant.tx, scopeIds(grant).projectId, userId);
  if (membership === null) throw new Error('active project membership vanished under the tenant lock');
  await recordAudit(grant, [projectRevokeAudit(membership)]);
  return { membership, changed: true };
}
