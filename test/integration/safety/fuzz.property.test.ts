// Thousands of random and mutated requests over HTTP (documents, variables, headers, tokens): the
// process never fails, every error carries a contract code and the correlation id, nothing answers
// internal_error, and a refused request leaves every table exactly as it was. Both databases.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIND_TENANT, newProject, newTenant, ok } from '../../support/fixtures.js';
import { ROOT_ADMIN, startTestGateway, uid, type TestGateway } from '../../support/gateway.js';
import { forgedTokens, fuzzRequest, oddlySignedToken, signOddly, type FuzzPool, type FuzzRequest } from './fuzz-arbitraries.js';
import { databaseFingerprint, expectContractErrors, rawRequest, type RawResponse } from './support.js';

// A time budget, not an assertion: the property stops early on a slow machine.
const RUNS = 2500;
const BUDGET_MS = 75_000;
const ODD_TOKEN_RUNS = 300;
const ODD_TOKEN_BUDGET_MS = 20_000;

/** Errors that reached the process: in a gateway process either ends it. */
const escaped: unknown[] = [];
const onEscape = (error: unknown) => void escaped.push(error);

async function sendFuzz(t: TestGateway, request: FuzzRequest): Promise<RawResponse> {
  return rawRequest(`${t.url}/graphql${request.search}`, {
    method: request.method,
    headers: request.headers,
    ...(request.method === 'POST' ? { body: request.body } : {}),
  });
}

/** Refused as a whole: errors, and no root field produced a value. */
function refusedEntirely(response: RawResponse): boolean {
  const data = response.json?.data;
  const anyValue = data !== null && typeof data === 'object' && Object.values(data).some((v) => v !== null);
  return (response.json?.errors?.length ?? 0) > 0 && !anyValue;
}

/** The envelope invariants every answer of /graphql keeps, whatever was sent. */
function expectWellFormed(request: FuzzRequest, response: RawResponse): void {
  const context = `${request.method} ${request.search.slice(0, 200)} ${JSON.stringify(request.headers).slice(0, 300)} ${request.body.slice(0, 400)} -> ${response.status} ${response.text.slice(0, 400)}`;
  expect(response.aborted, context).toBe(false);
  // A browser asking for a page gets GraphiQL (outside production): not an API answer.
  if (request.method === 'GET' && request.headers.accept === 'text/html' && response.headers.get('content-type')?.startsWith('text/html')) return;
  expect(response.json, `not JSON: ${context}`).not.toBeNull();
  expect(response.status, context).not.toBe(500);
  const errors = expectContractErrors(response);
  expect(errors.filter((e) => e.code === 'internal_error'), context).toEqual([]);
  const sent = request.headers['x-correlation-id'];
  if (sent !== undefined && /^[A-Za-z0-9._-]{1,64}$/.test(sent)) expect(response.headers.get('x-correlation-id'), context).toBe(sent);
  if (response.status === 401) expect(errors.map((e) => e.code), context).toEqual(['unauthenticated']);
}

