import { and, asc, eq, inArray } from 'drizzle-orm';
import { afterPosition, type Position } from '../../db/keyset.js';
import type { Executor } from '../../db/client.js';
import { projects, tenantMemberships, tenants, type ProjectRow, type TenantRow } from '../../db/schema.js';

/** null when the slug is taken (the unique index decides, so two concurrent creates cannot both win). */
export async function insertTenant(tx: Executor, slug: string, name: string): Promise<TenantRow | null> {
  const rows = await tx.insert(tenants).values({ slug, name }).onConflictDoNothing({ target: tenants.slug }).returning();
  return rows[0] ?? null;
}

export async function insertProject(tx: Executor, tenantId: string, slug: string, name: string): Promise<ProjectRow | null> {
  const rows = await tx
    .insert(projects)
    .values({ tenantId, slug, name })
    .onConflictDoNothing({ target: [projects.tenantId, projects.slug] })
    .returning();
  return rows[0] ?? null;
}

export async function tenantsByIds(db: Executor, ids: readonly string[]): Promise<TenantRow[]> {
  return ids.length === 0 ? [] : db.select().from(tenants).where(inArray(tenants.id, [...ids]));
}

export async function projectsByIds(db: Executor, ids: readonly string[]): Promise<ProjectRow[]> {
  return ids.length === 0 ? [] : db.select().from(projects).where(inArray(projects.id, [...ids]));
}

/** Tenants in creation order; visibleTo null means every tenant (platform viewers). */
export async function listTenants(db: Executor, visibleTo: string | null, position: Position, limit: number): Promise<TenantRow[]> {
  const visibility =
    visibleTo === null
      ? undefined
      : inArray(
          tenants.id,
          db
            .select({ id: tenantMemberships.tenantId })
            .from(tenantMemberships)
            .where(and(eq(tenantMemberships.userId, visibleTo), eq(tenantMemberships.status, 'active'))),
        );
  return db
    .select()
    .from(tenants)
    .where(and(visibility, afterPosition(tenants, position)))
    .orderBy(asc(tenants.createdAt), asc(tenants.id))
    .limit(limit);
}

