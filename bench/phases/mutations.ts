import { runBaseline, type BaselineResult } from '../baseline.js';
import { gqlRequest, settle, type PhaseContext } from '../context.js';
import { failuresOf, requestsPerSecond, type LoadRequest } from '../load.js';
import { currentRoles, flip, planClients, targetKey, type ClientPlan, type ProjectRoleName } from '../targets.js';
import type { ThroughputRow } from './reads.js';

export const BIND_PROJECT = `mutation($input: BindProjectMembershipInput!) { bindProjectMembership(input: $input) { changed membership { id role } } }`;

export interface MutationRow {
  concurrency: number;
  /** Distinct tenants the clients write in (clients beyond that share a tenant, and its lock). */
  tenants: number;
  gateway: ThroughputRow;
  baseline: BaselineResult;
  /** gateway / baseline throughput. */
  ratio: number;
}

export interface MutationsResult {
  poolSize: number;
  /** Statements the gateway issues for one bind (database.stats, BEGIN/COMMIT not counted). */
  statementsPerBind: number;
  rows: MutationRow[];
}

/** Each target twice, flipped then back: looping over the list, every call changes the role and writes audit. */
export async function clientRequests(context: PhaseContext, plan: ClientPlan, roles: Map<string, ProjectRoleName>): Promise<LoadRequest[]> {
  const once = (flipped: boolean) =>
    Promise.all(
      plan.targets.map((t) => {
        const now = roles.get(targetKey(t)) ?? 'VIEWER';
        return gqlRequest(context.bench, plan.actor.sub, BIND_PROJECT, { input: { ...t, role: flipped ? flip(now) : now } });
      }),
    );
  return [...(await once(true)), ...(await once(false))];
}

async function runGateway(context: PhaseContext, plans: ClientPlan[], seconds: number): Promise<ThroughputRow> {
  const roles = await currentRoles(context.bench.sql);
  const clients = await Promise.all(plans.map(async (plan) => ({ requests: await clientRequests(context, plan, roles) })));
  const result = await context.load.run({ url: context.bench.url, connections: plans.length, duration: seconds, clients, expect: ['"changed":true'] });
  await settle(context.bench);
  return { requestsPerSecond: requestsPerSecond(result), latency: { p50: result.latency.p50, p99: result.latency.p99 }, failures: failuresOf(result) };
}

async function statementsOfOneBind(context: PhaseContext, plan: ClientPlan): Promise<number> {
  const { bench } = context;
  const target = plan.targets[0]!;
  const roles = await currentRoles(bench.sql);
  const role = flip(roles.get(targetKey(target)) ?? 'VIEWER');
  const request = await gqlRequest(bench, plan.actor.sub, BIND_PROJECT, { input: { ...target, role } });
  await bench.post(request.body, plan.actor.sub); // provisions the actor: not part of a bind
  const again = await gqlRequest(bench, plan.actor.sub, BIND_PROJECT, { input: { ...target, role: flip(role) } });
  const before = bench.gateway.database.stats.statements;
  const body = await bench.post(again.body, plan.actor.sub);
  if (!body.includes('"changed":true')) throw new Error(`bind refused: ${body.slice(0, 300)}`);
  return bench.gateway.database.stats.statements - before;
}

/**
 * bindProjectMembership through the gateway, then the same transaction straight on postgres.js
 * (bench/baseline.ts), at each concurrency, on the same targets and the same pool size.
 */
export async function runMutationsPhase(context: PhaseContext): Promise<MutationsResult> {
  const { options, dataset, bench } = context;
  const statementsPerBind = await statementsOfOneBind(context, planClients(dataset, 1)[0]!);
  await runGateway(context, planClients(dataset, Math.max(...options.mutationConcurrencies)), options.shortSeconds);
  const rows: MutationRow[] = [];
  for (const concurrency of options.mutationConcurrencies) {
    const plans = planClients(dataset, concurrency);
    options.progress(`mutations: gateway c=${concurrency}`);
    const gateway = await runGateway(context, plans, options.seconds);
    options.progress(`mutations: baseline c=${concurrency}`);
    const baseline = await runBaseline(bench.databaseUrl, options.poolSize, plans, await currentRoles(bench.sql), options.seconds);
    await settle(bench);
    const tenants = new Set(plans.map((p) => p.targets[0]!.tenantId)).size;
    rows.push({ concurrency, tenants, gateway, baseline, ratio: gateway.requestsPerSecond / baseline.transactionsPerSecond });
  }
  return { poolSize: options.poolSize, statementsPerBind, rows };
}
