import { mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startBenchGateway } from './bench-gateway.js';
import type { PhaseContext } from './context.js';
import { loadDataset } from './dataset.js';
import { LoadGenerator } from './load.js';
import { describeMachine } from './machine.js';
import { optionsFromEnv, type BenchOptions } from './options.js';
import { runBulkPhase } from './phases/bulk.js';
import { runFanOutPhase } from './phases/fan-out.js';
import { runMemoryPhase } from './phases/memory.js';
import { runMutationsPhase } from './phases/mutations.js';
import { runPolicyPhase } from './phases/policy.js';
import { runReadsPhase } from './phases/reads.js';
import { renderMarkdown, verdicts, type BenchResults } from './report.js';

export { optionsFromEnv, type BenchOptions };

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Every phase in order on one gateway and one data set: policy (no I/O), read fan-out, read
 * throughput, mutations against the postgres.js baseline, bulk, memory. The scratch database
 * is dropped at the end, whatever happens.
 */
export async function runBenchmarks(options: BenchOptions): Promise<{ results: BenchResults; markdown: string; files: string[] }> {
  const started = Date.now();
  const machine = await describeMachine(options.serverUrl);
  options.progress('policy decision cost');
  const policy = runPolicyPhase({ seconds: options.policySeconds });
  options.progress('starting the gateway on a scratch database');
  const bench = await startBenchGateway(options);
  const load = new LoadGenerator();
  let phases: Omit<BenchResults, 'startedAt' | 'totalSeconds' | 'machine' | 'settings' | 'dataset' | 'policy' | 'failureSamples'>;
  let dataset;
  try {
    options.progress('loading the data set');
    dataset = await loadDataset(bench, options.dataset);
    const context: PhaseContext = { bench, load, dataset, options };
    options.progress('read fan-out');
    const fanOut = await runFanOutPhase(context);
    options.progress('read throughput');
    const reads = await runReadsPhase(context);
    const mutations = await runMutationsPhase(context);
    options.progress('bulk');
    const bulk = await runBulkPhase(context);
    options.progress('memory');
    const memory = await runMemoryPhase(context);
    phases = { fanOut, reads, mutations, bulk, memory };
  } finally {
    await load.close();
    await bench.close();
  }
  const results: BenchResults = {
    startedAt: new Date(started).toISOString(),
    totalSeconds: (Date.now() - started) / 1000,
    machine,
    settings: { seconds: options.seconds, shortSeconds: options.shortSeconds, poolSize: options.poolSize, logLevel: options.logLevel },
    dataset: dataset.counts,
    policy,
    ...phases,
    failureSamples: load.failureSamples,
  };
  const markdown = renderMarkdown(results);
  const files: string[] = [];
  if (options.resultsDir !== null) {
    const dir = isAbsolute(options.resultsDir) ? options.resultsDir : join(REPO_ROOT, options.resultsDir);
    mkdirSync(dir, { recursive: true });
    const json = join(dir, `bench-${results.startedAt.replace(/[:.]/g, '-')}.json`);
    writeFileSync(json, `${JSON.stringify({ ...results, verdicts: verdicts(results) }, null, 2)}\n`);
    writeFileSync(join(dir, 'latest.md'), markdown);
    files.push(json, join(dir, 'latest.md'));
  }
  return { results, markdown, files };
}

async function main(): Promise<void> {
  const { markdown, files } = await runBenchmarks(optionsFromEnv());
  process.stdout.write(`${markdown}\n`);
  for (const file of files) process.stderr.write(`[bench] wrote ${file}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
