import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import {
  platformRoleBindings,
  projectMemberships,
  tenantMemberships,
  users,
  type ProjectMembershipRow,
  type TenantMembershipRow,
  type UserRow,
} from '../../db/schema.js';

/** Just-in-time provisioning: one statement, safe when two first requests of a subject race. */
export async function upsertUserBySubject(db: Executor, subject: string, email: string | null, displayName: string | null): Promise<UserRow> {
  const [row] = await db
    .insert(users)
    .values({ subject, email, displayName })
    .onConflictDoUpdate({
      target: users.subject,
      set: { email: sql`coalesce(excluded.email, ${users.email})`, displayName: sql`coalesce(excluded.display_name, ${users.displayName})` },
    })
    .returning();
  return row!;
}

export async function usersByIds(db: Executor, ids: readonly string[]): Promise<UserRow[]> {
  return ids.length === 0 ? [] : db.select().from(users).where(inArray(users.id, [...ids]));
}

export async function activePlatformRolesOf(db: Executor, userIds: readonly string[]): Promise<{ userId: string; role: string }[]> {
  if (userIds.length === 0) return [];
  return db
    .select({ userId: platformRoleBindings.userId, role: platformRoleBindings.role })
    .from(platformRoleBindings)
    .where(and(inArray(platformRoleBindings.userId, [...userIds]), eq(platformRoleBindings.status, 'active')))
    .orderBy(platformRoleBindings.role);
}

export async function tenantMembershipsOf(db: Executor, userIds: readonly string[]): Promise<TenantMembershipRow[]> {
  if (userIds.length === 0) return [];
  return db.select().from(tenantMemberships).where(inArray(tenantMemberships.userId, [...userIds])).orderBy(tenantMemberships.createdAt, tenantMemberships.id);
}

export async function projectMembershipsOf(db: Executor, userIds: readonly string[]): Promise<ProjectMembershipRow[]> {
  if (userIds.length === 0) return [];
  return db.select().from(projectMemberships).where(inArray(projectMemberships.userId, [...userIds])).orderBy(projectMemberships.createdAt, projectMemberships.id);
}
