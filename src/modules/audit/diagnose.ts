import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { TenancyMode } from '../../config.js';
import type { Executor } from '../../db/client.js';
import type { AuditLogRow } from '../../db/schema.js';
import { codeOfReason, isDatabaseUnavailable, isErrorReason } from '../../errors/index.js';
import { projectsByIds, tenantsByIds } from '../tenancy/tenancy-repository.js';
import { activePlatformRolesOf, projectMembershipsOf, tenantMembershipsOf, usersByIds } from '../users/user-repository.js';
import { findAuditRows } from './audit-repository.js';
import { classify, type FailureClass } from './failure-classes.js';

// Everything the runbook asks an operator to look at for one correlation_id, in one report:
// the request's log lines and decision, its audit rows, and the current membership state.

export type LogLine = Record<string, unknown>;
export type { FailureClass };

export interface LoggedDecision {
  time: string | null;
  operation: string | null;
  dryRun: boolean;
  allowed: boolean;
  code: string | null;
  reason: string | null;
  ceiling: string | null;
  requestedRole: string | null;
  path: string[];
  action: string | null;
  scope: { kind: string | null; tenantId: string | null; projectId: string | null };
  targetUserId: string | null;
  itemIndex: number | null;
}

export interface LoggedError {
  code: string | null;
  reason: string | null;
  message: string | null;
}

export interface UserState {
  id: string;
  subject: string | null;
  exists: boolean;
  as: ('actor' | 'target')[];
  platformRoles: string[];
  tenantMemberships: { tenantId: string; tenantSlug: string | null; role: string }[];
  projectMemberships: { projectId: string; projectSlug: string | null; tenantId: string; role: string }[];
}

export interface ProjectState {
  id: string;
  exists: boolean;
  slug: string | null;
  tenantId: string | null;
  /** The tenant the request named with this project; null when unknown. */
  expectedTenantId: string | null;
}

export interface TenantState {
  id: string;
  exists: boolean;
  slug: string | null;
}

export interface CrossTenantConflict {
  userId: string;
  requestTenantId: string;
  otherActiveTenants: { tenantId: string; tenantSlug: string | null; role: string }[];
}

export interface Check {
  name: 'actor_active_in_tenant' | 'target_active_in_tenant' | 'project_in_tenant' | 'no_cross_tenant_conflict' | 'audit_coverage';
  ok: boolean;
  detail: string;
}


export interface Diagnosis {
  correlationId: string;
  traceIds: string[];
  actorUserId: string | null;
  operation: string | null;
  outcome: 'allowed' | 'denied' | 'error' | 'unknown';
  decisions: LoggedDecision[];
  errors: LoggedError[];
  /** Whether a log file was read at all (a refused request leaves no audit row, only log lines). */
  logSearched: boolean;
  logLines: LogLine[];
  auditRows: AuditLogRow[];
  auditRowsTruncated: boolean;
  state: {
    tenancyMode: TenancyMode;
    users: UserState[];
    tenants: TenantState[];
    projects: ProjectState[];
    crossTenantConflicts: CrossTenantConflict[];
  };
  checks: Check[];
  failureClass: FailureClass | null;
}

const MAX_AUDIT_ROWS = 5000;

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {});

/** The pino lines of one request from a JSON-lines log file; other lines (pretty output, noise) are skipped. */
export async function readLogLines(file: string, correlationId: string): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  const reader = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const text of reader) {
    // Cheap test first: most lines of a busy log belong to other requests.
    if (!text.includes(correlationId)) continue;
    try {
      const line = JSON.parse(text) as unknown;
      if (typeof line === 'object' && line !== null && (line as LogLine).correlation_id === correlationId) lines.push(line as LogLine);
    } catch {
      // not a JSON line
    }
  }
  return lines;
}

export function decisionsIn(lines: LogLine[]): LoggedDecision[] {
  return lines
    .filter((line) => typeof line.decision === 'object' && line.decision !== null)
    .map((line) => {
      const d = record(line.decision);
      const scope = record(d.scope);
      return {
        time: str(line.time),
        operation: str(line.operation),
        dryRun: line.dry_run === true,
        allowed: d.allowed === true,
        code: str(d.code),
        reason: str(d.reason),
        ceiling: str(d.ceiling),
        requestedRole: str(d.requested_role),
        path: Array.isArray(d.path) ? d.path.filter((p): p is string => typeof p === 'string') : [],
        action: str(d.action),
        scope: { kind: str(scope.kind), tenantId: str(scope.tenant_id), projectId: str(scope.project_id) },
        targetUserId: str(d.target_user_id),
        itemIndex: typeof d.item_index === 'number' ? d.item_index : null,
      };
    });
}

