import v8 from 'node:v8';
import vm from 'node:vm';
import { gqlRequest, settle, type PhaseContext } from '../context.js';
import { failuresOf, type LoadRequest } from '../load.js';
import { FAN_OUT_QUERY, fanOutVariables } from './fan-out.js';
import { readerRequests, TYPENAME, TYPICAL_READ } from './reads.js';

export interface MemoryResult {
  requests: number;
  /** MiB, after a full garbage collection. */
  rssBefore: number;
  rssAfter: number;
  heapBefore: number;
  heapAfter: number;
  /** RSS growth over the run, percent. */
  growthPercent: number;
  failures: number;
}

function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  for (let i = 0; i < 3; i += 1) gc();
}

const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

/**
 * A mixed read load (typical read, fan-out, __typename) of `memoryRequests` requests after
 * `memoryWarmupRequests` of the same, with RSS taken after a forced collection on both sides.
 * The load generator is a thread of this process, alive throughout, so its memory is in both numbers.
 */
export async function runMemoryPhase(context: PhaseContext): Promise<MemoryResult> {
  const { bench, load, dataset, options } = context;
  const c = options.readConcurrency;
  const typical = await readerRequests(context, c, TYPICAL_READ);
  const typename = await readerRequests(context, c, TYPENAME);
  const fanOutTenant = dataset.fanOut[Math.min(1, dataset.fanOut.length - 1)]!.tenant;
  const fanOut = await gqlRequest(bench, fanOutTenant.owner.sub, FAN_OUT_QUERY, fanOutVariables(fanOutTenant.id));
  const clients = typical.map((read, k): { requests: LoadRequest[] } => ({ requests: [read, typename[k]!, fanOut, typename[k]!] }));
  const run = (amount: number) => load.run({ url: bench.url, connections: c, amount, clients, expect: ['"data"'] });

  const warm = await run(options.memoryWarmupRequests);
  await settle(bench, 200);
  collectGarbage();
  const before = process.memoryUsage();
  const measured = await run(options.memoryRequests);
  await settle(bench, 200);
  collectGarbage();
  const after = process.memoryUsage();
  return {
    requests: options.memoryRequests,
    rssBefore: mib(before.rss),
    rssAfter: mib(after.rss),
    heapBefore: mib(before.heapUsed),
    heapAfter: mib(after.heapUsed),
    growthPercent: ((after.rss - before.rss) / before.rss) * 100,
    failures: failuresOf(warm) + failuresOf(measured),
  };
}
