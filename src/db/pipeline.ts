type Awaited_<T> = { [K in keyof T]: Awaited<T[K]> };

/**
 * Awaits statements that were all sent before the first answer came back. On one transaction's
 * connection they go out in one write and PostgreSQL runs them in the order sent, so a later one
 * sees what an earlier one locked: one round trip where awaiting each would cost one per statement.
 *
 * When one fails, every statement after it fails too ("current transaction is aborted"); those
 * answers can settle first, so the error raised is the first failure in the order sent, the cause.
 */
export async function inOrder<T extends readonly unknown[]>(statements: readonly [...T]): Promise<Awaited_<T>> {
  const settled = await Promise.allSettled(statements);
  for (const outcome of settled) if (outcome.status === 'rejected') throw outcome.reason;
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value) as Awaited_<T>;
}
