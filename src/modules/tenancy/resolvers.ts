import { requireActor } from '../../context.js';
import type { Resolvers } from '../../generated/resolvers-types.js';
import { loadExisting } from '../../loaders.js';
import { grantOf } from '../membership/resolvers.js';
import { createProject, createTenant } from './tenancy-service.js';

export const tenancyResolvers: Resolvers = {
  Query: {
    tenants: async (_, { first, after }, ctx) =>
      ctx.services.tenancy.visibleTenants(await ctx.loaders.viewer(), requireActor(ctx).userId, first, after),
    // The transformer resolved (and checked) the scope before this runs.
    tenant: (_, __, ctx) => ctx.scope!.tenant,
    project: (_, __, ctx) => ctx.scope!.project,
  },
  Mutation: {
    createTenant: (_, { input }, ctx) => createTenant(grantOf(ctx), input.slug, input.name.trim()),
    createProject: (_, { input }, ctx) => createProject(grantOf(ctx), input.slug, input.name.trim()),
  },
  Tenant: {
    members: (tenant, args, ctx) => ctx.loaders.tenantMembers.load(tenant.id, args),
    projects: (tenant, args, ctx) => ctx.loaders.tenantProjects.load(tenant.id, args),
  },
  Project: {
    tenant: (project, _, ctx) => loadExisting(ctx.loaders.tenant, project.tenantId),
    members: (project, args, ctx) => ctx.loaders.projectMembers.load(project.id, args),
  },
};
