import { sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Executor } from './client.js';

interface PreparedQuery<Result> {
  execute(values?: Record<string, unknown>): Promise<Result>;
}

interface Preparable<Result> {
  prepare(name: string): PreparedQuery<Result>;
}

/** What a compiled statement relies on in Drizzle's internals: checked on first use, so an upgrade that moves them fails loudly. */
interface DrizzleSession {
  client: unknown;
  constructor: object;
}

function sessionOf(executor: Executor): DrizzleSession {
  const session = (executor as unknown as { session?: DrizzleSession }).session;
  if (session === undefined || session.client === undefined) throw new Error('compiled statements need Drizzle executors that expose session.client');
  return session;
}

/**
 * A statement whose SQL Drizzle builds once, then runs on the database or on any transaction with
 * the values of its placeholders.
 *
 * Why: Drizzle builds a query's SQL again on every execution, walking every chunk of it with
 * prototype-chain checks; profiled, that was about a quarter of the gateway's CPU on a bind and on
 * the typical read, more than PostgreSQL took to run the statements. A prepared Drizzle query keeps
 * the built SQL and its result mapping but is tied to the client it was prepared on; this keeps one
 * per driver (postgres.js, PGlite) and hands each execution the executor's own client, so a statement
 * inside a transaction runs on that transaction's connection.
 */
export function compiled<Values extends Record<string, unknown>, Result>(
  name: string,
  build: (db: Executor) => Preparable<Result>,
): (executor: Executor, values: Values) => Promise<Result> {
  const byDriver = new WeakMap<object, PreparedQuery<Result>>();
  return (executor, values) => {
    const session = sessionOf(executor);
    let template = byDriver.get(session.constructor);
    if (template === undefined) {
      template = build(executor).prepare(name);
      if (!('client' in template)) throw new Error('compiled statements need Drizzle prepared queries that hold their client');
      byDriver.set(session.constructor, template);
    }
    const bound = Object.create(template, { client: { value: session.client } }) as PreparedQuery<Result>;
    return bound.execute(values);
  };
}

export const placeholder = sql.placeholder;

/**
 * `column = any($n::uuid[])` over a placeholder: one statement for any number of ids, where `IN ($1, …)`
 * is a statement per list length. Pass the value through uuidList.
 */
export function inUuids(column: PgColumn, name: string): SQL {
  return sql`${column} = any(${sql.placeholder(name)}::uuid[])`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A PostgreSQL array literal of the ids. A string that is not a uuid matches no row of a uuid column,
 * so it is left out: it could otherwise carry a comma or a brace into the literal and name other ids.
 */
export function uuidList(ids: readonly string[]): string {
  return `{${ids.filter((id) => UUID.test(id)).join(',')}}`;
}
