import { and, eq, sql } from 'drizzle-orm';
import { compiled, placeholder } from '../../db/statement.js';
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

/**
 * Set-based: every binding in one statement, whatever the batch size, its rows sent as one JSON
 * parameter so that the statement (built once) is the same for one binding and for 500. The select
 * lists the table's columns in their declared order, as an insert from a select requires.
 */
const upsertStatement = compiled<{ tenantId: string; projectId: string; bindings: string }, ProjectMembershipRow[]>('upsert_project_memberships', (db) =>
  db
    .insert(projectMemberships)
    .select(
      sql`select gen_random_uuid(), ${placeholder('projectId')}::uuid, ${placeholder('tenantId')}::uuid, r.user_id, r.role, 'active', ${now}, ${now}
          from jsonb_array_elements(${placeholder('bindings')}::jsonb) with ordinality as e(value, n)
          cross join lateral jsonb_populate_record(null::project_memberships, e.value) as r
          order by e.n`,
    )
    .onConflictDoUpdate({
      target: [projectMemberships.projectId, projectMemberships.userId],
      set: { role: sql`excluded.role`, status: 'active', updatedAt: now },
    })
    .returning(),
);

export async function upsertProjectMemberships(
  tx: Executor,
  tenantId: string,
  projectId: string,
  bindings: { userId: string; role: ProjectRole }[],
): Promise<ProjectMembershipRow[]> {
  if (bindings.length === 0) return [];
  const rows = bindings.map((b) => ({ user_id: b.userId, role: b.role }));
  return upsertStatement(tx, { tenantId, projectId, bindings: JSON.stringify(rows) });
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
