import { and, asc, count, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import {
  iamSettings,
  platformRoleBindings,
  projectMemberships,
  projects,
  tenantMemberships,
  tenants,
  users,
  type IamSettingsRow,
  type ProjectRow,
  type TenantRow,
} from '../db/schema.js';
import type { PlatformRole, ProjectRole, TenantRole } from '../policy/roles.js';

/** 'none' reads without locking (dry runs, reads); the others take the row lock named. */
export type LockMode = 'none' | 'share' | 'update';

export async function readSettings(tx: Executor, lock: LockMode): Promise<IamSettingsRow> {
  const query = tx.select().from(iamSettings).where(eq(iamSettings.id, 1));
  const rows = lock === 'none' ? await query : await query.for(lock);
  const row = rows[0];
  if (row === undefined) throw new Error('iam_settings row is missing: migrations were not applied');
  return row;
}

/** Locks tenants in id order, so that two transactions locking the same tenants cannot deadlock. */
export async function readTenants(tx: Executor, ids: string[], lock: LockMode): Promise<TenantRow[]> {
  if (ids.length === 0) return [];
  const query = tx.select().from(tenants).where(inArray(tenants.id, ids)).orderBy(asc(tenants.id));
  return lock === 'none' ? query : query.for(lock === 'share' ? 'share' : 'update');
}

export async function readProject(tx: Executor, id: string): Promise<ProjectRow | null> {
  const rows = await tx.select().from(projects).where(eq(projects.id, id));
  return rows[0] ?? null;
}

/** Locks target users in id order; returns the ids that exist. */
export async function readUsers(tx: Executor, ids: string[], lock: LockMode): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const query = tx.select({ id: users.id }).from(users).where(inArray(users.id, ids)).orderBy(asc(users.id));
  const rows = lock === 'none' ? await query : await query.for(lock === 'share' ? 'share' : 'update');
  return new Set(rows.map((r) => r.id));
}

export interface UserBindings {
  platformRoles: Map<string, PlatformRole[]>;
  tenantMemberships: Map<string, { tenantId: string; role: TenantRole }[]>;
  projectRoles: Map<string, ProjectRole>;
}

/** Active bindings of the given users: all platform roles, all tenant memberships, roles in one project. */
export async function readBindings(tx: Executor, userIds: string[], projectId: string | null): Promise<UserBindings> {
  const result: UserBindings = { platformRoles: new Map(), tenantMemberships: new Map(), projectRoles: new Map() };
  if (userIds.length === 0) return result;
  const [platformRows, tenantRows, projectRows] = await Promise.all([
    tx
      .select({ userId: platformRoleBindings.userId, role: platformRoleBindings.role })
      .from(platformRoleBindings)
      .where(and(inArray(platformRoleBindings.userId, userIds), eq(platformRoleBindings.status, 'active'))),
    tx
      .select({ userId: tenantMemberships.userId, tenantId: tenantMemberships.tenantId, role: tenantMemberships.role })
      .from(tenantMemberships)
      .where(and(inArray(tenantMemberships.userId, userIds), eq(tenantMemberships.status, 'active'))),
    projectId === null
      ? Promise.resolve([])
      : tx
          .select({ userId: projectMemberships.userId, role: projectMemberships.role })
          .from(projectMemberships)
          .where(
            and(
              eq(projectMemberships.projectId, projectId),
              inArray(projectMemberships.userId, userIds),
              eq(projectMemberships.status, 'active'),
            ),
          ),
  ]);
  for (const row of platformRows) {
    const list = result.platformRoles.get(row.userId) ?? [];
    list.push(row.role as PlatformRole);
    result.platformRoles.set(row.userId, list);
  }
  for (const row of tenantRows) {
    const list = result.tenantMemberships.get(row.userId) ?? [];
    list.push({ tenantId: row.tenantId, role: row.role as TenantRole });
    result.tenantMemberships.set(row.userId, list);
  }
  for (const row of projectRows) result.projectRoles.set(row.userId, row.role as ProjectRole);
  return result;
}

export async function countActiveTenantOwners(tx: Executor, tenantId: string): Promise<number> {
  const rows = await tx
    .select({ n: count() })
    .from(tenantMemberships)
    .where(
      and(eq(tenantMemberships.tenantId, tenantId), eq(tenantMemberships.role, 'tenant_owner'), eq(tenantMemberships.status, 'active')),
    );
  return rows[0]?.n ?? 0;
}

export async function countActivePlatformAdmins(tx: Executor): Promise<number> {
  const rows = await tx
    .select({ n: count() })
    .from(platformRoleBindings)
    .where(and(eq(platformRoleBindings.role, 'platform_admin'), eq(platformRoleBindings.status, 'active')));
  return rows[0]?.n ?? 0;
}