describe('fuzzing the gateway over HTTP', () => {
  let t: TestGateway;
  let pool: FuzzPool;
  let forged: string[];

  beforeAll(async () => {
    process.on('uncaughtException', onEscape);
    process.on('unhandledRejection', onEscape);
    t = await startTestGateway();
    // A small world whose ids the generators use, so requests reach scope and policy checks too.
    const tenant = await newTenant(t);
    const other = await newTenant(t);
    const admin = uid('fz-admin');
    const member = uid('fz-member');
    const outsider = uid('fz-outsider');
    ok(await t.gql(BIND_TENANT, { input: { tenantId: tenant.tenantId, userId: await t.userId(admin), role: 'ADMIN' } }, { as: tenant.owner }));
    ok(await t.gql(BIND_TENANT, { input: { tenantId: tenant.tenantId, userId: await t.userId(member), role: 'MEMBER' } }, { as: tenant.owner }));
    const projectId = await newProject(t, tenant.owner, tenant.tenantId);
    const subjects = [outsider, member, admin, tenant.owner, other.owner, ROOT_ADMIN];
    const userIds = await Promise.all(subjects.map((s) => t.userId(s)));
    pool = {
      ids: [tenant.tenantId, other.tenantId, projectId, ...userIds],
      tokens: await Promise.all(subjects.map((s) => t.token(s))),
      subjects,
    };
    forged = await forgedTokens(tenant.owner, pool.tokens[3]!);
  });
  afterAll(async () => {
    await t?.close();
    process.off('uncaughtException', onEscape);
    process.off('unhandledRejection', onEscape);
  });

  it('answers every random request with a contract envelope, and a refusal changes nothing', { timeout: BUDGET_MS + 60_000 }, async () => {
    const tally = { requests: 0, refused: 0, succeeded: 0, byCode: new Map<string, number>() };
    await fc.assert(
      fc.asyncProperty(fuzzRequest(pool, forged), async (request) => {
        const before = await databaseFingerprint(t.gateway.database);
        const response = await sendFuzz(t, request);
        expectWellFormed(request, response);
        tally.requests += 1;
        for (const e of response.json?.errors ?? []) tally.byCode.set(e.extensions.code, (tally.byCode.get(e.extensions.code) ?? 0) + 1);
        for (const e of response.json?.errors ?? []) (globalThis as any).T = { ...((globalThis as any).T ?? {}), [e.extensions.reason + ' ' + (e.path?.[0] ?? '')]: (((globalThis as any).T ?? {})[e.extensions.reason + ' ' + (e.path?.[0] ?? '')] ?? 0) + 1 };
        if (response.json?.data) for (const k of Object.keys(response.json.data)) (globalThis as any).T = { ...((globalThis as any).T ?? {}), ['data ' + k + (response.json.data[k] === null ? ' null' : '')]: (((globalThis as any).T ?? {})['data ' + k + (response.json.data[k] === null ? ' null' : '')] ?? 0) + 1 };
        const after = await databaseFingerprint(t.gateway.database);
        if (refusedEntirely(response)) {
          tally.refused += 1;
          expect(after, `a refused request changed the database: ${JSON.stringify(request).slice(0, 600)} -> ${response.text.slice(0, 300)}`).toEqual(before);
        } else {
          tally.succeeded += 1;
        }
      }),
      { numRuns: RUNS, plugins: [fc.interruptAfterTimeLimit(BUDGET_MS)] },
    );
    console.log('TALLY', tally.requests, tally.refused, tally.succeeded, JSON.stringify(Object.entries((globalThis as any).T).sort((a: any, b: any) => b[1] - a[1])));
    // The generators must actually reach both outcomes, or the property proves little.
    expect(tally.refused).toBeGreaterThan(100);
    expect(tally.succeeded).toBeGreaterThan(10);
    expect(tally.byCode.get('unauthenticated') ?? 0).toBeGreaterThan(10);
    expect(tally.byCode.get('invalid_request') ?? 0).toBeGreaterThan(10);
    expect(escaped.map(String)).toEqual([]);
    expect((await rawRequest(`${t.url}/healthz`)).status).toBe(200);
  });

  it('survives signed tokens carrying odd claims: no internal error, nothing but the user row changes', { timeout: ODD_TOKEN_BUDGET_MS + 60_000 }, async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(oddlySignedToken, async (claims) => {
        const { users: _users, ...before } = await databaseFingerprint(t.gateway.database);
        const request: FuzzRequest = {
          method: 'POST',
          search: '',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${await signOddly(claims)}` },
          body: JSON.stringify({ query: '{ me { id subject email displayName } tenants { nodes { id } } }' }),
        };
        const response = await sendFuzz(t, request);
        expectWellFormed(request, response);
        if (!response.json.errors) expect(response.json.data.me.subject).toBe(claims.sub);
        const { users: _after, ...after } = await databaseFingerprint(t.gateway.database);
        expect(after).toEqual(before);
        runs += 1;
      }),
      { numRuns: ODD_TOKEN_RUNS, plugins: [fc.interruptAfterTimeLimit(ODD_TOKEN_BUDGET_MS)] },
    );
    expect(runs).toBeGreaterThan(10);
    expect(escaped.map(String)).toEqual([]);
  });
});