function errorsIn(lines: LogLine[]): LoggedError[] {
  return lines
    .filter((line) => typeof line.err === 'object' && line.err !== null)
    .map((line) => {
      const err = record(line.err);
      const extensions = record(err.extensions);
      // An unexpected error is logged raw (the client got it masked): classify it as the formatter did.
      const reason = isErrorReason(extensions.reason) ? extensions.reason : isDatabaseUnavailable(err) ? 'dependency_unavailable' : 'internal_error';
      return { code: codeOfReason(reason), reason, message: str(err.message) };
    });
}

const unique = <T>(values: (T | null | undefined)[]): T[] => [...new Set(values.filter((v): v is T => v !== null && v !== undefined))];

async function readState(db: Executor, actorUserId: string | null, targetIds: string[], tenantIds: string[], projectRefs: Map<string, string | null>) {
  const userIds = unique([actorUserId, ...targetIds]);
  const [userRows, platformRows, tenantRows, projectRows] = await Promise.all([
    usersByIds(db, userIds),
    activePlatformRolesOf(db, userIds),
    tenantMembershipsOf(db, userIds),
    projectMembershipsOf(db, userIds),
  ]);
  const activeTenantRows = tenantRows.filter((m) => m.status === 'active');
  const activeProjectRows = projectRows.filter((m) => m.status === 'active');
  const allTenantIds = unique([...tenantIds, ...activeTenantRows.map((m) => m.tenantId)]);
  const allProjectIds = unique([...projectRefs.keys(), ...activeProjectRows.map((m) => m.projectId)]);
  const [tenants, projects] = await Promise.all([tenantsByIds(db, allTenantIds), projectsByIds(db, allProjectIds)]);
  const slugOfTenant = new Map(tenants.map((t) => [t.id, t.slug]));
  const projectById = new Map(projects.map((p) => [p.id, p]));

  const users: UserState[] = userIds.map((id) => {
    const row = userRows.find((u) => u.id === id);
    return {
      id,
      subject: row?.subject ?? null,
      exists: row !== undefined,
      as: [...(id === actorUserId ? (['actor'] as const) : []), ...(targetIds.includes(id) ? (['target'] as const) : [])],
      platformRoles: platformRows.filter((r) => r.userId === id).map((r) => r.role),
      tenantMemberships: activeTenantRows
        .filter((m) => m.userId === id)
        .map((m) => ({ tenantId: m.tenantId, tenantSlug: slugOfTenant.get(m.tenantId) ?? null, role: m.role })),
      projectMemberships: activeProjectRows
        .filter((m) => m.userId === id)
        .map((m) => ({ projectId: m.projectId, projectSlug: projectById.get(m.projectId)?.slug ?? null, tenantId: m.tenantId, role: m.role })),
    };
  });
  const tenantStates: TenantState[] = tenantIds.map((id) => ({ id, exists: slugOfTenant.has(id), slug: slugOfTenant.get(id) ?? null }));
  const projectStates: ProjectState[] = [...projectRefs].map(([id, expectedTenantId]) => {
    const row = projectById.get(id);
    return { id, exists: row !== undefined, slug: row?.slug ?? null, tenantId: row?.tenantId ?? null, expectedTenantId };
  });
  return { users, tenants: tenantStates, projects: projectStates };
}

function checksOf(diagnosis: Omit<Diagnosis, 'checks' | 'failureClass'>, requestTenantId: string | null, targetIds: string[]): Check[] {
  const checks: Check[] = [];
  const { state } = diagnosis;
  const decision = diagnosis.decisions.find((d) => !d.dryRun) ?? diagnosis.decisions[0];
  const membershipCheck = (name: Check['name'], user: UserState, tenantId: string): Check => {
    const membership = user.tenantMemberships.find((m) => m.tenantId === tenantId);
    return {
      name,
      ok: membership !== undefined,
      detail: membership
        ? `${user.subject ?? user.id} is active in tenant ${tenantId} as ${membership.role}`
        : `${user.subject ?? user.id} holds no active membership in tenant ${tenantId}`,
    };
  };
  if (requestTenantId !== null) {
    // A platform actor acts in any tenant; everyone else only where it is active.
    const actor = state.users.find((u) => u.as.includes('actor'));
    if (actor !== undefined && actor.platformRoles.length === 0) checks.push(membershipCheck('actor_active_in_tenant', actor, requestTenantId));
    // Only where the rules need the target inside the tenant: a project binding (rule 5) or a revoke.
    // A tenant bind is how a target gets in, so its absence there is no finding.
    if (decision !== undefined && (decision.scope.kind === 'project' || decision.action === 'revoke')) {
      for (const user of state.users.filter((u) => targetIds.includes(u.id))) checks.push(membershipCheck('target_active_in_tenant', user, requestTenantId));
    }
  }
  for (const project of state.projects) {
    if (project.expectedTenantId === null) continue;
    checks.push({
      name: 'project_in_tenant',
      ok: project.exists && project.tenantId === project.expectedTenantId,
      detail: !project.exists
        ? `project ${project.id} does not exist`
        : `project ${project.slug} belongs to tenant ${project.tenantId}${project.tenantId === project.expectedTenantId ? ', the tenant named' : `, not to ${project.expectedTenantId}`}`,
    });
  }
  if (state.tenancyMode === 'strict') {
    for (const conflict of state.crossTenantConflicts) {
      checks.push({
        name: 'no_cross_tenant_conflict',
        ok: false,
        detail: `${conflict.userId} is active in ${conflict.otherActiveTenants.map((t) => t.tenantSlug ?? t.tenantId).join(', ')} besides tenant ${conflict.requestTenantId} (strict mode)`,
      });
    }
  }
  const changing = diagnosis.decisions.find((d) => !d.dryRun);
  if (changing?.allowed) {
    const unchanged = changing.path.includes('noop:pass unchanged');
    const covered = diagnosis.auditRows.length > 0;
    checks.push({
      name: 'audit_coverage',
      ok: covered || unchanged,
      detail: covered
        ? `${diagnosis.auditRows.length} audit row(s) carry this correlation_id`
        : unchanged
          ? 'no audit row: the binding was unchanged (changed: false writes none)'
          : 'an allowed change left no audit row with this correlation_id: investigate (the request may have failed after the decision)',
    });
  }
  return checks;
}

