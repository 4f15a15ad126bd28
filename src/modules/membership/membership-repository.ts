import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { projectMemberships, tenantMemberships, type ProjectMembershipRow, type TenantMembershipRow } from '../../db/schema.js';
import type { ProjectRole, TenantRole } from '../../policy/roles.js';

const now = sql`date_trunc('milliseconds', now())`;

export async function findTenantMembership(tx: Executor, tenantId: string, userId: string): Promise<TenantMembershipRow | null> {
  const rows = await tx
    .select()
    .from(tenantMemberships)
    .where(and(eq(tenantMemberships.tenantId, tenantId), eq(tenantMemberships.userId, userId)));
  return rows[0] ?? null;
}

/** One row per (tenant, user): a bind inserts it or reactivates it with the new role. */
export async function upsertTenantMembership(tx: Executor, tenantId: string, userId: string, role: TenantRole): Promise<TenantMembershipRow> {
  const [row] = await tx
    .insert(tenantMemberships)
    .values({ tenantId, userId, role, status: 'active' })
    .onConflictDoUpdate({
      target: [tenantMemberships.tenantId, tenantMemberships.userId],
      set: { role, status: 'active', updatedAt: now },
    })
    .returning();
  return row!;
}

export async function revokeTenantMembershipRow(tx: Executor, tenantId: string, userId: string): Promise<TenantMembershipRow | null> {
  const [row] = await tx
    .update(tenantMemberships)
    .set({ status: 'revoked', updatedAt: now })
    .where(and(eq(tenantMemberships.tenantId, tenantId), eq(tenantMemberships.userId, userId), eq(tenantMemberships.status, 'active')))
    .returning();
  return row ?? null;
}

export async function findProjectMemberships(tx: Executor, projectId: string, userIds: string[]): Promise<ProjectMembershipRow[]> {
  if (userIds.length === 0) return [];
  return tx
    .select()
    .from(projectMemberships)
    .where(and(eq(projectMemberships.projectId, projectId), inArray(projectMemberships.userId, userIds)));
}

/** Set-based: every binding in one statement, whatever the batch size. */
export async function upsertProjectMemberships(
  tx: Executor,
  tenantId: string,
  projectId: string,
  bindings: { userId: string; role: ProjectRole }[],
): Promise<ProjectMembershipRow[]> {
  if (bindings.length === 0) return [];
  return tx
    .insert(projectMemberships)
    .values(bindings.map((b) => ({ tenantId, projectId, userId: b.userId, role: b.role, status: 'active' })))
    .onConflictDoUpdate({
      target: [projectMemberships.projectId, projectMemberships.userId],
      set: { role: sql`excluded.role`, status: 'active', updatedAt: now },
    })
    .returning();
}

export async function revokeProjectMembershipRow(tx: Executor, projectId: string, userId: string): Promise<ProjectMembershipRow | null> {
  const [row] = await tx
    .update(projectMemberships)
    .set({ status: 'revoked', updatedAt: now })
    .where(and(eq(projectMemberships.projectId, projectId), eq(projectMemberships.userId, userId), eq(projectMemberships.status, 'active')))
    .returning();
  return row ?? null;
}

/** The cascade of a tenant revoke (rule 8): the user's active project memberships in that tenant. */
export async function revokeProjectMembershipsInTenant(tx: Executor, tenantId: string, userId: string): Promise<ProjectMembershipRow[]> {
  return tx
    .update(projectMemberships)
    .set({ status: 'revoked', updatedAt: now })
    .where(and(eq(projectMemberships.tenantId, tenantId), eq(projectMemberships.userId, userId), eq(projectMemberships.status, 'active')))
    .returning();
}
