import type { AuthzGrant } from '../../authz/types.js';
import { optionalFilterText, optionalUuidValue } from '../../authz/validate.js';
import { gatewayError } from '../../errors/index.js';
import type { AuditLogRow } from '../../db/schema.js';
import type { Executor } from '../../db/client.js';
import { administeredTenantIds, isPlatformViewer, type ViewerBindings } from '../../policy/visibility.js';
import { decodeCursor, encodeCursor, pageSize, type Page } from '../../pagination.js';
import { appendAuditRows, findAuditRows, type AuditEntry, type AuditFilter } from './audit-repository.js';

export type { AuditEntry };

/** Writes the audit rows of an authorized change, in the change's own transaction, under the chain heads the grant locked. */
export function recordAudit(grant: AuthzGrant, entries: AuditEntry[]): Promise<void> {
  const origin = { actorUserId: grant.actorUserId, correlationId: grant.correlationId, traceId: grant.traceId };
  return appendAuditRows(grant.tx, origin, entries, grant.state.auditHeads);
}

export type AuditFilterInput = AuditFilter;

/** Audit pages are keyed on seq; a cursor from another listing (or forged) is refused, not sent to SQL as NaN. */
function auditPosition(cursor: string): number {
  if (!/^[1-9][0-9]{0,15}$/.test(cursor)) throw gatewayError('validation_failed', 'after is not a valid cursor', { field: 'after' });
  return Number(cursor);
}

/** Platform roles see every row; tenant owners and admins the rows of their tenants; others none. */
export async function listAuditLogs(
  db: Executor,
  viewer: ViewerBindings,
  filter: AuditFilterInput | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Page<AuditLogRow>> {
  const limit = pageSize(first);
  const cursor = decodeCursor(after);
  const rows = await findAuditRows(db, {
    correlationId: optionalFilterText(filter?.correlationId, 'filter.correlationId'),
    actorUserId: optionalUuidValue(filter?.actorUserId, 'filter.actorUserId'),
    targetUserId: optionalUuidValue(filter?.targetUserId, 'filter.targetUserId'),
    tenantId: optionalUuidValue(filter?.tenantId, 'filter.tenantId'),
    projectId: optionalUuidValue(filter?.projectId, 'filter.projectId'),
    action: optionalFilterText(filter?.action, 'filter.action'),
    since: filter?.since ?? null,
    until: filter?.until ?? null,
    visibleTenantIds: isPlatformViewer(viewer) ? null : administeredTenantIds(viewer),
    beforeSeq: cursor === null ? null : auditPosition(cursor),
    limit: limit + 1,
  });
  const nodes = rows.slice(0, limit);
  const last = nodes[nodes.length - 1];
  return { nodes, pageInfo: { hasNextPage: rows.length > limit, endCursor: last ? encodeCursor(String(last.seq)) : null } };
}
