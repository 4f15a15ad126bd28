// The load generator, in its own thread so that it does not take the gateway's event loop.
// Plain JavaScript: a worker thread does not inherit tsx's loader (see bench/load.ts).
import { parentPort } from 'node:worker_threads';
import autocannon from 'autocannon';

/**
 * Job: { url, connections, duration?, amount?, clients: [{ requests: [{ body, headers }] }], expect: string[] }
 * Connection i loops over clients[i % clients.length].requests, in order. A response counts as a
 * mismatch when its body lacks one of the `expect` strings or carries GraphQL errors.
 */
async function run(job) {
  let nextClient = 0;
  // autocannon's histogram keeps whole milliseconds; the response event carries the exact duration.
  const latencies = [];
  const samples = [];
  const started = process.hrtime.bigint();
  const result = await autocannon({
    url: `${job.url}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections: job.connections,
    pipelining: 1,
    timeout: 30,
    ...(job.amount !== undefined ? { amount: job.amount } : { duration: job.duration }),
    setupClient: (client) => {
      const own = job.clients[nextClient++ % job.clients.length];
      client.on('response', (_status, _bytes, durationMs) => latencies.push(durationMs));
      client.on('mismatch', (body) => samples.length < 3 && samples.push(String(body).slice(0, 400)));
      client.setRequests(own.requests.map((r) => ({ method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json', ...r.headers }, body: r.body })));
    },
    verifyBody: (body) => !body.includes('"errors"') && job.expect.every((s) => body.includes(s)),
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.errors === undefined) throw new Error(`autocannon gave no result: ${JSON.stringify(result).slice(0, 500)}`);
  latencies.sort((a, b) => a - b);
  const at = (p) => (latencies.length === 0 ? NaN : latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil((p / 100) * latencies.length) - 1))]);
  return {
    ok: result['2xx'] - result.mismatches,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
    failureSamples: samples,
    durationSeconds: result.duration,
    wallMs,
    latency: {
      p50: at(50),
      p99: at(99),
      average: latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length),
      max: latencies.length === 0 ? NaN : latencies[latencies.length - 1],
    },
  };
}

parentPort.on('message', ({ id, job }) => {
  run(job).then(
    (result) => parentPort.postMessage({ id, result }),
    (error) => parentPort.postMessage({ id, error: String(error?.stack ?? error) }),
  );
});
