import { Worker } from 'node:worker_threads';

export interface LoadRequest {
  body: string;
  headers: Record<string, string>;
}

export interface LoadJob {
  url: string;
  connections: number;
  /** Seconds; or a fixed number of requests with `amount`. */
  duration?: number;
  amount?: number;
  /** Connection i loops over clients[i % clients.length]. */
  clients: { requests: LoadRequest[] }[];
  /** Strings every successful body contains (a body with "errors" never counts). */
  expect: string[];
}

export interface LoadResult {
  /** 2xx responses whose body passed the check. */
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  mismatches: number;
  /** The first few bodies that failed the check, to say what went wrong. */
  failureSamples: string[];
  durationSeconds: number;
  wallMs: number;
  /** Milliseconds. */
  latency: { p50: number; p99: number; average: number; max: number };
}

/**
 * autocannon in a worker thread (one per benchmark, reused by every run): on the gateway's own
 * event loop it would take CPU from the code being measured. The worker is plain JavaScript
 * because worker threads do not inherit tsx's TypeScript loader.
 */
export class LoadGenerator {
  private readonly worker = new Worker(new URL('./load-worker.mjs', import.meta.url));
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: LoadResult) => void; reject: (e: Error) => void }>();
  /** What failed requests answered, by run, for the report. */
  readonly failureSamples: { request: string; samples: string[]; failures: number }[] = [];

  constructor() {
    this.worker.on('message', ({ id, result, error }: { id: number; result?: LoadResult; error?: string }) => {
      const waiter = this.pending.get(id);
      this.pending.delete(id);
      if (error !== undefined) waiter?.reject(new Error(`load worker: ${error}`));
      else waiter?.resolve(result!);
    });
    this.worker.on('error', (error) => {
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    });
  }

  async run(job: LoadJob): Promise<LoadResult> {
    const id = this.nextId++;
    const result = await new Promise<LoadResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, job });
    });
    const failures = failuresOf(result);
    if (failures > 0) this.failureSamples.push({ request: job.clients[0]?.requests[0]?.body.slice(0, 120) ?? '', samples: result.failureSamples, failures });
    return result;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

export function requestsPerSecond(result: LoadResult): number {
  const seconds = result.durationSeconds > 0 ? result.durationSeconds : result.wallMs / 1000;
  return result.ok / seconds;
}

/** Requests that did not succeed; a run with any is reported as failed, its numbers describe something else. */
export function failuresOf(result: LoadResult): number {
  return result.non2xx + result.errors + result.timeouts + result.mismatches;
}
