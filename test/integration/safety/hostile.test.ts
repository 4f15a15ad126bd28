// Hostile documents and requests (contract section 3: query_too_complex and the GraphQL-machinery
// errors map to contract codes; section 7: production defaults). Every refusal carries a contract
// code and the correlation id, changes nothing, and leaks nothing internal. Runs on both databases.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUERY_LIMITS } from '../../../src/http/apollo.js';
import { MAX_BODY_BYTES } from '../../../src/http/graphql-request.js';
import { newTenant, type TenantFixture } from '../../support/fixtures.js';
import { startTestGateway, uid, type TestGateway } from '../../support/gateway.js';
import { databaseFingerprint, expectContractErrors, leakedInternals, rawRequest, refusalOf, type RawResponse } from './support.js';

/** Every response this file received, for the final "nothing internal leaked" sweep. */
const seen: RawResponse[] = [];

async function send(t: TestGateway, init: RequestInit & { path?: string } = {}): Promise<RawResponse> {
  const response = await rawRequest(`${t.url}${init.path ?? '/graphql'}`, init);
  expect(response.aborted).toBe(false);
  seen.push(response);
  return response;
}

async function postJson(t: TestGateway, body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  return send(t, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** A refusal of the whole document: no data, every error invalid_request, one of them `reason`, ids echoed. */
function expectDocumentRefused(response: RawResponse, reason: string, correlationId: string): void {
  const errors = expectContractErrors(response);
  expect(response.json?.data ?? null).toBeNull();
  expect(errors.length).toBeGreaterThan(0);
  expect(errors.every((e) => e.code === 'invalid_request'), response.text.slice(0, 400)).toBe(true);
  expect(errors.map((e) => e.reason)).toContain(reason);
  expect(response.headers.get('x-correlation-id')).toBe(correlationId);
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(response.status).toBeLessThan(500);
}

function expectAccepted(response: RawResponse): void {
  expect(response.json?.errors, response.text.slice(0, 400)).toBeUndefined();
  expect(response.status).toBe(200);
}

// Documents just within each limit, and just over it (the limits are the configured ones, no wider).
// User -> tenantMemberships -> tenant -> members -> nodes -> user -> ... ; every field counts one level.
const CHAIN = ['tenantMemberships', 'tenant', 'members(first: 1)', 'nodes', 'user'];
function deepDocument(depth: number): string {
  // `me` and the leaf are two levels; a connection (after `members`) has no `id`, so end on __typename.
  let inner = '__typename';
  for (let level = depth - 3; level >= 0; level -= 1) inner = `${CHAIN[level % CHAIN.length]} { ${inner} }`;
  return `{ me { ${inner} } }`;
}
const aliasDocument = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
const directiveDocument = (n: number) => `{ me { ${Array.from({ length: n }, () => 'id @include(if: true)').join(' ')} } }`;
// `{ me { id subject ... } }`: four punctuation/name tokens around the fields. The names vary, as
// graphql-js compares same-named fields pairwise and gives up on a document of 2000 `id`s.
const USER_FIELDS = ['id', 'subject', 'email', 'displayName', 'platformRoles', 'createdAt'];
const tokenDocument = (tokens: number) => `{ me { ${Array.from({ length: tokens - 4 }, (_, i) => USER_FIELDS[i % USER_FIELDS.length]).join(' ')} } }`;
const repeatedFieldDocument = `{ me { ${'id '.repeat(QUERY_LIMITS.maxTokens - 10)}} }`;
const costlyDocument = `{ tenants(first: 200) { nodes { members(first: 200) { nodes { id role status user { id subject email displayName } tenant { id slug name } } } } } }`;

describe('hostile input', () => {
  let t: TestGateway;
  let token: string;
  let tenant: TenantFixture;

  beforeAll(async () => {
    t = await startTestGateway();
    tenant = await newTenant(t);
    token = await t.token(tenant.owner);
  });
  afterAll(async () => {
    await t?.close();
  });

  // [limit, a document within it, one over it, the configured number the refusal names]
  const limits: [string, string, string, number | null][] = [
    ['depth', deepDocument(QUERY_LIMITS.maxDepth), deepDocument(QUERY_LIMITS.maxDepth + 1), QUERY_LIMITS.maxDepth],
    ['aliases', aliasDocument(QUERY_LIMITS.maxAliases), aliasDocument(QUERY_LIMITS.maxAliases + 1), QUERY_LIMITS.maxAliases],
    ['directives', directiveDocument(QUERY_LIMITS.maxDirectives), directiveDocument(QUERY_LIMITS.maxDirectives + 1), QUERY_LIMITS.maxDirectives],
    ['tokens', tokenDocument(QUERY_LIMITS.maxTokens / 2), tokenDocument(QUERY_LIMITS.maxTokens + 10), QUERY_LIMITS.maxTokens],
    ['cost', '{ tenants(first: 10) { nodes { id slug } } }', costlyDocument, QUERY_LIMITS.maxCost],
    ['field-merge work', `{ me { ${'id '.repeat(300)}} }`, repeatedFieldDocument, null],
  ];
  it.each(limits)('refuses a document over the %s limit as query_too_complex, and accepts one within it', async (limit, within, over, configured) => {
    expectAccepted(await postJson(t, { query: within }, bearer(token)));
    const correlationId = `hostile-${limit.replace(/\W/g, '-')}-${uid('c')}`;
    const refused = await postJson(t, { query: over }, { ...bearer(token), 'x-correlation-id': correlationId });
    expectDocumentRefused(refused, 'query_too_complex', correlationId);
    if (configured !== null) expect(refused.json.errors.map((e: { message: string }) => e.message).join(' ')).toContain(`limit of ${configured} exceeded`);
  });

  // The costly document with its page sizes passed as variables, or left to a variable's default.
  const costlyWithVariables = costlyDocument.replace('query', '').replace(/first: 200/g, 'first: $n');
  it.each([
    ['a variable', `query($n: Int) ${costlyWithVariables}`, { n: 200 }],
    ["a variable's default", `query($n: Int = 200) ${costlyWithVariables}`, {}],
  ])('counts page sizes passed as %s in the cost, as it counts written ones', async (_, query, variables) => {
    expectAccepted(await postJson(t, { query, variables: { n: 10 } }, bearer(token)));
    const correlationId = `hostile-cost-variables-${uid('c')}`;
    const refused = await postJson(t, { query, variables }, { ...bearer(token), 'x-correlation-id': correlationId });
    expectDocumentRefused(refused, 'query_too_complex', correlationId);
    expect(refused.json.errors.map((e: { message: string }) => e.message).join(' ')).toContain(`limit of ${QUERY_LIMITS.maxCost} exceeded`);
  });

  it("leaves an oversized page size passed as a variable to the resolver's own refusal", async () => {
    const refused = await postJson(t, { query: 'query($n: Int) { tenants(first: $n) { nodes { id } } }', variables: { n: 100_000 } }, bearer(token));
    expect(refused.json.errors.map((e: { extensions: { reason: string } }) => e.extensions.reason)).toEqual(['validation_failed']);
  });

  it('refuses a body over 100 KB with HTTP 413, whether its length is declared or streamed', async () => {
    const query = `{ me { id } } # ${'x'.repeat(MAX_BODY_BYTES)}`;
    const declared = await postJson(t, { query }, { ...bearer(token), 'x-correlation-id': 'hostile-body-declared' });
    expect(declared.status).toBe(413);
    expectDocumentRefused(declared, 'query_too_complex', 'hostile-body-declared');

    // Chunked: no content-length to refuse up front, so the limit must hold while reading.
    const streamed = await new Promise<RawResponse>((resolve, reject) => {
      const req = http.request(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'x-correlation-id': 'hostile-body-streamed', ...bearer(token) },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => {
          const headers = new Headers(Object.entries(res.headers).map(([k, v]) => [k, String(v)] as [string, string]));
          resolve({ status: res.statusCode ?? 0, headers, text, json: JSON.parse(text), aborted: false });
        });
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(16 * 1024, 'x');
      for (let sent = 0; sent <= MAX_BODY_BYTES; sent += chunk.length) req.write(chunk);
      req.end();
    });
    seen.push(streamed);
    expect(streamed.status).toBe(413);
    expectDocumentRefused(streamed, 'query_too_complex', 'hostile-body-streamed');
  });

  it('refuses a batch of operations, and runs none of it', async () => {
    const before = await databaseFingerprint(t.gateway.database);
    const create = (slug: string) => ({
      query: 'mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id } } }',
      variables: { input: { tenantId: tenant.tenantId, slug, name: slug } },
    });
    const batch = await postJson(t, [create(uid('batch')), create(uid('batch'))], { ...bearer(token), 'x-correlation-id': 'hostile-batch' });
    expect(refusalOf(batch)).toMatchObject({ code: 'invalid_request', correlation_id: 'hostile-batch' });
    expect(batch.status).toBe(400);
    expect(await databaseFingerprint(t.gateway.database)).toEqual(before);
  });

  describe('cross-site request forgery', () => {
    const mutation = (slug: string) =>
      `mutation { createProject(input: { tenantId: "${tenant.tenantId}", slug: "${slug}", name: "x" }) { project { id } } }`;

    it('refuses a mutation sent with GET, with or without a preflight header', async () => {
      const before = await databaseFingerprint(t.gateway.database);
      for (const preflight of [{}, { 'apollo-require-preflight': 'true' }] as Record<string, string>[]) {
        const response = await send(t, { path: `/graphql?query=${encodeURIComponent(mutation(uid('get')))}`, headers: { ...bearer(token), ...preflight } });
        expect(refusalOf(response).code).toBe('invalid_request');
        expect(response.status).toBeGreaterThanOrEqual(400);
      }
      expect(await databaseFingerprint(t.gateway.database)).toEqual(before);
      // A query by GET with the preflight header is fine: only state changes are refused.
      expectAccepted(await send(t, { path: `/graphql?query=${encodeURIComponent('{ me { id } }')}`, headers: { ...bearer(token), 'apollo-require-preflight': 'true' } }));
    });

    it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
      'refuses a POST a browser may send cross-site without preflight (%s)',
      async (contentType) => {
        const before = await databaseFingerprint(t.gateway.database);
        const response = await postJson(t, { query: mutation(uid('csrf')) }, { ...bearer(token), 'content-type': contentType });
        expect(refusalOf(response).code).toBe('invalid_request');
        expect(response.status).toBe(400);
        expect(await databaseFingerprint(t.gateway.database)).toEqual(before);
      },
    );
  });

  it('refuses, before running it, a mutation whose Accept header admits no JSON answer', async () => {
    const before = await databaseFingerprint(t.gateway.database);
    const create = { query: 'mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id } } }', variables: { input: { tenantId: tenant.tenantId, slug: uid('accept'), name: 'x' } } };
    for (const accept of ['text/html', 'image/png', 'application/json;q=0']) {
      const response = await postJson(t, create, { ...bearer(token), accept });
      expect(response.status).toBe(406);
      expect(refusalOf(response).code).toBe('invalid_request');
    }
    expect(await databaseFingerprint(t.gateway.database)).toEqual(before);
    expectAccepted(await postJson(t, { query: '{ me { id } }' }, { ...bearer(token), accept: 'text/html, application/graphql-response+json;q=0.9' }));
  });

  it('refuses a mutation document holding two changes, before running either', async () => {
    const before = await databaseFingerprint(t.gateway.database);
    const two = `mutation { a: createProject(input: { tenantId: "${tenant.tenantId}", slug: "${uid('two')}", name: "a" }) { project { id } } b: createProject(input: { tenantId: "${tenant.tenantId}", slug: "Bad Slug", name: "b" }) { project { id } } }`;
    const response = await postJson(t, { query: two }, bearer(token));
    expect(refusalOf(response)).toMatchObject({ code: 'invalid_request', reason: 'graphql_validation_failed' });
    expect(await databaseFingerprint(t.gateway.database)).toEqual(before);
  });

  it('names no field it knows when a field is mistyped', async () => {
    const response = await postJson(t, { query: '{ me { i subjec } tenant(id: "x") { slu } }' }, bearer(token));
    expectContractErrors(response);
    expect(response.text).not.toMatch(/did you mean/i);
  });
});

