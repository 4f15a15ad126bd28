// Straight-to-the-database reads for what the API cannot show (transaction ids, raw row counts),
// on the gateway's own connection so they work on PGlite and on a real server alike.

import { randomBytes } from 'node:crypto';
import type { SQL } from 'drizzle-orm';
import type { GqlOptions, GqlResponse, TestGateway } from '../../support/gateway.js';

/** postgres.js answers an array of rows, PGlite an object holding them. */
export async function selectRows<T = Record<string, unknown>>(t: TestGateway, query: SQL): Promise<T[]> {
  const result: unknown = await t.gateway.database.db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

export interface TracedCall<T> {
  res: GqlResponse<T>;
  correlationId: string;
  traceId: string;
}

/** A call with its own x-correlation-id and W3C traceparent, so its audit rows can be told apart. */
export async function traced<T = any>(t: TestGateway, query: string, variables: Record<string, unknown>, options: GqlOptions): Promise<TracedCall<T>> {
  const correlationId = `authz-${randomBytes(6).toString('hex')}`;
  const traceId = randomBytes(16).toString('hex');
  const res = await t.gql<T>(query, variables, {
    ...options,
    headers: { ...options.headers, 'x-correlation-id': correlationId, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
  });
  return { res, correlationId, traceId };
}
