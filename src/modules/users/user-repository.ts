import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { compiled, placeholder } from '../../db/statement.js';
import type { Executor } from '../../db/client.js';
import {
  platformRoleBindings,
  projectMemberships,
  tenantMemberships,
  users,
  type ProjectMembershipRow,
  type TenantMembershipRow,
  type TenantRow,
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

export interface ViewerSnapshot {
  user: UserRow;
  /** Active platform roles, by role. */
  platformRoles: string[];
  /** Every tenant membership, in creation order, with its tenant. */
  tenantMemberships: (TenantMembershipRow & { tenant: TenantRow })[];
  /** Every project membership, in creation order. */
  projectMemberships: ProjectMembershipRow[];
}

// One statement for what nearly every request reads about its actor: the user, its bindings and
// their tenants (three waves of two to five statements before).
const viewerStatement = compiled<{ id: string }, (UserRow & Omit<ViewerSnapshot, 'user' | 'platformRoles'> & { platformRoleBindings: { role: string }[] }) | undefined>(
  'viewer_snapshot',
  (db) =>
    db.query.users.findFirst({
      where: eq(users.id, placeholder('id')),
      with: {
        platformRoleBindings: { columns: { role: true }, where: eq(platformRoleBindings.status, 'active'), orderBy: asc(platformRoleBindings.role) },
        tenantMemberships: { with: { tenant: true }, orderBy: [asc(tenantMemberships.createdAt), asc(tenantMemberships.id)] },
        projectMemberships: { orderBy: [asc(projectMemberships.createdAt), asc(projectMemberships.id)] },
      },
    }),
);

/** The user with its bindings, or null when there is no such user. */
export async function viewerSnapshotOf(db: Executor, userId: string): Promise<ViewerSnapshot | null> {
  const row = await viewerStatement(db, { id: userId });
  if (row === undefined) return null;
  const { platformRoleBindings: roles, tenantMemberships: memberships, projectMemberships: projectRows, ...user } = row;
  return { user, platformRoles: roles.map((r) => r.role), tenantMemberships: memberships, projectMemberships: projectRows };
}
