import type { Database, Executor } from './client.js';
import { sqlStateOf } from '../errors/index.js';
import { traced } from '../observability/tracing.js';

// 40001 serialization_failure, 40P01 deadlock_detected: safe to run the whole transaction again.
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

export interface TransactionOptions {
  retries: number;
  isolationLevel?: 'read committed' | 'serializable';
}

/**
 * Runs fn in a transaction, again (bounded) when the database reports a serialization failure
 * or deadlock. An error that still escapes is classified as dependency_unavailable by the error
 * module, so the caller sees a retryable service_unavailable, never internal_error.
 */
export async function inTransaction<T>(database: Database, fn: (tx: Executor) => Promise<T>, options: TransactionOptions): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      // One span per attempt (a no-op when the request is not traced), so retries show in the trace.
      const isolationLevel = options.isolationLevel ?? 'read committed';
      const attributes = { 'db.system.name': 'postgresql', 'iam.db.kind': database.kind, 'db.transaction.isolation': isolationLevel, 'db.transaction.attempt': attempt };
      // Read committed is the session's default (pinned by openDatabase for PostgreSQL, PGlite's
      // own): asking for it again would cost a SET TRANSACTION round trip per transaction.
      const config = isolationLevel === 'read committed' ? undefined : { isolationLevel };
      return await traced('db.transaction', attributes, () => database.db.transaction(async (tx) => fn(tx as unknown as Executor), config));
    } catch (error) {
      const state = sqlStateOf(error);
      if (state === null || !RETRYABLE_SQLSTATES.has(state) || attempt >= options.retries) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * (attempt + 1)));
    }
  }
}
