import type { Sql } from 'postgres';
import { poolMayBeBroken } from './connection-loss.js';

/** Recycling at most this often bounds the pools alive at once (each retired one drains for a few seconds). */
const MIN_RECYCLE_INTERVAL_MS = 1_000;
const RETIRED_DRAIN_SECONDS = 5;

/**
 * A postgres.js pool that can be replaced while in use. `client` is a stable stand-in (give it to
 * Drizzle once) that forwards every use to the current pool; `recycle()` puts a fresh pool behind it
 * and lets the old one drain.
 *
 * Why: in postgres.js 3.4.9 a connection that dies while a write is buffered keeps that write (and
 * a stale timer) in its closure. Every later reconnect of that connection object appends the
 * startup message behind the stale bytes and never flushes them, so each use waits for
 * connect_timeout and fails, for as long as a minute, until the buffer happens to pass the flush
 * size. Connection objects are never discarded by the pool, so the cure is a new pool.
 */
export class RecyclingClient {
  readonly client: Sql;
  private current: Sql;
  private lastRecycle = 0;
  private ended = false;
  private readonly retiring = new Set<Promise<void>>();

  constructor(private readonly open: () => Sql) {
    this.current = open();
    const self = this;
    // The target is only a callable shell: every property and call goes to the current pool.
    this.client = new Proxy(function stand_in() {} as unknown as Sql, {
      get: (_target, property) => (property === 'unsafe' ? self.observedUnsafe : Reflect.get(self.current, property)),
      set: (_target, property, value) => Reflect.set(self.current, property, value),
      apply: (_target, thisArg, args) => Reflect.apply(self.current as unknown as (...a: unknown[]) => unknown, thisArg, args),
    });
  }

  /**
   * Statements outside transactions go through here. A lost connection (or a reconnect that timed
   * out, see above) replaces the pool: a server restart or a network cut kills every pooled
   * connection, and each would otherwise fail one more request. A SELECT that met one is run once
   * more, on the pool now current: it changed nothing, and a pooled connection killed while idle
   * only tells so to the next statement sent on it.
   */
  private readonly observedUnsafe = (...args: Parameters<Sql['unsafe']>) => {
    const [text] = args;
    const retryable = typeof text === 'string' && /^\s*select\b/i.test(text);
    let values = false;
    const run = (pool: Sql) => {
      const query = pool.unsafe(...args);
      return values ? query.values() : query;
    };
    let result: Promise<unknown> | null = null;
    const start = (): Promise<unknown> =>
      (result ??= (async () => {
        const pool = this.current;
        try {
          return await run(pool);
        } catch (error) {
          if (!poolMayBeBroken(error)) throw error;
          this.recycle(pool);
          if (!retryable || this.ended) throw error;
          return run(this.current);
        }
      })());
    // What Drizzle uses of a postgres.js query: `.values()`, then awaiting it.
    const pending = {
      values() {
        values = true;
        return pending;
      },
      then<A, B>(onFulfilled?: ((value: unknown) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null) {
        return start().then(onFulfilled, onRejected);
      },
      catch<B>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null) {
        return start().catch(onRejected);
      },
      finally(onFinally?: (() => void) | null) {
        return start().finally(onFinally);
      },
    };
    return pending as unknown as ReturnType<Sql['unsafe']>;
  };

  /**
   * Replaces the pool (rate-limited); transactions already running finish on the old one. Trouble
   * met on a pool already retired (`from`) changes nothing.
   */
  recycle(from?: Sql): boolean {
    // After end(), a query fails with CONNECTION_ENDED, which reads as a lost connection: opening
    // a fresh pool then would bring a closed database back to life (and leak its connections).
    if (this.ended || (from !== undefined && from !== this.current)) return false;
    const now = Date.now();
    if (now - this.lastRecycle < MIN_RECYCLE_INTERVAL_MS) return false;
    this.lastRecycle = now;
    const retired = this.current;
    this.current = this.open();
    const draining = retired.end({ timeout: RETIRED_DRAIN_SECONDS }).catch(() => undefined);
    this.retiring.add(draining);
    void draining.finally(() => this.retiring.delete(draining));
    return true;
  }

  async end(): Promise<void> {
    this.ended = true;
    await Promise.all([this.current.end({ timeout: RETIRED_DRAIN_SECONDS }), ...this.retiring]);
  }
}
