import { requireActor } from '../../context.js';
import type { Resolvers } from '../../generated/resolvers-types.js';
import { loadExisting } from '../../loaders.js';
import { requireUuid } from '../../authz/validate.js';
import { viewableUser, visibleToViewer } from './user-service.js';

export const userResolvers: Resolvers = {
  Query: {
    me: (_, __, ctx) => loadExisting(ctx.loaders.user, requireActor(ctx).userId),
    user: async (_, { id }, ctx) =>
      viewableUser(ctx.loaders, await ctx.loaders.viewer(), requireActor(ctx).userId, requireUuid(id, 'id')),
  },
  User: {
    platformRoles: (user, _, ctx) => ctx.loaders.platformRoles.load(user.id) as never,
    tenantMemberships: async (user, _, ctx) => visibleToViewer(await ctx.loaders.viewer(), await ctx.loaders.tenantMembershipsOfUser.load(user.id)),
    projectMemberships: async (user, _, ctx) => visibleToViewer(await ctx.loaders.viewer(), await ctx.loaders.projectMembershipsOfUser.load(user.id)),
  },
};
