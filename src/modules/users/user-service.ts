import type { VerifiedIdentity } from '../../auth/jwt.js';
import type { Executor } from '../../db/client.js';
import type { UserRow } from '../../db/schema.js';
import { administeredTenantIds, isPlatformViewer, type ViewerBindings } from '../../policy/visibility.js';
import type { Loaders } from '../../loaders.js';
import { upsertUserBySubject } from './user-repository.js';

/**
 * Provisions users just in time. A subject seen with the same claims before is answered from
 * memory, so an authenticated request costs no write once its user exists.
 */
export class UserProvisioner {
  private readonly known = new Map<string, { id: string; email: string | null; name: string | null }>();

  constructor(private readonly db: Executor, private readonly maxEntries = 50_000) {}

  async provision(identity: VerifiedIdentity): Promise<string> {
    const cached = this.known.get(identity.subject);
    if (cached && cached.email === identity.email && cached.name === identity.name) return cached.id;
    const row = await upsertUserBySubject(this.db, identity.subject, identity.email, identity.name);
    if (this.known.size >= this.maxEntries) this.known.clear();
    this.known.set(identity.subject, { id: row.id, email: identity.email, name: identity.name });
    return row.id;
  }
}

/** The actor itself, users active in a tenant the actor administers, or anyone for platform roles. */
export async function viewableUser(loaders: Loaders, viewer: ViewerBindings, actorUserId: string, userId: string): Promise<UserRow | null> {
  const user = await loaders.user.load(userId);
  if (user === null) return null;
  if (userId === actorUserId || isPlatformViewer(viewer)) return user;
  const administered = new Set(administeredTenantIds(viewer));
  const memberships = await loaders.tenantMembershipsOfUser.load(userId);
  return memberships.some((m) => m.status === 'active' && administered.has(m.tenantId)) ? user : null;
}

/** Memberships a viewer may see on a user: those in tenants it can see. */
export function visibleToViewer<T extends { tenantId: string }>(viewer: ViewerBindings, rows: T[]): T[] {
  return isPlatformViewer(viewer) ? rows : rows.filter((r) => viewer.tenantRoles.has(r.tenantId));
}
