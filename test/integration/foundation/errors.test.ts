import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIND_TENANT, newTenant } from '../../support/fixtures.js';
import { startTestGateway, uid, type GqlResponse, type TestGateway } from '../../support/gateway.js';
import { expectContractErrors, expectRefusal } from './envelope.js';
import { linesOfRequest } from './request-logs.js';
import { countOf } from './sql.js';

const USER = 'errors-user';
let t: TestGateway;
/** Every response of this file: afterAll checks that no error carried a code outside the contract. */
const responses: GqlResponse[] = [];

async function send(query: string, variables: Record<string, unknown> = {}, as: string | undefined = USER): Promise<GqlResponse> {
  const res = await t.gql(query, variables, as === undefined ? {} : { as });
  responses.push(res);
  return res;
}

/** A raw POST (body and headers as given), parsed. */
async function post(body: string, headers: Record<string, string>): Promise<GqlResponse> {
  const response = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${await t.token(USER)}`, ...headers }, body });
  const res: GqlResponse = { status: response.status, headers: response.headers, body: JSON.parse(await response.text()) };
  responses.push(res);
  return res;
}

beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(async () => {
  await t?.close();
});

describe('GraphQL machinery errors carry contract codes', () => {
  it('a document that does not parse: graphql_parse_failed', async () => {
    for (const query of ['{ me { id }', 'query {', '}}}', 'mutation { bindTenantMembership(input: { ) }']) {
      expectRefusal(await send(query), 'invalid_request', 'graphql_parse_failed');
    }
  });

  it('an unknown field, argument or type: graphql_validation_failed, without field suggestions', async () => {
    const unknownField = expectRefusal(await send('{ me { idd } }'), 'invalid_request', 'graphql_validation_failed');
    expect(unknownField.message).not.toMatch(/Did you mean/);
    expectRefusal(await send('{ tenants(nope: 1) { nodes { id } } }'), 'invalid_request', 'graphql_validation_failed');
    expectRefusal(await send('query($x: NoSuchType) { me { id } }'), 'invalid_request', 'graphql_validation_failed');
  });

  it('a bad enum value written in the document: graphql_validation_failed', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const res = await send(`mutation { bindTenantMembership(input: { tenantId: "${id}", userId: "${id}", role: SUPREME }) { changed } }`);
    expectRefusal(res, 'invalid_request', 'graphql_validation_failed');
  });

  it('a bad enum value in a variable: validation_failed (variable coercion)', async () => {
    const tenant = await newTenant(t);
    const res = await send(BIND_TENANT, { input: { tenantId: tenant.tenantId, userId: await t.userId(uid('u')), role: 'SUPREME' } });
    expectRefusal(res, 'invalid_request', 'validation_failed');
  });

  it('variables of the wrong type, missing or null for a non-null type: validation_failed', async () => {
    expectRefusal(await send('query($n: Int) { tenants(first: $n) { nodes { id } } }', { n: 'ten' }), 'invalid_request', 'validation_failed');
    expectRefusal(await send(BIND_TENANT, {}), 'invalid_request', 'validation_failed');
    expectRefusal(await send(BIND_TENANT, { input: null }), 'invalid_request', 'validation_failed');
    expectRefusal(await send(BIND_TENANT, { input: { tenantId: 'x' } }), 'invalid_request', 'validation_failed');
  });

  it('a malformed UUID id: validation_failed, before any row is read', async () => {
    expectRefusal(await send('{ tenant(id: "not-a-uuid") { id } }'), 'invalid_request', 'validation_failed');
    expectRefusal(await send('{ user(id: "1; drop table users") { id } }'), 'invalid_request', 'validation_failed');
    const tenant = await newTenant(t);
    const res = await send(BIND_TENANT, { input: { tenantId: tenant.tenantId, userId: '123', role: 'MEMBER' } }, tenant.owner);
    expect(expectRefusal(res, 'invalid_request', 'validation_failed').extensions.field).toBe('input.userId');
  });

  it('requests Apollo refuses before execution', async () => {
    // A body that is not JSON, or not an object.
    expectRefusal(await post('{not json', { 'content-type': 'application/json' }), 'invalid_request', 'graphql_parse_failed');
    expectRefusal(await post('[{"query":"{ me { id } }"}]', { 'content-type': 'application/json' }), 'invalid_request', 'graphql_parse_failed');
    // No query at all.
    expectRefusal(await post('{}', { 'content-type': 'application/json' }), 'invalid_request', 'graphql_parse_failed');
    // A simple-request content type is blocked as possible CSRF.
    expectRefusal(await post(JSON.stringify({ query: '{ me { id } }' }), { 'content-type': 'text/plain' }), 'invalid_request', 'graphql_parse_failed');
    // An operationName that names no operation of the document; two operations and no operationName.
    const json = { 'content-type': 'application/json' };
    expectRefusal(await post(JSON.stringify({ query: 'query A { me { id } }', operationName: 'B' }), json), 'invalid_request', 'graphql_validation_failed');
    expectRefusal(await post(JSON.stringify({ query: 'query A { me { id } } query B { me { id } }' }), json), 'invalid_request', 'graphql_validation_failed');
  });

  it('never answers with a code or reason outside src/errors/codes.ts', () => {
    expect(responses.length).toBeGreaterThan(15);
    for (const res of responses) {
      const errors = expectContractErrors(res);
      // Nothing of the machinery's own vocabulary leaks next to the contract's.
      for (const error of errors) expect(Object.keys(error.extensions)).not.toContain('stacktrace');
    }
  });
});

describe('an unexpected error', () => {
  /** The masked error says nothing but the envelope: no SQL, driver text, table or stack. */
  function expectMasked(res: GqlResponse) {
    const error = expectRefusal(res, 'internal_error', 'internal_error');
    expect(error.message).toBe('Internal server error');
    expect(Object.keys(error.extensions).sort()).toEqual(['code', 'correlation_id', 'reason', 'retryable', 'trace_id']);
    expect(error.extensions.retryable).toBe(false);
    const text = JSON.stringify(res.body);
    for (const leak of ['renamed', 'does not exist', 'Failed query', 'select ', 'insert ', 'params', 'node_modules', '.ts:', '42703', 'drizzle']) {
      expect(text, `response leaks ${leak}`).not.toContain(leak);
    }
    return error;
  }

  // One gateway whose tables the tests break behind its back.
  let broken: TestGateway;
  beforeAll(async () => {
    broken = await startTestGateway();
  });
  afterAll(async () => {
    await broken?.close();
  });

  it('is masked as internal_error with a generic message, and logged with its detail', async () => {
    const viewer = 'mask-viewer';
    await newTenant(broken, viewer);
    // Break a table the next query reads, behind the gateway's back.
    await broken.gateway.database.db.execute(sql`alter table tenants rename column name to name_renamed`);
    try {
      const { result: res, lines } = await linesOfRequest(broken, () => broken.gql('{ tenants { nodes { id name } } }', {}, { as: viewer }));
      const error = expectMasked(res);
      // The operator finds the cause by the correlation id of the error.
      const detail = lines.find((l) => /column .*name.* does not exist/.test(JSON.stringify(l.err ?? '')));
      expect(detail, JSON.stringify(lines)).toBeDefined();
      expect(detail).toMatchObject({ correlation_id: error.extensions.correlation_id, trace_id: error.extensions.trace_id });
    } finally {
      await broken.gateway.database.db.execute(sql`alter table tenants rename column name_renamed to name`);
    }
  });

  it('is masked on a mutation whose audit write fails, and the change is rolled back with it', async () => {
    const tenant = await newTenant(broken);
    const memberId = await broken.userId(uid('member'));
    await broken.gateway.database.db.execute(sql`alter table audit_logs rename column reason to reason_renamed`);
    try {
      const input = { tenantId: tenant.tenantId, userId: memberId, role: 'MEMBER' };
      const { result: res, lines } = await linesOfRequest(broken, () => broken.gql(BIND_TENANT, { input }, { as: tenant.owner }));
      const error = expectMasked(res);
      expect(lines.some((l) => l.correlation_id === error.extensions.correlation_id && /reason.* does not exist/.test(JSON.stringify(l.err ?? '')))).toBe(true);
      // A change without its audit row is impossible: the membership was not written either.
      expect(await countOf(broken, sql`select count(*) from tenant_memberships where tenant_id = ${tenant.tenantId} and user_id = ${memberId}`)).toBe(0);
    } finally {
      await broken.gateway.database.db.execute(sql`alter table audit_logs rename column reason_renamed to reason`);
    }
  });

  it('is masked the same way when it happens while provisioning the caller, before GraphQL', async () => {
    await broken.gateway.database.db.execute(sql`alter table users rename column email to email_renamed`);
    const { result: res, lines } = await linesOfRequest(broken, () => broken.gql('{ me { id } }', {}, { as: uid('fresh') }));
    expect(res.status).toBe(500);
    const error = expectMasked(res);
    const logged = lines.find((l) => l.level >= 50 && /column .*email.* does not exist/.test(JSON.stringify(l.err ?? '')));
    expect(logged, JSON.stringify(lines)).toBeDefined();
    expect(logged).toMatchObject({ correlation_id: error.extensions.correlation_id });
  });
});