/**
 * Builds the report for one correlation_id from the log lines (if a log was searched) and the
 * database. Reads only; the state is the current one, which may have moved on since the request.
 */
export async function diagnose(
  db: Executor,
  options: { correlationId: string; logLines: LogLine[] | null; tenancyMode: TenancyMode },
): Promise<Diagnosis> {
  const { correlationId } = options;
  const logLines = options.logLines ?? [];
  const newestFirst = await findAuditRows(db, { correlationId, visibleTenantIds: null, beforeSeq: null, limit: MAX_AUDIT_ROWS + 1 });
  const auditRows = newestFirst.slice(0, MAX_AUDIT_ROWS).reverse();
  const decisions = decisionsIn(logLines);
  const errors = errorsIn(logLines);

  const actorUserId = unique([...logLines.map((l) => str(l.actor_user_id)), ...auditRows.map((r) => r.actorUserId)])[0] ?? null;
  const targetIds = unique([...decisions.map((d) => d.targetUserId), ...auditRows.map((r) => r.targetUserId)]);
  const requestTenantId = decisions.find((d) => d.scope.tenantId !== null)?.scope.tenantId ?? null;
  const tenantIds = unique([...decisions.map((d) => d.scope.tenantId), ...auditRows.map((r) => r.tenantId)]);
  const projectRefs = new Map<string, string | null>();
  for (const d of decisions) if (d.scope.projectId !== null) projectRefs.set(d.scope.projectId, d.scope.tenantId);
  for (const r of auditRows) if (r.projectId !== null && !projectRefs.has(r.projectId)) projectRefs.set(r.projectId, r.tenantId);

  const { users, tenants, projects } = await readState(db, actorUserId, targetIds, tenantIds, projectRefs);
  // The tenant a target should be in: the request's own, or where a successful change put it.
  const homeTenant = (userId: string) =>
    requestTenantId ?? [...auditRows].reverse().find((r) => r.targetUserId === userId && r.tenantId !== null && record(r.after).status === 'active')?.tenantId ?? null;
  const crossTenantConflicts: CrossTenantConflict[] =
    options.tenancyMode !== 'strict'
      ? []
      : users
          .filter((u) => u.as.includes('target'))
          .flatMap((u) => {
            const home = homeTenant(u.id);
            const others = u.tenantMemberships.filter((m) => m.tenantId !== home);
            return home === null || others.length === 0 ? [] : [{ userId: u.id, requestTenantId: home, otherActiveTenants: others }];
          });

  const lastDecision = decisions.filter((d) => !d.dryRun).at(-1) ?? decisions.at(-1);
  const outcome: Diagnosis['outcome'] =
    lastDecision?.allowed === false ? 'denied' : errors.length > 0 ? 'error' : lastDecision?.allowed || auditRows.length > 0 ? 'allowed' : 'unknown';
  const base = {
    correlationId,
    traceIds: unique([...logLines.map((l) => str(l.trace_id)), ...auditRows.map((r) => r.traceId)]),
    actorUserId,
    operation: lastDecision?.operation ?? unique(logLines.map((l) => str(l.operation)))[0] ?? auditRows[0]?.action ?? null,
    outcome,
    decisions,
    errors,
    logSearched: options.logLines !== null,
    logLines,
    auditRows,
    auditRowsTruncated: newestFirst.length > MAX_AUDIT_ROWS,
    state: { tenancyMode: options.tenancyMode, users, tenants, projects, crossTenantConflicts },
  };
  const failureClass = outcome === 'denied' || outcome === 'error' ? classify(lastDecision?.allowed === false ? lastDecision : errors[0]) : null;
  return { ...base, checks: checksOf(base, requestTenantId, targetIds), failureClass };
}
