import { describe, expect, it } from 'vitest';
import { runBenchmarks } from '../../bench/run.js';
import type { BenchOptions } from '../../bench/options.js';
import { GATEWAY_POOL_SIZE } from '../../bench/options.js';
import { REAL_DB, SERVER_URL } from '../support/database.js';

/** Every phase of `npm run bench` on a tiny data set, for a second each: the benchmark keeps working. */
const SMOKE: Omit<BenchOptions, 'serverUrl'> = {
  dataset: { tenants: 6, users: 60, projects: 12, fanOutSizes: [2, 4, 8], bulkItems: 10 },
  seconds: 1,
  shortSeconds: 1,
  readConcurrency: 4,
  mutationConcurrencies: [1, 4],
  poolSize: GATEWAY_POOL_SIZE,
  memoryRequests: 300,
  memoryWarmupRequests: 100,
  policySeconds: 0.2,
  logLevel: 'info',
  resultsDir: null,
  progress: () => {},
};

function numbersIn(value: unknown, path = 'results'): [string, number][] {
  if (typeof value === 'number') return [[path, value]];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => numbersIn(child, `${path}.${key}`));
}

describe.skipIf(!REAL_DB)('npm run bench, smoke run', () => {
  it('produces the table with every measure, finite numbers and no failed request', { timeout: 240_000 }, async () => {
    const { results, markdown, files } = await runBenchmarks({ ...SMOKE, serverUrl: SERVER_URL! });

    expect(files).toEqual([]);
    expect(markdown).toContain('| Measure | Result | Target | Verdict |');
    for (const measure of ['| 1. Policy', '| 2. Read fan-out', '| 3. Typical read', '| 4. bindProjectMembership, c=1 ', '| 4. bindProjectMembership, c=4 ', '| 5. bulk', '| 6. RSS']) {
      expect(markdown).toContain(measure);
    }
    expect(markdown).toContain(`Commit \``);
    const notFinite = numbersIn(results).filter(([, n]) => !Number.isFinite(n));
    expect(notFinite).toEqual([]);

    // Correctness the numbers rest on, not speed: every request succeeded and changed what it should.
    expect(results.failureSamples).toEqual([]);
    expect(results.fanOut.rows.map((r) => r.rowsReturned)).toEqual([2, 4, 8]);
    expect(results.fanOut.constant).toBe(true);
    expect(results.mutations.rows.map((r) => [r.gateway.failures, r.baseline.failures])).toEqual([[0, 0], [0, 0]]);
    expect(results.mutations.rows.every((r) => r.gateway.requestsPerSecond > 0 && r.baseline.transactionsPerSecond > 0)).toBe(true);
    expect(results.bulk).toMatchObject({ items: 10, failures: 0 });
    expect(results.memory).toMatchObject({ requests: 300, failures: 0 });
  });
});
