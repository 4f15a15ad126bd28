import type { Resolvers } from '../../generated/resolvers-types.js';

export const auditResolvers: Resolvers = {
  Query: {
    auditLogs: async (_, { filter, first, after }, ctx) =>
      ctx.services.audit.list(await ctx.loaders.viewer(), filter, first, after),
  },
};
