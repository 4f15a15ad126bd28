import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { mintDevToken } from '../../src/auth/dev-token.js';
import { createTokenVerifier } from '../../src/auth/jwt.js';
import { VerifiedTokenCache } from '../../src/auth/verified-token-cache.js';

const SECRET = 'unit-test-secret-0123456789abcdef0123';
const identity = { subject: 'alice', email: 'a@example.com', name: null };

describe('VerifiedTokenCache', () => {
  it('answers a remembered token until exp, then expired once, then unknown', () => {
    const cache = new VerifiedTokenCache();
    cache.remember('t', 100, undefined, identity);
    expect(cache.lookup('t', 99)).toEqual({ identity });
    expect(cache.lookup('t', 100)).toEqual({ expired: true });
    expect(cache.lookup('t', 99)).toBeNull();
  });

  it('leaves a token whose nbf is ahead of the clock to the verifier', () => {
    const cache = new VerifiedTokenCache();
    cache.remember('t', 200, 150, identity);
    expect(cache.lookup('t', 149)).toBeNull();
    expect(cache.lookup('t', 150)).toEqual({ identity });
  });

  it('hands out copies, and makes room by dropping the oldest entry', () => {
    const cache = new VerifiedTokenCache(2);
    cache.remember('a', 100, undefined, identity);
    const answer = cache.lookup('a', 1);
    if (answer === null || 'expired' in answer) throw new Error('expected an identity');
    answer.identity.subject = 'mallory';
    expect(cache.lookup('a', 1)).toEqual({ identity });
    cache.remember('b', 100, undefined, identity);
    cache.remember('c', 100, undefined, identity);
    expect(cache.lookup('a', 1)).toBeNull();
    expect(cache.lookup('c', 1)).toEqual({ identity });
  });
});

describe('createTokenVerifier with its cache', () => {
  const verify = createTokenVerifier({ secret: SECRET, jwksUrl: null, issuer: null, audience: null });

  it('gives a token the same identity on every use', async () => {
    const token = await mintDevToken(SECRET, { sub: 'bob', email: 'b@example.com' });
    const first = await verify(token);
    expect(first).toEqual({ subject: 'bob', email: 'b@example.com', name: null });
    expect(await verify(token)).toEqual(first);
  });

  it('refuses a forged token every time (refusals are not remembered)', async () => {
    const forged = await mintDevToken('another-secret-0123456789abcdef0123', { sub: 'bob' });
    for (let i = 0; i < 2; i += 1) await expect(verify(forged)).rejects.toMatchObject({ extensions: { reason: 'invalid_token' } });
  });

  it('refuses a token once its exp has passed, though it verified before', async () => {
    const exp = Math.floor(Date.now() / 1000) + 1;
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('carol').setExpirationTime(exp).sign(new TextEncoder().encode(SECRET));
    expect(await verify(token)).toMatchObject({ subject: 'carol' });
    await new Promise((resolve) => setTimeout(resolve, (exp + 0.05) * 1000 - Date.now()));
    await expect(verify(token)).rejects.toMatchObject({ extensions: { reason: 'token_expired' } });
  });
});
