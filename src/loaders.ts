import DataLoader from 'dataloader';
import { eq } from 'drizzle-orm';
import type { Executor } from './db/client.js';
import { firstRowsPerGroup, type Position } from './db/keyset.js';
import {
  projectMemberships,
  projects,
  tenantMemberships,
  type ProjectMembershipRow,
  type ProjectRow,
  type TenantMembershipRow,
  type TenantRow,
  type UserRow,
} from './db/schema.js';
import { projectsByIds, tenantsByIds } from './modules/tenancy/tenancy-repository.js';
import {
  activePlatformRolesOf,
  projectMembershipsOf,
  tenantMembershipsOf,
  usersByIds,
  viewerSnapshotOf,
  type ViewerSnapshot,
} from './modules/users/user-repository.js';
import { decodeCursor, pageSize, parsePosition, toPage, type Page } from './pagination.js';
import type { PlatformRole } from './policy/roles.js';
import { viewerBindings, type ViewerBindings } from './policy/visibility.js';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

interface ConnectionKey {
  groupId: string;
  limit: number;
  position: Position;
  cursor: string | null;
}

export interface ConnectionLoader<Row> {
  load(groupId: string, args: PageArgs): Promise<Page<Row>>;
}

function byId<T extends { id: string }>(rows: T[], ids: readonly string[]): (T | null)[] {
  const map = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => map.get(id) ?? null);
}

function groupedBy<T, K extends keyof T>(rows: T[], key: K, ids: readonly string[]): T[][] {
  const map = new Map<unknown, T[]>();
  for (const row of rows) {
    const list = map.get(row[key]);
    if (list === undefined) map.set(row[key], [row]);
    else list.push(row);
  }
  return ids.map((id) => map.get(id) ?? []);
}

/**
 * A page per parent, batched: the parents of one request that ask for the same page size and
 * cursor are answered by one statement, so the statement count does not grow with the rows.
 */
function connectionLoader<Row extends { id: string; createdAt: Date }>(
  db: Executor,
  table: PgTable & { id: PgColumn; createdAt: PgColumn },
  groupColumn: PgColumn,
  groupKey: keyof Row,
  filter: SQL | undefined,
): ConnectionLoader<Row> {
  const loader = new DataLoader<ConnectionKey, Page<Row>, string>(
    async (keys) => {
      const batches = new Map<string, ConnectionKey[]>();
      for (const key of keys) {
        const batch = `${key.limit}|${key.cursor ?? ''}`;
        batches.set(batch, [...(batches.get(batch) ?? []), key]);
      }
      const pages = new Map<string, Page<Row>>();
      for (const batch of batches.values()) {
        const { limit, position } = batch[0]!;
        const groupIds = batch.map((k) => k.groupId);
        const rows = await firstRowsPerGroup<Row>(db, table, groupColumn, groupIds, filter, position, limit + 1);
        const grouped = groupedBy(rows, groupKey, groupIds);
        batch.forEach((key, i) => pages.set(`${key.groupId}|${key.limit}|${key.cursor ?? ''}`, toPage(grouped[i]!, limit)));
      }
      return keys.map((k) => pages.get(`${k.groupId}|${k.limit}|${k.cursor ?? ''}`)!);
    },
    { cacheKeyFn: (k) => `${k.groupId}|${k.limit}|${k.cursor ?? ''}` },
  );
  return {
    load: (groupId, args) => {
      const cursor = decodeCursor(args.after);
      return loader.load({ groupId, limit: pageSize(args.first), position: parsePosition(cursor), cursor });
    },
  };
}

export function createLoaders(db: Executor, actorUserId: string | null) {
  let snapshot: Promise<ViewerSnapshot | null> | null = null;
  /** The actor's user row, bindings and their tenants, read once per request, when first needed. */
  const actorSnapshot = (): Promise<ViewerSnapshot | null> => (snapshot ??= actorUserId === null ? Promise.resolve(null) : viewerSnapshotOf(db, actorUserId));

  /** A batch function that answers the actor's key from its snapshot and reads only the other keys. */
  const actorAware =
    <T>(batch: (ids: readonly string[]) => Promise<T[]>, fromSnapshot: (snapshot: ViewerSnapshot | null) => T) =>
    async (ids: readonly string[]): Promise<T[]> => {
      const others = ids.filter((id) => id !== actorUserId);
      if (others.length === ids.length) return batch(ids);
      const [own, rest] = await Promise.all([actorSnapshot(), others.length === 0 ? [] : batch(others)]);
      let next = 0;
      return ids.map((id) => (id === actorUserId ? fromSnapshot(own) : rest[next++]!));
    };

  const tenantMembershipsOfUser = new DataLoader<string, TenantMembershipRow[]>(
    actorAware(async (ids) => groupedBy(await tenantMembershipsOf(db, ids), 'userId', ids), (own) => own?.tenantMemberships ?? []),
  );
  const platformRoles = new DataLoader<string, PlatformRole[]>(
    actorAware(
      async (ids) => groupedBy(await activePlatformRolesOf(db, ids), 'userId', ids).map((rows) => rows.map((r) => r.role as PlatformRole)),
      (own) => (own?.platformRoles ?? []) as PlatformRole[],
    ),
  );
  let viewer: Promise<ViewerBindings> | null = null;
  return {
    user: new DataLoader<string, UserRow | null>(actorAware(async (ids) => byId(await usersByIds(db, ids), ids), (own) => own?.user ?? null)),
    // The tenants of the actor's memberships come with its snapshot when that has been read.
    tenant: new DataLoader<string, TenantRow | null>(async (ids) => {
      const known = new Map((snapshot === null ? [] : ((await snapshot)?.tenantMemberships ?? [])).map((m) => [m.tenant.id, m.tenant]));
      const unknown = ids.filter((id) => !known.has(id));
      const read = unknown.length === 0 ? [] : await tenantsByIds(db, unknown);
      return byId([...known.values(), ...read], ids);
    }),
    project: new DataLoader<string, ProjectRow | null>(async (ids) => byId(await projectsByIds(db, ids), ids)),
    platformRoles,
    tenantMembershipsOfUser,
    projectMembershipsOfUser: new DataLoader<string, ProjectMembershipRow[]>(
      actorAware(async (ids) => groupedBy(await projectMembershipsOf(db, ids), 'userId', ids), (own) => own?.projectMemberships ?? []),
    ),
    tenantMembers: connectionLoader<TenantMembershipRow>(db, tenantMemberships, tenantMemberships.tenantId, 'tenantId', eq(tenantMemberships.status, 'active')),
    projectMembers: connectionLoader<ProjectMembershipRow>(db, projectMemberships, projectMemberships.projectId, 'projectId', eq(projectMemberships.status, 'active')),
    tenantProjects: connectionLoader<ProjectRow>(db, projects, projects.tenantId, 'tenantId', undefined),
    /** The actor's own bindings, for visibility decisions on reads. */
    viewer: (): Promise<ViewerBindings> => {
      viewer ??= actorSnapshot().then((own) => viewerBindings(own?.platformRoles ?? [], own?.tenantMemberships ?? []));
      return viewer;
    },
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/** For ids behind a foreign key: the row exists, so null would be a broken database. */
export async function loadExisting<T>(loader: DataLoader<string, T | null>, id: string): Promise<T> {
  const row = await loader.load(id);
  if (row === null) throw new Error(`row ${id} referenced by a foreign key is missing`);
  return row;
}
