// `npm run bench:profile -- <reads|mutations|bulk> [seconds]`: one load run (the typical read,
// bindProjectMembership at c=16, or bulk binds of 500 one after another) with the inspector's CPU profiler on the gateway's thread, written
// as bench/results/<phase>-<time>.cpuprofile (open it in Chrome DevTools or speedscope), and the
// hottest functions by self time printed. The load generator runs in its own thread, off the profile.
import { Session } from 'node:inspector/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBenchGateway } from './bench-gateway.js';
import type { PhaseContext } from './context.js';
import { loadDataset } from './dataset.js';
import { LoadGenerator } from './load.js';
import { optionsFromEnv } from './options.js';
import { clientRequests } from './phases/mutations.js';
import { measure, readerRequests, TYPICAL_READ } from './phases/reads.js';
import { gqlRequest, settle } from './context.js';
import { BULK_BIND } from './phases/bulk.js';
import { failuresOf, requestsPerSecond } from './load.js';
import { currentRoles, planClients } from './targets.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

function hottest(profile: { nodes: ProfileNode[] }, top = 40): string {
  const self = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    total += hits;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(src|bench)\//, '$1/');
    const key = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + hits);
  }
  const byPackage = new Map<string, number>();
  for (const [key, hits] of self) {
    const file = key.split(' ').slice(1).join(' ');
    const pkg = /^(@[^/]+\/[^/]+|[^/:]+)/.exec(file)?.[1] ?? file;
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + hits);
  }
  const pct = (n: number) => `${((100 * n) / total).toFixed(1).padStart(5)}%`;
  const lines = [...self].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, n]) => `${pct(n)}  ${k}`);
  const packages = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([k, n]) => `${pct(n)}  ${k}`);
  return ['By self time:', ...lines, '', 'By package or file:', ...packages].join('\n');
}

/** Bulk binds of the bulk tenant's 500 users, alternating roles, one after the other for `seconds`. */
async function bulkCalls(context: PhaseContext, seconds: number) {
  const { bench, load, dataset } = context;
  const { tenant, projectId, targets } = dataset.bulk;
  const clients = await Promise.all(
    ['VIEWER', 'EDITOR'].map(async (role) => ({
      requests: [await gqlRequest(bench, tenant.owner.sub, BULK_BIND, { input: { tenantId: tenant.id, projectId, bindings: targets.map((t) => ({ userId: t.id, role })) } })],
    })),
  );
  const result = await load.run({ url: bench.url, connections: 1, duration: seconds, clients: [{ requests: clients.flatMap((c) => c.requests) }], expect: ['"changedCount"'] });
  await settle(bench);
  return { requestsPerSecond: requestsPerSecond(result), latency: result.latency, failures: failuresOf(result) };
}

async function main(): Promise<void> {
  const phase = process.argv[2] ?? 'mutations';
  const seconds = Number(process.argv[3] ?? 10);
  const options = { ...optionsFromEnv(), seconds };
  const bench = await startBenchGateway(options);
  const load = new LoadGenerator();
  const session = new Session();
  session.connect();
  try {
    const dataset = await loadDataset(bench, options.dataset);
    const context: PhaseContext = { bench, load, dataset, options };
    const run = async (runSeconds: number) => {
      if (phase === 'bulk') return bulkCalls(context, runSeconds);
      if (phase === 'reads') return measure(context, await readerRequests(context, options.readConcurrency, TYPICAL_READ), runSeconds, ['"tenantMemberships"']);
      const roles = await currentRoles(bench.sql);
      const clients = await Promise.all(planClients(dataset, 16).map(async (plan) => ({ requests: await clientRequests(context, plan, roles) })));
      const result = await load.run({ url: bench.url, connections: clients.length, duration: runSeconds, clients, expect: ['"changed":true'] });
      await settle(bench);
      return { requestsPerSecond: requestsPerSecond(result), latency: result.latency, failures: failuresOf(result) };
    };
    await run(2);
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    const row = await run(seconds);
    const { profile } = await session.post('Profiler.stop');
    const dir = join('bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${phase}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    process.stdout.write(`${phase}: ${row.requestsPerSecond.toFixed(0)} req/s, p50 ${row.latency.p50} ms, failures ${row.failures}\n`);
    process.stdout.write(`${hottest(profile as never)}\nprofile: ${file}\n`);
  } finally {
    session.disconnect();
    await load.close();
    await bench.close();
  }
}

await main();
