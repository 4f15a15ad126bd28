// What a benchmark run measures and for how long. `npm run bench` reads the environment; the smoke
// test passes a tiny preset, so every phase runs in seconds.

export interface DatasetSize {
  tenants: number;
  users: number;
  projects: number;
  /** Active members of the tenants whose fan-out is measured, one tenant per size. */
  fanOutSizes: number[];
  /** Items of the bulk call; one tenant holds at least this many members for it. */
  bulkItems: number;
}

export interface BenchOptions {
  /** PostgreSQL server: a scratch database is created on it and dropped at the end. */
  serverUrl: string;
  dataset: DatasetSize;
  /** Length of each throughput run (reads, each mutation concurrency, each baseline). */
  seconds: number;
  /** Length of each fan-out latency run and of each warm-up. */
  shortSeconds: number;
  readConcurrency: number;
  mutationConcurrencies: number[];
  /** The gateway's PostgreSQL pool (src/db/client.ts default); the baseline uses the same. */
  poolSize: number;
  memoryRequests: number;
  memoryWarmupRequests: number;
  policySeconds: number;
  /** Gateway log level; logs go to /dev/null, so their serialisation cost is measured, not their I/O. */
  logLevel: string;
  /** Where the JSON (and latest.md) go; null writes nothing. */
  resultsDir: string | null;
  /** Progress lines (stderr); the smoke test silences them. */
  progress: (line: string) => void;
}

export const DEFAULT_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const GATEWAY_POOL_SIZE = 10;

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
  return value;
}

/** Defaults: 50 tenants, 5,000 users, 500 projects; 10 s per throughput run (about 3 minutes in all). */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const seconds = positive(env, 'BENCH_SECONDS', 10);
  return {
    serverUrl: env.BENCH_DATABASE_URL?.trim() || env.DATABASE_URL?.trim() || DEFAULT_SERVER_URL,
    dataset: {
      tenants: positive(env, 'BENCH_TENANTS', 50),
      users: positive(env, 'BENCH_USERS', 5_000),
      projects: positive(env, 'BENCH_PROJECTS', 500),
      fanOutSizes: [10, 100, 200],
      bulkItems: 500,
    },
    seconds,
    shortSeconds: Math.max(1, Math.round(seconds / 5)),
    readConcurrency: 16,
    mutationConcurrencies: [1, 16, 64],
    poolSize: GATEWAY_POOL_SIZE,
    memoryRequests: positive(env, 'BENCH_MEMORY_REQUESTS', 20_000),
    memoryWarmupRequests: positive(env, 'BENCH_MEMORY_WARMUP', 2_000),
    policySeconds: Math.max(1, Math.round(seconds / 5)),
    logLevel: env.BENCH_LOG_LEVEL?.trim() || 'info',
    resultsDir: 'bench/results',
    progress: (line) => process.stderr.write(`[bench] ${line}\n`),
  };
}
