import type { AuthzGrant } from '../../authz/types.js';
import type { Executor } from '../../db/client.js';
import type { TenantRow } from '../../db/schema.js';
import { gatewayError } from '../../errors/index.js';
import { decodeCursor, pageSize, parsePosition, toPage, type Page } from '../../pagination.js';
import { isPlatformViewer, type ViewerBindings } from '../../policy/visibility.js';
import { recordAudit } from '../audit/audit-service.js';
import { bindingImage, decidedItem } from '../membership/membership-service.js';
import { upsertTenantMembership } from '../membership/membership-repository.js';
import { insertProject, insertTenant, listTenants } from './tenancy-repository.js';

/** Creates the tenant and binds its first owner, with both audit rows, in the grant's transaction. */
export async function createTenant(grant: AuthzGrant, slug: string, name: string) {
  const tenant = await insertTenant(grant.tx, slug, name);
  if (tenant === null) throw gatewayError('slug_taken', `The tenant slug "${slug}" is already used`, { field: 'input.slug' });
  const { userId } = decidedItem(grant);
  const ownerMembership = await upsertTenantMembership(grant.tx, tenant.id, userId, 'tenant_owner');
  await recordAudit(grant, [
    { action: 'tenant.create', targetUserId: null, tenantId: tenant.id, projectId: null, before: null, after: { slug, name } },
    { action: 'tenant_membership.bind', targetUserId: userId, tenantId: tenant.id, projectId: null, before: null, after: bindingImage(ownerMembership) },
  ]);
  return { tenant, ownerMembership };
}

export async function createProject(grant: AuthzGrant, slug: string, name: string) {
  const tenantId = grant.request.tenantId!;
  const project = await insertProject(grant.tx, tenantId, slug, name);
  if (project === null) throw gatewayError('slug_taken', `The project slug "${slug}" is already used in this tenant`, { field: 'input.slug' });
  await recordAudit(grant, [
    { action: 'project.create', targetUserId: null, tenantId, projectId: project.id, before: null, after: { slug, name } },
  ]);
  return { project };
}

/** Platform roles see every tenant; others the tenants they are active members of. */
export async function visibleTenants(
  db: Executor,
  viewer: ViewerBindings,
  actorUserId: string,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Page<TenantRow>> {
  const limit = pageSize(first);
  const rows = await listTenants(db, isPlatformViewer(viewer) ? null : actorUserId, parsePosition(decodeCursor(after)), limit + 1);
  return toPage(rows, limit);
}
