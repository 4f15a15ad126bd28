type Results<T extends readonly (() => unknown)[]> = { [K in keyof T]: Awaited<ReturnType<T[K]>> };

/**
 * Sends statements together and awaits them all. On one transaction's connection they go out in one
 * write and PostgreSQL runs them in the order sent, so a later one sees what an earlier one locked:
 * one round trip where awaiting each would cost one per statement.
 *
 * Each statement is given as a function that starts it, and they are started in the order given:
 * a Drizzle query builder only starts when awaited, a compiled statement when called, so a list of
 * both, awaited together, would go out in another order than it is written.
 *
 * When one fails, every statement after it fails too ("current transaction is aborted"); those
 * answers can settle first, so the error raised is the first failure in the order sent, the cause.
 */
export async function inOrder<T extends readonly (() => unknown)[]>(statements: readonly [...T]): Promise<Results<T>> {
  const started = statements.map((start) => {
    const statement = start();
    // Subscribing starts a lazy query now, behind the ones before it.
    return new Promise<unknown>((resolve, reject) => {
      if (statement !== null && typeof statement === 'object' && 'then' in statement && typeof statement.then === 'function') {
        (statement as PromiseLike<unknown>).then(resolve, reject);
      } else resolve(statement);
    });
  });
  const settled = await Promise.allSettled(started);
  for (const outcome of settled) if (outcome.status === 'rejected') throw outcome.reason;
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value) as Results<T>;
}
