import type { BenchGateway } from './bench-gateway.js';
import type { Dataset } from './dataset.js';
import type { LoadGenerator, LoadRequest } from './load.js';
import type { BenchOptions } from './options.js';

/** What every phase that talks to the gateway gets. */
export interface PhaseContext {
  bench: BenchGateway;
  load: LoadGenerator;
  dataset: Dataset;
  options: BenchOptions;
}

export async function gqlRequest(bench: BenchGateway, as: string, query: string, variables: Record<string, unknown> = {}): Promise<LoadRequest> {
  return { body: JSON.stringify({ query, variables }), headers: { authorization: `Bearer ${await bench.token(as)}` } };
}

/**
 * Lets the requests still in flight when a run stopped finish (the next run, or a read-back of the
 * roles, must see their writes), then pauses briefly so runs do not overlap.
 */
export async function settle(bench: BenchGateway, pauseMs = 200): Promise<void> {
  await bench.idle();
  await new Promise((resolve) => setTimeout(resolve, pauseMs));
}
