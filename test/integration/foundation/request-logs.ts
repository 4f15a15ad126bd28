import { expect } from 'vitest';
import type { TestGateway } from '../../support/gateway.js';

/**
 * Runs one request and returns every log line the gateway wrote for it. The lines are taken by
 * position (everything written from the start of the request to its "request completed" line),
 * not by correlation id, so a line that lost its ids would still be caught. Callers run their
 * requests one at a time.
 */
export async function linesOfRequest<T>(t: TestGateway, send: () => Promise<T>): Promise<{ result: T; lines: Record<string, any>[] }> {
  const start = t.logs.length;
  const result = await send();
  // The completion line is written after the response is flushed: wait for it.
  await expect.poll(() => t.logs.slice(start).some((l) => l.msg === 'request completed'), { timeout: 10_000 }).toBe(true);
  return { result, lines: t.logs.slice(start) };
}
