import { gqlRequest, settle, type PhaseContext } from '../context.js';
import { failuresOf, requestsPerSecond } from '../load.js';

/** The query as written; see LITERAL_REFUSAL for why it is sent with `first` as a variable. */
export const FAN_OUT_LITERAL = `query($id: ID!) { tenant(id: $id) { members(first: 200) { nodes { role user { id email } } } projects { nodes { id } } } }`;
export const FAN_OUT_QUERY = `query($id: ID!, $first: Int!) { tenant(id: $id) { members(first: $first) { nodes { role user { id email } } } projects { nodes { id } } } }`;
export const fanOutVariables = (tenantId: string) => ({ id: tenantId, first: 200 });

export interface FanOutRow {
  members: number;
  /** Rows the response carried, to show the query really fanned out. */
  rowsReturned: number;
  statements: number;
  requestsPerSecond: number;
  /** Milliseconds, one client. */
  latency: { p50: number; p99: number };
  failures: number;
}

export interface FanOutResult {
  rows: FanOutRow[];
  /**
   * The gateway's answer to the literal `members(first: 200)` form, null when it is accepted (the
   * cost limit counts a written page size and one passed as a variable alike).
   */
  literalRefusal: string | null;
  /** The statement count does not grow with the members returned. */
  constant: boolean;
}

/**
 * One tenant per size, read by its owner. Statements are counted on one request with nothing else
 * running (database.stats.statements delta); latency comes from a single-client run.
 */
export async function runFanOutPhase({ bench, load, dataset, options }: PhaseContext): Promise<FanOutResult> {
  const rows: FanOutRow[] = [];
  const probe = dataset.fanOut[0]!.tenant;
  const literal = JSON.parse(await bench.post(JSON.stringify({ query: FAN_OUT_LITERAL, variables: { id: probe.id } }), probe.owner.sub)) as {
    errors?: { message: string }[];
  };
  const literalRefusal = literal.errors?.[0]?.message ?? null;
  for (const { size, tenant } of dataset.fanOut) {
    const request = await gqlRequest(bench, tenant.owner.sub, FAN_OUT_QUERY, fanOutVariables(tenant.id));
    await bench.post(request.body, tenant.owner.sub); // provisions the owner's subject: not part of the read
    const before = bench.gateway.database.stats.statements;
    const body = JSON.parse(await bench.post(request.body, tenant.owner.sub)) as { data?: { tenant: { members: { nodes: unknown[] } } }; errors?: unknown };
    const statements = bench.gateway.database.stats.statements - before;
    if (body.errors !== undefined || body.data === undefined) throw new Error(`fan-out query refused: ${JSON.stringify(body.errors)}`);
    const result = await load.run({
      url: bench.url,
      connections: 1,
      duration: options.shortSeconds,
      clients: [{ requests: [request] }],
      expect: ['"members"'],
    });
    await settle(bench, 100);
    rows.push({
      members: size,
      rowsReturned: body.data.tenant.members.nodes.length,
      statements,
      requestsPerSecond: requestsPerSecond(result),
      latency: { p50: result.latency.p50, p99: result.latency.p99 },
      failures: failuresOf(result),
    });
  }
  return { rows, literalRefusal, constant: rows.every((r) => r.statements === rows[0]!.statements) };
}
