import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, TEST_SECRET, uid, type TestGateway } from '../../support/gateway.js';
import { expectRefusal, expectUnauthenticated } from './envelope.js';

const ME = '{ me { id subject } }';
const secretKey = (secret: string) => new TextEncoder().encode(secret);
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = () => Math.floor(Date.now() / 1000);
// For tests that start a gateway of their own: PGlite start-up is slow on a loaded machine.
const OWN_GATEWAY_TIMEOUT = 240_000;

/** An HS256 token with exactly the given claims (nothing added: tests leave out exp or sub on purpose). */
function hs256(claims: JWTPayload, secret = TEST_SECRET): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(secretKey(secret));
}

const validClaims = (sub = uid('user')): JWTPayload => ({ sub, iat: nowSeconds(), exp: nowSeconds() + 600 });

describe('authentication with IAM_JWT_SECRET', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('accepts a valid HS256 token and provisions its subject', async () => {
    const sub = uid('user');
    const res = await t.gql(ME, {}, { token: await hs256(validClaims(sub)) });
    expect(res.status).toBe(200);
    expect(res.body.data.me.subject).toBe(sub);
  });

  it('refuses a query without a token: missing_token', async () => {
    expectUnauthenticated(await t.gql(ME), 'missing_token');
  });

  it('refuses anonymous documents that mix introspection with data, or are mutations', async () => {
    expectUnauthenticated(await t.gql('{ __typename me { id } }'), 'missing_token');
    expectUnauthenticated(await t.gql('mutation { __typename }'), 'missing_token');
  });

  it('refuses a malformed Authorization header: invalid_token, never anonymous', async () => {
    const token = await hs256(validClaims());
    for (const authorization of [`Basic ${token}`, 'Bearer', `Bearer ${token} extra`, token, `Token ${token}`]) {
      expectUnauthenticated(await t.gql(ME, {}, { headers: { authorization } }), 'invalid_token');
    }
  });

  it('refuses a token signed with another secret', async () => {
    expectUnauthenticated(await t.gql(ME, {}, { token: await hs256(validClaims(), 'another-secret-0123456789abcdef0123') }), 'invalid_token');
  });

  it('refuses an unsigned alg:none token, with or without a signature part', async () => {
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(validClaims())}`;
    expectUnauthenticated(await t.gql(ME, {}, { token: `${unsigned}.` }), 'invalid_token');
    expectUnauthenticated(await t.gql(ME, {}, { token: unsigned }), 'invalid_token');
    // The signature of a genuine token pasted onto an alg:none header must not help either.
    const genuineSignature = (await hs256(validClaims())).split('.')[2];
    expectUnauthenticated(await t.gql(ME, {}, { token: `${unsigned}.${genuineSignature}` }), 'invalid_token');
  });

  it('refuses a token whose payload was altered after signing', async () => {
    const [header, , signature] = (await hs256(validClaims('honest'))).split('.');
    const forged = `${header}.${base64url(validClaims(uid('forged')))}.${signature}`;
    expectUnauthenticated(await t.gql(ME, {}, { token: forged }), 'invalid_token');
  });

  it('refuses an expired token with token_expired', async () => {
    const expired = await hs256({ sub: uid('user'), iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 });
    const error = expectUnauthenticated(await t.gql(ME, {}, { token: expired }), 'token_expired');
    expect(error.message).toMatch(/expired/i);
  });

  it('refuses a token without exp', async () => {
    expectUnauthenticated(await t.gql(ME, {}, { token: await hs256({ sub: uid('user'), iat: nowSeconds() }) }), 'invalid_token');
  });

  it('refuses a token without sub, or with an empty sub', async () => {
    expectUnauthenticated(await t.gql(ME, {}, { token: await hs256({ iat: nowSeconds(), exp: nowSeconds() + 600 }) }), 'invalid_token');
    expectUnauthenticated(await t.gql(ME, {}, { token: await hs256({ ...validClaims(), sub: '' }) }), 'invalid_token');
  });

  it('refuses garbage that is not a JWT', async () => {
    expectUnauthenticated(await t.gql(ME, {}, { token: 'not-a-jwt' }), 'invalid_token');
  });

  it('answers an introspection-only query without a token', async () => {
    const typename = await t.gql('{ __typename }');
    expect(typename.status).toBe(200);
    expect(typename.body).toEqual({ data: { __typename: 'Query' } });
    const schema = await t.gql('{ __schema { queryType { name } } }');
    expect(schema.status).toBe(200);
    expect(schema.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });

  it('never treats an invalid token as anonymous, even for introspection', async () => {
    const otherSecret = await hs256(validClaims(), 'another-secret-0123456789abcdef0123');
    expectUnauthenticated(await t.gql('{ __typename }', {}, { token: otherSecret }), 'invalid_token');
    const expired = await hs256({ sub: uid('user'), exp: nowSeconds() - 60 });
    expectUnauthenticated(await t.gql('{ __schema { queryType { name } } }', {}, { token: expired }), 'token_expired');
    expectUnauthenticated(await t.gql('{ __typename }', {}, { headers: { authorization: 'Basic abc' } }), 'invalid_token');
  });
});

describe('authentication with IAM_JWT_ISSUER and IAM_JWT_AUDIENCE', () => {
  const issuer = 'https://idp.example.test/';
  const audience = 'iam-gateway';
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ env: { IAM_JWT_ISSUER: issuer, IAM_JWT_AUDIENCE: audience } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('accepts the configured issuer and audience', async () => {
    const sub = uid('user');
    const res = await t.gql(ME, {}, { token: await hs256({ ...validClaims(sub), iss: issuer, aud: audience }) });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.me.subject).toBe(sub);
    // An audience list that includes the gateway is accepted too (RFC 7519 section 4.1.3).
    const listed = await t.gql(ME, {}, { token: await hs256({ ...validClaims(sub), iss: issuer, aud: ['other', audience] }) });
    expect(listed.body.data.me.subject).toBe(sub);
  });

  it('refuses a wrong or missing issuer', async () => {
    expectUnauthenticated(await t.gql(ME, {}, { token: await hs256({ ...validClaims(), iss: 'https://evil.example.test/', aud: audience }) }), 'invalid_token');
    expectUnauthenticated(await t.gql(ME, {}, { token: await hs256({ ...validClaims(), aud: audience }) }), 'invalid_token');
  });

  it('refuses a wrong or missing audience', async () => {
    expectUnauthenticated(await t.gql(ME, {}, { token: await hs256({ ...validClaims(), iss: issuer, aud: 'another-service' }) }), 'invalid_token');
    expectUnauthenticated(await t.gql(ME, {}, { token: await hs256({ ...validClaims(), iss: issuer }) }), 'invalid_token');
  });
});

describe('authentication with IAM_JWKS_URL (RS256)', () => {
  const kid = 'gateway-test-key';
  let jwks: Server;
  let t: TestGateway;
  let signingKey: CryptoKey;
  let strangerKey: CryptoKey;
  let publicJwk: JWK;
  let keysDown = true;
  let jwksBase: string;

  const rs256 = (claims: JWTPayload, key: CryptoKey, headerKid = kid) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: headerKid, typ: 'JWT' }).sign(key);

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    signingKey = pair.privateKey;
    strangerKey = (await generateKeyPair('RS256')).privateKey;
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' };
    jwks = createServer((req, res) => {
      const serving = req.url === '/jwks.json' || (req.url === '/flaky.json' && !keysDown);
      res.writeHead(serving ? 200 : 503, { 'content-type': 'application/json' });
      res.end(serving ? JSON.stringify({ keys: [publicJwk] }) : '{}');
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    jwksBase = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;
    t = await startTestGateway({ env: { IAM_JWKS_URL: `${jwksBase}/jwks.json` } });
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => jwks?.close(resolve));
  });

  it('accepts an RS256 token signed by the published key', async () => {
    const sub = uid('rs-user');
    const res = await t.gql(ME, {}, { token: await rs256(validClaims(sub), signingKey) });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.me.subject).toBe(sub);
  });

  it('refuses an RS256 token signed by another key, under the published kid or another', async () => {
    expectUnauthenticated(await t.gql(ME, {}, { token: await rs256(validClaims(), strangerKey) }), 'invalid_token');
    expectUnauthenticated(await t.gql(ME, {}, { token: await rs256(validClaims(), strangerKey, 'unknown-kid') }), 'invalid_token');
  });

  it('refuses an expired RS256 token with token_expired', async () => {
    const expired = await rs256({ sub: uid('rs-user'), exp: nowSeconds() - 60 }, signingKey);
    expectUnauthenticated(await t.gql(ME, {}, { token: expired }), 'token_expired');
  });

  it('refuses an HS256 token keyed with the public key (algorithm confusion)', async () => {
    const confused = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: 'HS256', kid, typ: 'JWT' })
      .sign(new TextEncoder().encode(JSON.stringify(publicJwk)));
    expectUnauthenticated(await t.gql(ME, {}, { token: confused }), 'invalid_token');
  });

  it('answers dependency_unavailable (retryable, not a 401) while the key set cannot be fetched, and recovers', async () => {
    const flaky = await startTestGateway({ env: { IAM_JWKS_URL: `${jwksBase}/flaky.json` } });
    try {
      const sub = uid('rs-user');
      const token = await rs256(validClaims(sub), signingKey);
      const down = await flaky.gql(ME, {}, { token });
      expect(down.status).toBe(503);
      expect(expectRefusal(down, 'service_unavailable', 'dependency_unavailable').extensions.retryable).toBe(true);
      // Once the keys can be fetched, the same token works, and a foreign one is refused again.
      keysDown = false;
      const up = await flaky.gql(ME, {}, { token });
      expect(up.body.errors).toBeUndefined();
      expect(up.body.data.me.subject).toBe(sub);
      expectUnauthenticated(await flaky.gql(ME, {}, { token: await rs256(validClaims(), strangerKey) }), 'invalid_token');
    } finally {
      await flaky.close();
    }
  }, OWN_GATEWAY_TIMEOUT);

  it('answers dependency_unavailable when the key set server does not answer at all', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/jwks.json`;
    await new Promise((resolve) => closed.close(resolve));
    const dead = await startTestGateway({ env: { IAM_JWKS_URL: deadUrl } });
    try {
      const res = await dead.gql(ME, {}, { token: await rs256(validClaims(), signingKey) });
      expect(res.status).toBe(503);
      expectRefusal(res, 'service_unavailable', 'dependency_unavailable');
      // HS256 tokens do not need the key set and keep working.
      const sub = uid('hs-user');
      expect((await dead.gql(ME, {}, { token: await hs256(validClaims(sub)) })).body.data.me.subject).toBe(sub);
    } finally {
      await dead.close();
    }
  }, OWN_GATEWAY_TIMEOUT);
});
