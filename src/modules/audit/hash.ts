import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every depth, so jsonb's key reordering does not change a hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface HashedAuditContent {
  id: string;
  occurredAt: Date;
  correlationId: string;
  traceId: string;
  actorUserId: string | null;
  action: string;
  targetUserId: string | null;
  tenantId: string | null;
  projectId: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
  chain: string;
  chainSeq: number;
  prevHash: string | null;
}

/** The row's hash covers its content and the previous row's hash: editing or removing a row breaks the chain. */
export function auditRowHash(row: HashedAuditContent): string {
  return createHash('sha256').update(canonicalJson(row)).digest('hex');
}

export function chainOf(tenantId: string | null): string {
  return tenantId === null ? 'platform' : `tenant:${tenantId}`;
}