describe('production mode', () => {
  let closed: TestGateway;
  let open: TestGateway;
  beforeAll(async () => {
    closed = await startTestGateway({ env: { NODE_ENV: 'production' } });
    open = await startTestGateway({ env: { NODE_ENV: 'production', IAM_INTROSPECTION: 'true', IAM_GRAPHIQL: 'true' } });
  });
  afterAll(async () => {
    await closed?.close();
    await open?.close();
  });

  const introspection = '{ __schema { queryType { name } types { name } } }';

  it('turns introspection, field suggestions, GraphiQL and the SDL off by default', async () => {
    const token = await closed.token(uid('prod'));
    for (const headers of [bearer(token), {}]) {
      const refused = await postJson(closed, { query: introspection }, headers);
      expect(expectContractErrors(refused).length).toBeGreaterThan(0);
      expect(refused.json?.data?.__schema).toBeUndefined();
      expect(refused.text).not.toContain('queryType');
    }
    const typo = await postJson(closed, { query: '{ me { i } tenantz { id } }' }, bearer(token));
    expectContractErrors(typo);
    expect(typo.text).not.toMatch(/did you mean/i);

    const page = await send(closed, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type') ?? '').not.toContain('text/html');
    expect(page.text).not.toMatch(/graphiql/i);
    expect((await send(closed, { path: '/schema.graphql' })).status).toBe(404);
  });

  it('turns introspection and GraphiQL on when asked explicitly, still without suggestions', async () => {
    const token = await open.token(uid('prod'));
    const response = await postJson(open, { query: introspection }, bearer(token));
    expectAccepted(response);
    expect(response.json.data.__schema.queryType.name).toBe('Query');
    const page = await send(open, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const typo = await postJson(open, { query: '{ me { i } }' }, bearer(token));
    expect(typo.text).not.toMatch(/did you mean/i);
  });

  it('answers a database failure with a generic, retryable error and no driver text', async () => {
    const token = await open.token(uid('prod'));
    expectAccepted(await postJson(open, { query: '{ me { id } }' }, bearer(token)));
    await open.gateway.database.close();
    const response = await postJson(open, { query: '{ me { id tenantMemberships { id } } tenants { nodes { id } } }' }, bearer(token));
    const errors = expectContractErrors(response);
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error).toMatchObject({ code: 'service_unavailable', reason: 'dependency_unavailable', retryable: true });
  });
});

afterAll(() => {
  expect(seen.length).toBeGreaterThan(20);
  for (const response of seen) expect(leakedInternals(response.text), response.text.slice(0, 300)).toEqual([]);
});
