import type { ScopeCheck } from './decision.js';
import type { PlatformRole, TenantRole } from './roles.js';

// Who may see what. Pure, like the engine: callers pass the bindings they loaded.

export interface ViewerBindings {
  platformRoles: readonly PlatformRole[];
  /** Active tenant memberships of the viewer. */
  tenantRoles: ReadonlyMap<string, TenantRole>;
}

/** A viewer from its bindings as read; memberships without a status are active ones. */
export function viewerBindings(platformRoles: readonly string[], memberships: readonly { tenantId: string; role: string; status?: string }[]): ViewerBindings {
  return {
    platformRoles: platformRoles as PlatformRole[],
    tenantRoles: new Map(memberships.filter((m) => m.status === undefined || m.status === 'active').map((m) => [m.tenantId, m.role as TenantRole])),
  };
}

/** platform_admin and platform_auditor read everything. */
export function isPlatformViewer(viewer: { platformRoles: readonly PlatformRole[] }): boolean {
  return viewer.platformRoles.length > 0;
}

export function canSeeTenant(viewer: ViewerBindings, tenantId: string): boolean {
  return isPlatformViewer(viewer) || viewer.tenantRoles.has(tenantId);
}

/** Tenants whose members (and their audit rows) the viewer administers: owner or admin. */
export function administeredTenantIds(viewer: ViewerBindings): string[] {
  return [...viewer.tenantRoles].filter(([, role]) => role === 'tenant_owner' || role === 'tenant_admin').map(([id]) => id);
}

/**
 * Resolves the ids a request names against what exists and what the actor may see.
 * Non-platform actors get scope_mismatch alike for a missing tenant and someone else's, so ids cannot be probed.
 */
export function checkScope(args: {
  viewer: ViewerBindings;
  tenantId: string | null;
  tenantExists: boolean;
  projectId: string | null;
  /** The tenant the project belongs to, null if the project does not exist. */
  projectTenantId: string | null;
  extraTenants?: { id: string; exists: boolean }[];
  targetUserIds?: { id: string; exists: boolean }[];
}): ScopeCheck {
  const platform = isPlatformViewer(args.viewer);
  if (args.tenantId !== null) {
    if (platform ? !args.tenantExists : !args.tenantExists || !args.viewer.tenantRoles.has(args.tenantId)) {
      return platform ? 'tenant_not_found' : 'scope_mismatch';
    }
    if (args.projectId !== null && args.projectTenantId !== args.tenantId) {
      return platform ? 'project_not_found' : 'scope_mismatch';
    }
  }
  // Every tenant a request names (a rehome's source too) gets the same answer as the main one;
  // checking only existence here let a non-platform actor probe tenant ids.
  for (const extra of args.extraTenants ?? []) {
    if (platform ? !extra.exists : !extra.exists || !args.viewer.tenantRoles.has(extra.id)) {
      return platform ? 'tenant_not_found' : 'scope_mismatch';
    }
  }
  for (const target of args.targetUserIds ?? []) {
    if (!target.exists) return 'user_not_found';
  }
  return 'ok';
}
