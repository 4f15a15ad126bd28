import type { AuthzGrant } from '../../authz/types.js';
import type { GatewayContext } from '../../context.js';
import type { Resolvers } from '../../generated/resolvers-types.js';
import { loadExisting } from '../../loaders.js';
import * as membership from './membership-service.js';

/** The transformer sets ctx.authz before any @requiresCeiling resolver runs. */
export function grantOf(ctx: GatewayContext): AuthzGrant {
  if (ctx.authz === null) throw new Error('resolver ran without an authorization grant');
  return ctx.authz;
}

export const membershipResolvers: Resolvers = {
  Mutation: {
    // Arguments were read, normalised and decided by the transformer; the grant carries them.
    bindTenantMembership: (_, __, ctx) => membership.bindTenantMembership(grantOf(ctx)),
    revokeTenantMembership: (_, __, ctx) => membership.revokeTenantMembership(grantOf(ctx)),
    bindProjectMembership: (_, __, ctx) => membership.bindProjectMembership(grantOf(ctx)),
    revokeProjectMembership: (_, __, ctx) => membership.revokeProjectMembership(grantOf(ctx)),
    bulkBindProjectMemberships: (_, __, ctx) => membership.bindProjectMemberships(grantOf(ctx)),
  },
  TenantMembership: {
    tenant: (row, _, ctx) => loadExisting(ctx.loaders.tenant, row.tenantId),
    user: (row, _, ctx) => loadExisting(ctx.loaders.user, row.userId),
    role: (row) => row.role as never,
    status: (row) => row.status as never,
  },
  ProjectMembership: {
    project: (row, _, ctx) => loadExisting(ctx.loaders.project, row.projectId),
    user: (row, _, ctx) => loadExisting(ctx.loaders.user, row.userId),
    role: (row) => row.role as never,
    status: (row) => row.status as never,
  },
};
