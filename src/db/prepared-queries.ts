import type { Sql } from 'postgres';

/**
 * Statements with more parameters (bulk writes, long IN lists) stay unnamed: each list length is a
 * statement of its own, and postgres.js keeps every prepared statement of a connection for its life.
 */
export const MAX_PREPARED_PARAMETERS = 64;

type Unsafe = (query: string, parameters?: unknown[], options?: { prepare?: boolean }) => unknown;
type Callback = (client: Sql) => unknown;

/** The same arguments with the callback (last argument) handed a preparing client. */
function wrapCallback(args: unknown[]): unknown[] {
  const last = args[args.length - 1];
  if (typeof last !== 'function') return args;
  return [...args.slice(0, -1), (client: Sql) => (last as Callback)(preparingClient(client))];
}

/**
 * The postgres.js client Drizzle is given, preparing the statements Drizzle runs unnamed.
 *
 * Drizzle asks for every query with `prepare: false`. postgres.js then cannot send a statement that
 * has parameters in one go: it sends Parse/Describe, waits for the parameter types, and only then
 * Bind/Execute, so each statement costs two round trips and nothing is pipelined behind it. A
 * prepared statement costs one round trip from its second use on a connection (the types are
 * known), and the server no longer parses and plans it each time. Results are the same: Drizzle
 * names every column it selects, so a column added by a later migration does not change a cached
 * statement's result type. Transactions and savepoints hand their callback a preparing client too.
 */
export function preparingClient(client: Sql): Sql {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (property === 'unsafe') {
        return (...args: Parameters<Unsafe>) => {
          const [query, parameters, options] = args;
          // Only Drizzle's form (query, parameter list[, options]); anything else goes through as it came.
          if (!Array.isArray(parameters) || parameters.length > MAX_PREPARED_PARAMETERS) return (value as Unsafe)(...args);
          return (value as Unsafe)(query, parameters, { ...options, prepare: true });
        };
      }
      if (property === 'begin' || property === 'savepoint') {
        return (...args: unknown[]) => (value as (...a: unknown[]) => unknown)(...wrapCallback(args));
      }
      return value;
    },
  });
}
