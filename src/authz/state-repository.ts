import { and, asc, count, eq } from 'drizzle-orm';
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
  type ProjectMembershipRow,
  type ProjectRow,
  type TenantRow,
} from '../db/schema.js';
import { inOrder } from '../db/pipeline.js';
import { compiled, inUuids, placeholder, uuidList } from '../db/statement.js';
import type { PlatformRole, ProjectRole, TenantRole } from '../policy/roles.js';

/** 'none' reads without locking (dry runs, reads); the others take the row lock named. */
export type LockMode = 'none' | 'share' | 'update';

type Lockable<R> = { for(strength: 'share' | 'update'): { prepare(name: string): { execute(values?: Record<string, unknown>): Promise<R> } } } & {
  prepare(name: string): { execute(values?: Record<string, unknown>): Promise<R> };
};

/** One compiled statement per lock mode. */
function withLockModes<V extends Record<string, unknown>, R>(name: string, build: (db: Executor) => Lockable<R>) {
  const statements = {
    none: compiled<V, R>(name, (db) => build(db)),
    share: compiled<V, R>(`${name}_share`, (db) => build(db).for('share')),
    update: compiled<V, R>(`${name}_update`, (db) => build(db).for('update')),
  };
  return (executor: Executor, lock: LockMode, values: V): Promise<R> => statements[lock](executor, values);
}

const settingsStatement = withLockModes<Record<string, never>, IamSettingsRow[]>('iam_settings', (db) =>
  db.select().from(iamSettings).where(eq(iamSettings.id, 1)),
);

export async function readSettings(tx: Executor, lock: LockMode): Promise<IamSettingsRow> {
  const row = (await settingsStatement(tx, lock, {}))[0];
  if (row === undefined) throw new Error('iam_settings row is missing: migrations were not applied');
  return row;
}

const tenantsStatement = withLockModes<{ ids: string }, TenantRow[]>('tenants_by_id', (db) =>
  db.select().from(tenants).where(inUuids(tenants.id, 'ids')).orderBy(asc(tenants.id)),
);

/** Locks tenants in id order, so that two transactions locking the same tenants cannot deadlock. */
export async function readTenants(tx: Executor, ids: string[], lock: LockMode): Promise<TenantRow[]> {
  return ids.length === 0 ? [] : tenantsStatement(tx, lock, { ids: uuidList(ids) });
}

const projectStatement = compiled<{ id: string }, ProjectRow[]>('project_by_id', (db) =>
  db.select().from(projects).where(eq(projects.id, placeholder('id'))),
);

export async function readProject(tx: Executor, id: string): Promise<ProjectRow | null> {
  return (await projectStatement(tx, { id }))[0] ?? null;
}

const usersStatement = withLockModes<{ ids: string }, { id: string }[]>('user_ids', (db) =>
  db.select({ id: users.id }).from(users).where(inUuids(users.id, 'ids')).orderBy(asc(users.id)),
);

/** Locks target users in id order; returns the ids that exist. */
export async function readUsers(tx: Executor, ids: string[], lock: LockMode): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await usersStatement(tx, lock, { ids: uuidList(ids) });
  return new Set(rows.map((r) => r.id));
}

export interface UserBindings {
  platformRoles: Map<string, PlatformRole[]>;
  tenantMemberships: Map<string, { tenantId: string; role: TenantRole }[]>;
  projectRoles: Map<string, ProjectRole>;
  /** The users' rows in the project, whatever their status. */
  projectRows: Map<string, ProjectMembershipRow>;
}

const platformRolesStatement = compiled<{ users: string }, { userId: string; role: string }[]>('active_platform_roles', (db) =>
  db
    .select({ userId: platformRoleBindings.userId, role: platformRoleBindings.role })
    .from(platformRoleBindings)
    .where(and(inUuids(platformRoleBindings.userId, 'users'), eq(platformRoleBindings.status, 'active'))),
);

const tenantRolesStatement = compiled<{ users: string }, { userId: string; tenantId: string; role: string }[]>('active_tenant_roles', (db) =>
  db
    .select({ userId: tenantMemberships.userId, tenantId: tenantMemberships.tenantId, role: tenantMemberships.role })
    .from(tenantMemberships)
    .where(and(inUuids(tenantMemberships.userId, 'users'), eq(tenantMemberships.status, 'active'))),
);

// Every status: the decision reads the active role, the change the previous row (its audit before image).
const projectRowsStatement = compiled<{ users: string; project: string }, ProjectMembershipRow[]>('project_memberships_of_users', (db) =>
  db
    .select()
    .from(projectMemberships)
    .where(and(eq(projectMemberships.projectId, placeholder('project')), inUuids(projectMemberships.userId, 'users'))),
);

/** Active bindings of the given users: all platform roles, all tenant memberships, roles in one project. */
export async function readBindings(tx: Executor, userIds: string[], projectId: string | null): Promise<UserBindings> {
  const result: UserBindings = { platformRoles: new Map(), tenantMemberships: new Map(), projectRoles: new Map(), projectRows: new Map() };
  if (userIds.length === 0) return result;
  const list = uuidList(userIds);
  const [platformRows, tenantRows, projectRows] = await inOrder([
    () => platformRolesStatement(tx, { users: list }),
    () => tenantRolesStatement(tx, { users: list }),
    () => (projectId === null ? [] : projectRowsStatement(tx, { users: list, project: projectId })),
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
  for (const row of projectRows) {
    result.projectRows.set(row.userId, row);
    if (row.status === 'active') result.projectRoles.set(row.userId, row.role as ProjectRole);
  }
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
