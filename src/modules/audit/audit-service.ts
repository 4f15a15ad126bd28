import type { AuthzGrant } from '../../authz/types.js';
import { optionalUuidValue } from '../../authz/validate.js';
import type { AuditLogRow } from '../../db/schema.js';
import type { Executor } from '../../db/client.js';
import { administeredTenantIds, isPlatformViewer, type ViewerBindings } from '../../policy/visibility.js';
import { decodeCursor, encodeCursor, pageSize, type Page } from '../../pagination.js';
import { appendAuditRows, findAuditRows, type AuditEntry, type AuditFilter } from './audit-repository.js';

export type { AuditEntry };

/** Writes the audit rows of an authorized change, in the change's own transaction. */
export function recordAudit(grant: AuthzGrant, entries: AuditEntry[]): Promise<AuditLogRow[]> {
  return appendAuditRows(grant.tx, { actorUserId: grant.actorUserId, correlationId: grant.correlationId, traceId: grant.traceId }, entries);
}

export type AuditFilterInput = AuditFilter;

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
    correlationId: filter?.correlationId ?? null,
    actorUserId: optionalUuidValue(filter?.actorUserId, 'filter.actorUserId'),
    targetUserId: optionalUuidValue(filter?.targetUserId, 'filter.targetUserId'),
    tenantId: optionalUuidValue(filter?.tenantId, 'filter.tenantId'),
    projectId: optionalUuidValue(filter?.projectId, 'filter.projectId'),
    action: filter?.action ?? null,
    since: filter?.since ?? null,
    until: filter?.until ?? null,
    visibleTenantIds: isPlatformViewer(viewer) ? null : administeredTenantIds(viewer),
    beforeSeq: cursor === null ? null : Number(cursor),
    limit: limit + 1,
  });
  const nodes = rows.slice(0, limit);
  const last = nodes[nodes.length - 1];
  return { nodes, pageInfo: { hasNextPage: rows.length > limit, endCursor: last ? encodeCursor(String(last.seq)) : null } };
}
