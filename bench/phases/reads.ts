import { gqlRequest, settle, type PhaseContext } from '../context.js';
import { failuresOf, requestsPerSecond, type LoadRequest } from '../load.js';

export const TYPICAL_READ = `{ me { id tenantMemberships { role tenant { id slug } } projectMemberships { role } } }`;
export const TYPENAME = `{ __typename }`;

export interface ThroughputRow {
  requestsPerSecond: number;
  /** Milliseconds. */
  latency: { p50: number; p99: number };
  failures: number;
}

export interface ReadsResult {
  concurrency: number;
  typical: ThroughputRow;
  typename: ThroughputRow;
  /** typical / __typename throughput. */
  ratio: number;
}

/** Members of different tenants, one per connection: each request reads its own actor's bindings. */
export async function readerRequests({ bench, dataset }: PhaseContext, count: number, query: string): Promise<LoadRequest[]> {
  const tenants = dataset.tenants;
  return Promise.all(
    Array.from({ length: count }, (_, k) => {
      const tenant = tenants[k % tenants.length]!;
      const member = tenant.members[(1 + Math.floor(k / tenants.length)) % tenant.members.length]!;
      return gqlRequest(bench, member.sub, query);
    }),
  );
}

export async function measure(context: PhaseContext, requests: LoadRequest[], seconds: number, expect: string[]): Promise<ThroughputRow> {
  const result = await context.load.run({
    url: context.bench.url,
    connections: requests.length,
    duration: seconds,
    clients: requests.map((r) => ({ requests: [r] })),
    expect,
  });
  await settle(context.bench, 200);
  return { requestsPerSecond: requestsPerSecond(result), latency: { p50: result.latency.p50, p99: result.latency.p99 }, failures: failuresOf(result) };
}

/** The typical read beside the cheapest authenticated request, same server, same concurrency. */
export async function runReadsPhase(context: PhaseContext): Promise<ReadsResult> {
  const { options } = context;
  const c = options.readConcurrency;
  const typicalRequests = await readerRequests(context, c, TYPICAL_READ);
  const typenameRequests = await readerRequests(context, c, TYPENAME);
  await measure(context, typicalRequests, options.shortSeconds, ['"tenantMemberships"']);
  const typical = await measure(context, typicalRequests, options.seconds, ['"tenantMemberships"']);
  await measure(context, typenameRequests, options.shortSeconds, ['"__typename"']);
  const typename = await measure(context, typenameRequests, options.seconds, ['"__typename"']);
  return { concurrency: c, typical, typename, ratio: typical.requestsPerSecond / typename.requestsPerSecond };
}
