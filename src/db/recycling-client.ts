import type { Sql } from 'postgres';
import { isConnectionLost } from './connection-loss.js';

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
  private deferred: NodeJS.Timeout | null = null;
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
   * Statements outside transactions (reads) tell of a lost connection too: a server restart or a
   * network cut kills every pooled connection, and each would otherwise fail one more request.
   */
  private readonly observedUnsafe = (...args: Parameters<Sql['unsafe']>) => {
    const query = this.current.unsafe(...args);
    // A side branch: the caller's own await still gets the error.
    query.then(undefined, (error: unknown) => {
      if (isConnectionLost(error)) this.recycle();
    });
    return query;
  };

  /**
   * Replaces the pool; transactions already running finish on the old one. Rate-limited: trouble
   * within the interval after a recycle replaces the pool once more when the interval ends, since
   * the pool that came in may have been hit by the same fault.
   */
  recycle(): boolean {
    // After end(), a query fails with CONNECTION_ENDED, which reads as a lost connection: opening
    // a fresh pool then would bring a closed database back to life (and leak its connections).
    if (this.ended) return false;
    const now = Date.now();
    if (now - this.lastRecycle < MIN_RECYCLE_INTERVAL_MS) {
      this.deferred ??= setTimeout(() => {
        this.deferred = null;
        this.recycle();
      }, this.lastRecycle + MIN_RECYCLE_INTERVAL_MS - now).unref();
      return false;
    }
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
    if (this.deferred !== null) clearTimeout(this.deferred);
    await Promise.all([this.current.end({ timeout: RETIRED_DRAIN_SECONDS }), ...this.retiring]);
  }
}
