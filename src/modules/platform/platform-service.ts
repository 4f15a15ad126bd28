import type { AuthzGrant } from '../../authz/types.js';
import type { PlatformRole, TenantRole } from '../../policy/roles.js';
import { recordAudit } from '../audit/audit-service.js';
import { bindingImage, decidedItem, revokeTenantMembership } from '../membership/membership-service.js';
import { upsertTenantMembership } from '../membership/membership-repository.js';
import { activatePlatformRole, deactivatePlatformRole, writeFreeze } from './platform-repository.js';

/** The payload's user is loaded after the change commits. */
export interface PlatformRoleChange {
  userId: string;
  changed: boolean;
}

const image = (role: PlatformRole, active: boolean) => ({ role, status: active ? 'active' : 'revoked' });

export async function assignPlatformRole(grant: AuthzGrant): Promise<PlatformRoleChange> {
  const { userId, role } = decidedItem<PlatformRole>(grant);
  if (!grant.decisions[0]!.changed) return { userId, changed: false };
  await activatePlatformRole(grant.tx, userId, role);
  await recordAudit(grant, [
    { action: 'platform_role.assign', targetUserId: userId, tenantId: null, projectId: null, before: null, after: image(role, true) },
  ]);
  return { userId, changed: true };
}

export async function revokePlatformRole(grant: AuthzGrant): Promise<PlatformRoleChange> {
  const { userId, role } = decidedItem<PlatformRole>(grant);
  const changed = await deactivatePlatformRole(grant.tx, userId, role);
  if (changed) {
    await recordAudit(grant, [
      { action: 'platform_role.revoke', targetUserId: userId, tenantId: null, projectId: null, before: image(role, true), after: image(role, false) },
    ]);
  }
  return { userId, changed };
}

/**
 * The approved cross-tenant move: revoke the old membership (and its project memberships), bind
 * the new one, in the grant's transaction; every audit row carries the operator's reason.
 */
export async function rehomeUser(grant: AuthzGrant, reason: string) {
  const { userId, role } = decidedItem<TenantRole>(grant);
  const fromTenantId = grant.request.fromTenantId!;
  const toTenantId = grant.request.tenantId!;
  const { membership: old, revokedProjects } = await revokeTenantMembership(grant, userId, fromTenantId, reason, 'user.rehome');
  const membership = await upsertTenantMembership(grant.tx, toTenantId, userId, role);
  await recordAudit(grant, [
    {
      action: 'user.rehome',
      targetUserId: userId,
      tenantId: toTenantId,
      projectId: null,
      before: { tenant_id: fromTenantId, role: old.role, status: 'active' },
      after: { tenant_id: toTenantId, ...bindingImage(membership) },
      reason,
    },
  ]);
  return { membership, revokedProjectMemberships: revokedProjects };
}

export async function setMutationFreeze(grant: AuthzGrant, input: { frozen: boolean; scope: 'bulk' | 'all' | null; reason: string | null }) {
  const before = grant.state.settings;
  // Lifting a freeze that is not there changes nothing: like an unchanged bind (rule 9), no write
  // and no audit row, so retries and clean-up scripts do not fill the trail with noise.
  if (!input.frozen && !before.frozen) return { status: before };
  const status = await writeFreeze(grant.tx, { ...input, byUserId: grant.actorUserId });
  await recordAudit(grant, [
    {
      action: input.frozen ? 'iam.freeze' : 'iam.unfreeze',
      targetUserId: null,
      tenantId: null,
      projectId: null,
      before: { frozen: before.frozen, scope: before.freezeScope },
      after: { frozen: status.frozen, scope: status.freezeScope },
      reason: input.reason,
    },
  ]);
  return { status };
}
