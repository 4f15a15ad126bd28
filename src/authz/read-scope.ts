import { gatewayError } from '../errors/index.js';
import type { Loaders } from '../loaders.js';
import { checkScope } from '../policy/visibility.js';
import type { ReadScope } from './types.js';

/**
 * Resolves a @tenantScoped query's tenant (and project) for the actor, or raises scope_mismatch / not_found.
 * Reads through the request's loaders: the actor's bindings and tenants are the ones its resolvers use.
 */
export async function resolveReadScope(loaders: Loaders, tenantId: string, projectId: string | null): Promise<ReadScope> {
  const [viewer, tenant, project] = await Promise.all([
    loaders.viewer(),
    loaders.tenant.load(tenantId),
    projectId === null ? Promise.resolve(null) : loaders.project.load(projectId),
  ]);
  const check = checkScope({ viewer, tenantId, tenantExists: tenant !== null, projectId, projectTenantId: project?.tenantId ?? null });
  if (check !== 'ok' || tenant === null) {
    const reason = check === 'ok' ? 'tenant_not_found' : check;
    throw gatewayError(reason, reason === 'scope_mismatch' ? 'The tenant or project is not within your scope' : 'Not found', {
      scope: { tenant_id: tenantId, project_id: projectId },
    });
  }
  return { tenant, project };
}
