import type postgres from 'postgres';
import type { Dataset } from './dataset.js';

export interface MutationTarget {
  tenantId: string;
  projectId: string;
  userId: string;
}

export interface ClientPlan {
  /** The tenant owner: ceiling project_owner, so every bind is allowed. */
  actor: { id: string; sub: string };
  targets: MutationTarget[];
}

/**
 * Client k works in tenant k mod T, on its own (project, user) pairs: writers spread over all
 * tenants as many administrators editing their own tenants would, so the per-tenant lock
 * serialises only the clients that share a tenant (at 64 clients over 50 tenants, 14 tenants have
 * two). No two clients touch the same pair, so each client knows the current role of its targets.
 */
export function planClients(dataset: Dataset, clients: number, targetsPerClient = 8): ClientPlan[] {
  const tenants = dataset.tenants.filter((t) => t.projectBindings.length > 0);
  return Array.from({ length: clients }, (_, k) => {
    const tenant = tenants[k % tenants.length]!;
    const sharing = Math.ceil((clients - (k % tenants.length)) / tenants.length);
    const slot = Math.floor(k / tenants.length);
    const own = tenant.projectBindings.filter((_, j) => j % sharing === slot).slice(0, targetsPerClient);
    if (own.length === 0) throw new Error(`tenant ${tenant.id} has no target left for client ${k}`);
    return { actor: tenant.owner, targets: own.map((b) => ({ tenantId: tenant.id, ...b })) };
  });
}

export type ProjectRoleName = 'EDITOR' | 'VIEWER';

export const flip = (role: ProjectRoleName): ProjectRoleName => (role === 'EDITOR' ? 'VIEWER' : 'EDITOR');

export const targetKey = (t: { projectId: string; userId: string }) => `${t.projectId}|${t.userId}`;

/** The current role of every active project binding, read back after each run (a run may stop mid-cycle). */
export async function currentRoles(sql: postgres.Sql): Promise<Map<string, ProjectRoleName>> {
  const rows = await sql<{ project_id: string; user_id: string; role: string }[]>`
    select project_id, user_id, role from project_memberships where status = 'active'`;
  return new Map(rows.map((r) => [targetKey({ projectId: r.project_id, userId: r.user_id }), r.role === 'project_editor' ? 'EDITOR' : 'VIEWER']));
}
