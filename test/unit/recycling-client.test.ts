// The recycling pool's handling of statements outside transactions (src/db/recycling-client.ts),
// over stand-in pools: which error replaces the pool, which statement is run again, and where.
// The same paths against a real server are exercised by test/integration/safety/faults.test.ts.

import { describe, expect, it } from 'vitest';
import type { Sql } from 'postgres';
import { RecyclingClient } from '../../src/db/recycling-client.js';

interface Sent {
  pool: number;
  text: string;
  values: boolean;
}

/** Pools whose statements fail with `failures[n]` (undefined: they answer) for the n-th pool opened. */
function standInPools(failures: (Record<string, unknown> | undefined)[]) {
  const sent: Sent[] = [];
  let opened = 0;
  const open = () => {
    const pool = opened++;
    const unsafe = (text: string) => {
      const record: Sent = { pool, text, values: false };
      sent.push(record);
      const failure = failures[pool];
      const outcome = failure === undefined ? Promise.resolve([{ pool }]) : Promise.reject(Object.assign(new Error('stand-in failure'), failure));
      outcome.catch(() => undefined);
      const query = {
        values() {
          record.values = true;
          return query;
        },
        then: (onFulfilled: (value: unknown) => unknown, onRejected: (reason: unknown) => unknown) => outcome.then(onFulfilled, onRejected),
      };
      return query;
    };
    return { unsafe, end: async () => undefined } as unknown as Sql;
  };
  return { open, sent, opened: () => opened };
}

const LOST = { code: '57P01' }; // terminating connection due to administrator command

describe('statements outside transactions on a recycling pool', () => {
  it('run a SELECT that met a lost connection once more, on a new pool, keeping .values()', async () => {
    const pools = standInPools([LOST]);
    const client = new RecyclingClient(pools.open).client;
    await expect(client.unsafe('select 1', [], { prepare: true }).values()).resolves.toEqual([{ pool: 1 }]);
    expect(pools.sent).toEqual([
      { pool: 0, text: 'select 1', values: true },
      { pool: 1, text: 'select 1', values: true },
    ]);
  });

  it('replace the pool but do not run again a statement that may have changed something', async () => {
    const pools = standInPools([LOST]);
    const client = new RecyclingClient(pools.open).client;
    await expect(client.unsafe('insert into users (subject) values ($1)', ['x'])).rejects.toMatchObject(LOST);
    expect(pools.sent.map((s) => s.pool)).toEqual([0]);
    expect(pools.opened()).toBe(2);
    await expect(client.unsafe('select 1')).resolves.toEqual([{ pool: 1 }]);
  });

  it('treat a reconnect that timed out as a broken pool too', async () => {
    const pools = standInPools([{ code: 'CONNECT_TIMEOUT' }]);
    const client = new RecyclingClient(pools.open).client;
    await expect(client.unsafe('select 1')).resolves.toEqual([{ pool: 1 }]);
  });

  it('leave other errors alone: no new pool, no second run', async () => {
    const pools = standInPools([{ code: '42P01' }]);
    const client = new RecyclingClient(pools.open).client;
    await expect(client.unsafe('select * from missing')).rejects.toMatchObject({ code: '42P01' });
    expect(pools.sent).toHaveLength(1);
    expect(pools.opened()).toBe(1);
  });

  it('run a SELECT once more only once, and not after the pool was ended', async () => {
    const pools = standInPools([LOST, LOST]);
    const recycling = new RecyclingClient(pools.open);
    await expect(recycling.client.unsafe('select 1')).rejects.toMatchObject(LOST);
    expect(pools.sent).toHaveLength(2);

    const ended = standInPools([LOST]);
    const closing = new RecyclingClient(ended.open);
    await closing.end();
    await expect(closing.client.unsafe('select 1')).rejects.toMatchObject(LOST);
    expect(ended.sent).toHaveLength(1);
    expect(ended.opened()).toBe(1);
  });

  it('do nothing about trouble met on a pool already replaced', async () => {
    const pools = standInPools([undefined, undefined]);
    const recycling = new RecyclingClient(pools.open);
    expect(recycling.recycle()).toBe(true);
    const first = pools.opened();
    // A statement of the retired pool (0) that reports trouble after the replacement.
    expect(recycling.recycle({} as Sql)).toBe(false);
    expect(pools.opened()).toBe(first);
  });
});
