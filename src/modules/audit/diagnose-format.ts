import type { Diagnosis, UserState } from './diagnose.js';

// The human-readable form of a Diagnosis, in the runbook's order: what happened (decision and
// errors from the logs), what was written (audit rows), what holds now (state and checks).

const MAX_USERS_SHOWN = 20;
const MAX_AUDIT_ROWS_SHOWN = 50;

const json = (value: unknown) => (value === null || value === undefined ? '-' : JSON.stringify(value));

function userLines(user: UserState): string[] {
  const lines = [`  ${user.subject ?? '(unknown user)'} ${user.id} [${user.as.join(', ')}]${user.exists ? '' : ' DOES NOT EXIST'}`];
  lines.push(`    platform roles: ${user.platformRoles.length ? user.platformRoles.join(', ') : 'none'}`);
  lines.push(
    `    tenants:  ${user.tenantMemberships.length ? user.tenantMemberships.map((m) => `${m.role} in ${m.tenantSlug ?? '?'} (${m.tenantId})`).join('; ') : 'none active'}`,
  );
  lines.push(
    `    projects: ${
      user.projectMemberships.length
        ? user.projectMemberships.map((m) => `${m.role} in ${m.projectSlug ?? '?'} (${m.projectId}, tenant ${m.tenantId})`).join('; ')
        : 'none active'
    }`,
  );
  return lines;
}

export function formatDiagnosis(d: Diagnosis): string {
  const out: string[] = [];
  out.push(`correlation_id ${d.correlationId}`);
  out.push(`  trace_id:  ${d.traceIds.join(', ') || '-'}`);
  out.push(`  actor:     ${d.actorUserId ?? '-'}`);
  out.push(`  operation: ${d.operation ?? '-'}`);
  out.push(`  outcome:   ${d.outcome}`);
  if (d.failureClass) {
    out.push(`  class:     ${d.failureClass.name}`);
    out.push(`  next step: ${d.failureClass.mitigation}`);
  }

  out.push('', `Decision (from the logs)`);
  if (!d.logSearched) out.push('  no log file given (--log <file>): a refused request leaves no audit row, only log lines');
  else if (d.decisions.length === 0) out.push('  no authorization decision logged for this correlation_id');
  for (const decision of d.decisions) {
    out.push(
      `  ${decision.allowed ? 'ALLOWED' : 'DENIED'}${decision.dryRun ? ' (dry run: explainGrant)' : ''} ${decision.operation ?? ''} ${decision.action ?? ''} at ${decision.scope.kind ?? '?'} scope`,
    );
    if (!decision.allowed) out.push(`    code: ${decision.code}  reason: ${decision.reason}`);
    out.push(`    ceiling: ${decision.ceiling ?? 'none'}  requested_role: ${decision.requestedRole ?? '-'}`);
    out.push(`    tenant: ${decision.scope.tenantId ?? '-'}  project: ${decision.scope.projectId ?? '-'}  target: ${decision.targetUserId ?? '-'}`);
    if (decision.itemIndex !== null) out.push(`    item_index: ${decision.itemIndex}`);
    out.push(`    path: ${decision.path.join(' > ')}`);
  }
  for (const error of d.errors) out.push(`  error: ${error.code ?? '?'}/${error.reason ?? '?'} ${error.message ?? ''}`);
  if (d.logSearched) out.push(`  ${d.logLines.length} log line(s) carry this correlation_id`);

  out.push('', `Audit rows (${d.auditRows.length}${d.auditRowsTruncated ? '+, truncated' : ''})`);
  if (d.auditRows.length === 0) out.push('  none (expected for a refused request or an unchanged binding)');
  for (const row of d.auditRows.slice(0, MAX_AUDIT_ROWS_SHOWN)) {
    out.push(
      `  ${row.occurredAt.toISOString()} ${row.action} target ${row.targetUserId ?? '-'} tenant ${row.tenantId ?? '-'} project ${row.projectId ?? '-'}`,
    );
    out.push(`    before ${json(row.before)} after ${json(row.after)}${row.reason ? ` reason ${JSON.stringify(row.reason)}` : ''}`);
  }
  if (d.auditRows.length > MAX_AUDIT_ROWS_SHOWN) out.push(`  ... ${d.auditRows.length - MAX_AUDIT_ROWS_SHOWN} more (--json for all)`);

  out.push('', `Current state (tenancy mode ${d.state.tenancyMode})`);
  for (const user of d.state.users.slice(0, MAX_USERS_SHOWN)) out.push(...userLines(user));
  if (d.state.users.length > MAX_USERS_SHOWN) out.push(`  ... ${d.state.users.length - MAX_USERS_SHOWN} more users (--json for all)`);
  for (const tenant of d.state.tenants) out.push(`  tenant ${tenant.id}: ${tenant.exists ? tenant.slug : 'DOES NOT EXIST'}`);
  for (const project of d.state.projects) {
    out.push(`  project ${project.id}: ${project.exists ? `${project.slug}, tenant ${project.tenantId}` : 'DOES NOT EXIST'}`);
  }

  out.push('', 'Checks');
  if (d.checks.length === 0) out.push('  none apply');
  for (const check of d.checks) out.push(`  [${check.ok ? 'ok' : '!!'}] ${check.name}: ${check.detail}`);
  return out.join('\n');
}
