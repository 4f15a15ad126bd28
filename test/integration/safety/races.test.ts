// Invariants under real concurrency (contract section 2: rules 4, 6, 9 and "the decision is made
// inside the transaction that performs the write"): real concurrent HTTP clients against gateways
// on a real PostgreSQL server, where transactions truly overlap (PGlite runs one at a time).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REAL_DB } from '../../support/database.js';
import { startTestGateway, type TestGateway } from '../../support/gateway.js';
import {
  duplicateBindRounds,
  granterRevokedRounds,
  lastOwnerRounds,
  lastPlatformAdminRounds,
  strictTenancyRounds,
} from './race-scenarios.js';
import { serverSql } from './support.js';

// The races are about outcomes, not about waiting: on a CPU-starved machine twenty transactions
// queued on one tenant lock can wait past the default 3 s lock timeout, which would answer a
// (correct, retryable) service_unavailable that the assertions below would misread. The timeouts
// themselves are proven in faults.test.ts.
const PATIENT = { IAM_LOCK_TIMEOUT_MS: '15000', IAM_STATEMENT_TIMEOUT_MS: '15000' };

describe.skipIf(!REAL_DB)('races on one gateway instance', () => {
  let t: TestGateway;
  let db: ReturnType<typeof serverSql>;
  const pick = () => t;
  beforeAll(async () => {
    t = await startTestGateway({ env: PATIENT });
    db = serverSql(t.databaseUrl!);
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  it('keeps a tenant owner through 24 rounds of two concurrent owner removals', async () => {
    const seen = await lastOwnerRounds(pick, db, 24);
    expect(Object.values(seen).every((n) => n >= 4)).toBe(true);
  });

  it('keeps a platform_admin through 20 rounds of two admins revoking platform_admin at once', async () => {
    await lastPlatformAdminRounds(pick, db, 20);
  });

  it('binds a user raced into two tenants into exactly one', async () => {
    await strictTenancyRounds(pick, db, 2, 8);
  });

  it('binds a user raced into ten tenants into exactly one', async () => {
    await strictTenancyRounds(pick, db, 10, 4);
  });

  it('applies the same bind sent 20 times at once exactly once', async () => {
    await duplicateBindRounds(pick, db, 20);
  });

  it('commits no grant of a tenant admin after its role was revoked or demoted', async () => {
    const totals = await granterRevokedRounds(pick, db, 6);
    expect(totals.committed + totals.refused).toBe(6 * 12);
  });
});

describe.skipIf(!REAL_DB)('races split between two gateway instances on one database', () => {
  let first: TestGateway;
  let second: TestGateway;
  let db: ReturnType<typeof serverSql>;
  // Alternate instances request by request, so each race has its sides on different processes' pools.
  const pick = (index: number) => (index % 2 === 0 ? first : second);
  beforeAll(async () => {
    first = await startTestGateway({ env: PATIENT });
    second = await startTestGateway({ env: PATIENT, databaseUrl: first.databaseUrl! });
    db = serverSql(first.databaseUrl!);
  });
  afterAll(async () => {
    await db?.end();
    await second?.gateway.close();
    await first?.close();
  });

  it('keeps a tenant owner', async () => {
    await lastOwnerRounds(pick, db, 24);
  });

  it('keeps a platform_admin', async () => {
    await lastPlatformAdminRounds(pick, db, 20);
  });

  it('keeps strict tenancy', async () => {
    await strictTenancyRounds(pick, db, 2, 6);
    await strictTenancyRounds(pick, db, 10, 3);
  });

  it('applies duplicate binds once', async () => {
    await duplicateBindRounds(pick, db, 20);
  });

  it('commits no grant after the granter lost its role', async () => {
    const totals = await granterRevokedRounds(pick, db, 4);
    expect(totals.committed + totals.refused).toBe(4 * 12);
  });
});
