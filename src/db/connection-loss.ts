import type { Executor } from './client.js';

// Errors after which the connection is certainly gone (or about to be closed by the server).
const LOST_SQLSTATES = new Set(['57P01', '57P02', '57P03', '25P03', '08000', '08003', '08006', '08P01']);
const LOST_DRIVER_CODES = new Set(['CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

function hasCode(error: unknown, matches: (code: string) => boolean): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && matches(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export function isConnectionLost(error: unknown): boolean {
  return hasCode(error, (code) => LOST_SQLSTATES.has(code) || LOST_DRIVER_CODES.has(code));
}

/** A lost connection, or a reconnect that timed out: the pool may hold a broken connection object (see recycling-client.ts). */
export function poolMayBeBroken(error: unknown): boolean {
  return isConnectionLost(error) || hasCode(error, (code) => code === 'CONNECT_TIMEOUT');
}

/**
 * The pool was ended or replaced on purpose (shutdown, or a request that outlived its deadline):
 * the request is being given up, so its transaction is not started again elsewhere.
 */
function endedByUs(error: unknown): boolean {
  return hasCode(error, (code) => code === 'CONNECTION_DESTROYED' || code === 'CONNECTION_ENDED');
}

/** A promise that never settles. */
const parked = <T>(): Promise<T> => new Promise<T>(() => {});

/** How often a transaction whose BEGIN met a dead connection is started again. */
const BEGIN_RETRIES = 3;

/**
 * Works around two defects of postgres.js 3.4.9 when a connection dies (porsager/postgres#1154,
 * #1208; open PRs #1168, #1209, #1215):
 *
 * - Inside `sql.begin()`, the callback's rejection makes the driver write its own ROLLBACK to the
 *   dead connection, and that write throws from a setImmediate callback (`Cannot read properties
 *   of null (reading 'write')`): an uncaught exception, which ends the process. The driver rejects
 *   the transaction by itself when the connection closes (`connection.onclose`), so on a lost
 *   connection the callback is left pending instead of rejecting: the driver never reaches its
 *   ROLLBACK, the caller still gets the connection error, and the server rolls back as the session
 *   ends. The isolation level is set inside the guarded callback for the same reason.
 * - A connection killed while idle hands the server's FATAL error to the first query of its next
 *   session, which for a transaction is BEGIN. When BEGIN fails that way the callback never ran,
 *   nothing was executed, and the transaction is simply started again (bounded).
 *
 * `onPoolTrouble` hears of every lost connection, so the pool can be replaced (recycling-client.ts).
 */
export function guardTransactionsAgainstConnectionLoss(db: Executor, onPoolTrouble: () => void = () => {}): void {
  const transaction = db.transaction.bind(db);
  const guarded: Executor['transaction'] = async (fn, config) => {
    for (let attempt = 0; ; attempt += 1) {
      let began = false;
      try {
        return await transaction(async (tx) => {
          began = true;
          try {
            if (config) await tx.setTransaction(config);
            return await fn(tx);
          } catch (error) {
            if (!isConnectionLost(error)) throw error;
            onPoolTrouble();
            return parked();
          }
        });
      } catch (error) {
        if (poolMayBeBroken(error)) onPoolTrouble();
        if (began || attempt >= BEGIN_RETRIES || !isConnectionLost(error) || endedByUs(error)) throw error;
      }
    }
  };
  db.transaction = guarded;
}
