import { gqlRequest, settle, type PhaseContext } from '../context.js';
import { failuresOf } from '../load.js';
import { BIND_PROJECT } from './mutations.js';

export const BULK_BIND = `mutation($input: BulkBindProjectMembershipsInput!) { bulkBindProjectMemberships(input: $input) { changedCount memberships { id role } } }`;

export interface BulkResult {
  items: number;
  /** Milliseconds: 500 bindProjectMembership calls one after the other, one connection. */
  singlesMs: number;
  /** Milliseconds: median of three bulk calls of all items. */
  bulkMs: number;
  bulkRunsMs: number[];
  /** singles / bulk. */
  speedup: number;
  failures: number;
}

/**
 * The same project and users both ways, every call a real change: the singles move each user to
 * EDITOR, then the bulk calls move all of them VIEWER, EDITOR, VIEWER. A warm-up bulk creates the rows first.
 */
export async function runBulkPhase(context: PhaseContext): Promise<BulkResult> {
  const { bench, load, dataset } = context;
  const { tenant, projectId, targets } = dataset.bulk;
  const actor = tenant.owner.sub;
  const bulkRequest = (role: string) =>
    gqlRequest(bench, actor, BULK_BIND, { input: { tenantId: tenant.id, projectId, bindings: targets.map((t) => ({ userId: t.id, role })) } });
  const bulkOnce = async (role: string) => {
    const result = await load.run({
      url: bench.url,
      connections: 1,
      amount: 1,
      clients: [{ requests: [await bulkRequest(role)] }],
      expect: [`"changedCount":${targets.length}`],
    });
    return { ms: result.latency.max, failures: failuresOf(result) };
  };

  const warm = await bulkOnce('VIEWER');
  const singleRequests = await Promise.all(
    targets.map((t) => gqlRequest(bench, actor, BIND_PROJECT, { input: { tenantId: tenant.id, projectId, userId: t.id, role: 'EDITOR' } })),
  );
  const singles = await load.run({ url: bench.url, connections: 1, amount: targets.length, clients: [{ requests: singleRequests }], expect: ['"changed":true'] });
  await settle(bench, 200);
  const runs = [await bulkOnce('VIEWER'), await bulkOnce('EDITOR'), await bulkOnce('VIEWER')];
  const bulkRunsMs = runs.map((r) => r.ms);
  const bulkMs = [...bulkRunsMs].sort((a, b) => a - b)[1]!;
  return {
    items: targets.length,
    singlesMs: singles.wallMs,
    bulkMs,
    bulkRunsMs,
    speedup: singles.wallMs / bulkMs,
    failures: warm.failures + failuresOf(singles) + runs.reduce((n, r) => n + r.failures, 0),
  };
}
