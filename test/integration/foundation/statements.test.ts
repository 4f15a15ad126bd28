// The data-access helpers the hot paths rely on (src/db/statement.ts, src/db/pipeline.ts), on the
// database the run uses (PGlite, or a scratch PostgreSQL database with DATABASE_URL).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../../../src/db/client.js';
import { inOrder } from '../../../src/db/pipeline.js';
import { tenants } from '../../../src/db/schema.js';
import { compiled, inUuids, placeholder, uuidList } from '../../../src/db/statement.js';
import { readTenants } from '../../../src/authz/state-repository.js';
import { newTenant } from '../../support/fixtures.js';
import { startTestGateway, type TestGateway } from '../../support/gateway.js';

let t: TestGateway;
let db: Executor;
beforeAll(async () => {
  t = await startTestGateway();
  db = t.gateway.database.db;
});
afterAll(async () => {
  await t?.close();
});

const tenantName = compiled<{ id: string }, { name: string }[]>('test_tenant_name', (executor) =>
  executor.select({ name: tenants.name }).from(tenants).where(eq(tenants.id, placeholder('id'))),
);

// Rolls the transaction back after fn, whatever it did.
async function inRolledBack(fn: (tx: Executor) => Promise<void>): Promise<void> {
  const rollback = new Error('rollback');
  await expect(db.transaction(async (tx) => {
    await fn(tx as unknown as Executor);
    throw rollback;
  })).rejects.toBe(rollback);
}

describe('compiled statements', () => {
  it('run on the executor they are given: inside a transaction they see its uncommitted writes, outside they do not', async () => {
    const { tenantId } = await newTenant(t);
    const before = (await tenantName(db, { id: tenantId }))[0]!.name;
    await inRolledBack(async (tx) => {
      await tx.update(tenants).set({ name: 'renamed in the transaction' }).where(eq(tenants.id, tenantId));
      expect(await tenantName(tx, { id: tenantId })).toEqual([{ name: 'renamed in the transaction' }]);
      // On PGlite a query outside the open transaction would wait for it: only PostgreSQL can show this side.
      if (t.gateway.database.concurrent) expect(await tenantName(db, { id: tenantId })).toEqual([{ name: before }]);
    });
    expect(await tenantName(db, { id: tenantId })).toEqual([{ name: before }]);
  });

  it('map rows as Drizzle does (column names, dates)', async () => {
    const { tenantId, slug } = await newTenant(t);
    const [row] = await readTenants(db, [tenantId], 'none');
    expect(row).toMatchObject({ id: tenantId, slug });
    expect(row!.createdAt).toBeInstanceOf(Date);
  });

  it('take a list of ids as one parameter, and a string that is not a uuid matches nothing and names no other id', async () => {
    const a = await newTenant(t);
    const b = await newTenant(t);
    const byIds = compiled<{ ids: string }, { id: string }[]>('test_tenants_by_ids', (executor) =>
      executor.select({ id: tenants.id }).from(tenants).where(inUuids(tenants.id, 'ids')),
    );
    const ids = async (list: string[]) => (await byIds(db, { ids: uuidList(list) })).map((r) => r.id).sort();
    expect(await ids([a.tenantId, b.tenantId])).toEqual([a.tenantId, b.tenantId].sort());
    expect(await ids([a.tenantId])).toEqual([a.tenantId]);
    expect(await ids([])).toEqual([]);
    expect(await ids([`${a.tenantId},${b.tenantId}`])).toEqual([]);
    expect(await ids([`${a.tenantId}}`, 'not-a-uuid'])).toEqual([]);
  });
});

describe('inOrder', () => {
  it('runs the statements in the order given, each seeing the ones before it', async () => {
    const { tenantId } = await newTenant(t);
    await inRolledBack(async (tx) => {
      // A lazy Drizzle builder, a compiled statement (started when called), a builder again.
      const [, renamed] = await inOrder([
        () => tx.update(tenants).set({ name: 'first' }).where(eq(tenants.id, tenantId)),
        () => tenantName(tx, { id: tenantId }),
        () => tx.update(tenants).set({ name: 'second' }).where(eq(tenants.id, tenantId)),
      ]);
      expect(renamed).toEqual([{ name: 'first' }]);
      expect(await tenantName(tx, { id: tenantId })).toEqual([{ name: 'second' }]);
    });
  });

  it('raises the first failure in the order sent, not the aborted statements behind it', async () => {
    await inRolledBack(async (tx) => {
      const failing = inOrder([() => tx.execute(sql`select 1`), () => tx.execute(sql`select 1 / 0`), () => tx.execute(sql`select 2`), () => tenantName(tx, { id: '00000000-0000-0000-0000-000000000000' })]);
      await expect(failing).rejects.toSatisfy((error: unknown) => /division by zero/.test(String((error as { cause?: unknown }).cause ?? error)));
    });
  });
});
