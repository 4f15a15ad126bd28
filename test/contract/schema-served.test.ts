import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printPublicSchema } from '../../src/schema-print.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

// One published SDL: the committed schema.graphql (what clients generate from), what
// `npm run schema:print` writes, and what a running gateway serves are the same text.
const committed = readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8');

describe('published schema', () => {
  it('is current: schema.graphql is what schema/ prints today (fix: npm run schema:print)', () => {
    expect(printPublicSchema()).toBe(committed);
  });

  it('keeps the authorization directives on every root field', () => {
    expect(committed).toContain('directive @requiresCeiling(');
    expect(committed).toMatch(/bindTenantMembership\(input: BindTenantMembershipInput!\): TenantMembershipPayload! @tenantScoped\(tenant: "input.tenantId"\) @requiresCeiling\(/);
  });
});

describe('GET /schema.graphql with introspection enabled', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ env: { IAM_INTROSPECTION: 'true' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves exactly the committed schema.graphql, without a token', async () => {
    const res = await fetch(`${t.url}/schema.graphql`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe(committed);
  });
});

describe('GET /schema.graphql with IAM_INTROSPECTION=false', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ env: { IAM_INTROSPECTION: 'false' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 404 and reveals no SDL, with or without a token', async () => {
    const anonymous: Record<string, string> = {};
    for (const headers of [anonymous, { authorization: `Bearer ${await t.token('someone')}` }]) {
      const res = await fetch(`${t.url}/schema.graphql`, { headers });
      expect(res.status).toBe(404);
      const body = await res.text();
      expect(body).not.toContain('type Query');
      expect(body).not.toContain('directive @');
    }
  });
});
