import type { Executor } from '../db/client.js';
import { gatewayError } from '../errors/index.js';
import type { PlatformRole } from '../policy/roles.js';
import { checkScope } from '../policy/visibility.js';
import { readBindings, readProject, readTenants } from './state-repository.js';
import type { ReadScope } from './types.js';

/** Resolves a @tenantScoped query's tenant (and project) for the actor, or raises scope_mismatch / not_found. */
export async function resolveReadScope(db: Executor, actorUserId: string, tenantId: string, projectId: string | null): Promise<ReadScope> {
  const [tenants, project, bindings] = await Promise.all([
    readTenants(db, [tenantId], 'none'),
    projectId === null ? Promise.resolve(null) : readProject(db, projectId),
    readBindings(db, [actorUserId], null),
  ]);
  const tenant = tenants[0] ?? null;
  const check = checkScope({
    viewer: {
      platformRoles: (bindings.platformRoles.get(actorUserId) ?? []) as PlatformRole[],
      tenantRoles: new Map((bindings.tenantMemberships.get(actorUserId) ?? []).map((m) => [m.tenantId, m.role])),
    },
    tenantId,
    tenantExists: tenant !== null,
    projectId,
    projectTenantId: project?.tenantId ?? null,
  });
  if (check !== 'ok' || tenant === null) {
    const reason = check === 'ok' ? 'tenant_not_found' : check;
    throw gatewayError(reason, reason === 'scope_mismatch' ? 'The tenant or project is not within your scope' : 'Not found', {
      scope: { tenant_id: tenantId, project_id: projectId },
    });
  }
  return { tenant, project };
}
