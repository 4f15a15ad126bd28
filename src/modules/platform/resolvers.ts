import { requireActor } from '../../context.js';
import type { Resolvers } from '../../generated/resolvers-types.js';
import { loadExisting } from '../../loaders.js';
import { grantOf } from '../membership/resolvers.js';
import { assignPlatformRole, rehomeUser, revokePlatformRole, setMutationFreeze } from './platform-service.js';

export const platformResolvers: Resolvers = {
  Query: {
    iamStatus: (_, __, ctx) => {
      requireActor(ctx);
      return ctx.services.platform.status();
    },
  },
  Mutation: {
    assignPlatformRole: async (_, __, ctx) => assignPlatformRole(grantOf(ctx)),
    revokePlatformRole: async (_, __, ctx) => revokePlatformRole(grantOf(ctx)),
    rehomeUser: (_, { input }, ctx) => rehomeUser(grantOf(ctx), input.reason.trim()),
    setMutationFreeze: (_, { input }, ctx) =>
      setMutationFreeze(grantOf(ctx), { frozen: input.frozen, scope: input.frozen ? (input.scope ?? null) : null, reason: input.reason?.trim() ?? null }),
  },
  PlatformRolePayload: {
    user: (payload, _, ctx) => loadExisting(ctx.loaders.user, payload.userId),
  },
  IamStatus: {
    freezeScope: (row) => (row.frozen ? (row.freezeScope as never) : null),
    reason: (row) => (row.frozen ? row.reason : null),
    since: (row) => (row.frozen ? row.since : null),
    by: (row, _, ctx) => (row.frozen && row.byUserId ? ctx.loaders.user.load(row.byUserId) : null),
  },
};
