import { requireActor } from '../../context.js';
import type { Resolvers } from '../../generated/resolvers-types.js';
import { explainRequest } from './explain-service.js';

export const authzResolvers: Resolvers = {
  Query: {
    explainGrant: (_, { input }, ctx) =>
      ctx.services.authz.explain(
        { actorUserId: requireActor(ctx).userId, correlationId: ctx.correlationId, traceId: ctx.traceId, log: ctx.log, operation: 'explainGrant' },
        explainRequest(input),
      ),
  },
};
