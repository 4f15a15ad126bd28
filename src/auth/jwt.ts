import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { gatewayError, isGatewayError } from '../errors/index.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

export interface VerifiedIdentity {
  subject: string;
  email: string | null;
  name: string | null;
}

export interface JwtSettings {
  secret: string | null;
  jwksUrl: string | null;
  issuer: string | null;
  audience: string | null;
}

const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export type TokenVerifier = (token: string) => Promise<VerifiedIdentity>;

/** Verifies bearer tokens; every failure is an `unauthenticated` error, never an anonymous request. */
export function createTokenVerifier(settings: JwtSettings): TokenVerifier {
  const secret = settings.secret === null ? null : new TextEncoder().encode(settings.secret);
  const jwks: JWTVerifyGetKey | null = settings.jwksUrl === null ? null : createRemoteJWKSet(new URL(settings.jwksUrl));
  const common = {
    ...(settings.issuer !== null ? { issuer: settings.issuer } : {}),
    ...(settings.audience !== null ? { audience: settings.audience } : {}),
    requiredClaims: ['exp', 'sub'],
  };

  const verified = new VerifiedTokenCache();

  return async (token) => {
    const cached = verified.lookup(token);
    if (cached !== null) {
      if ('expired' in cached) throw gatewayError('token_expired', 'The bearer token has expired');
      return cached.identity;
    }
    let payload: JWTPayload;
    // Only HS256 answers are kept: a key set can rotate a key out, the configured secret cannot change.
    let byConfiguredSecret = false;
    try {
      const { alg } = decodeProtectedHeader(token);
      if (alg === 'HS256' && secret !== null) {
        ({ payload } = await jwtVerify(token, secret, { ...common, algorithms: ['HS256'] }));
        byConfiguredSecret = true;
      } else if (jwks !== null && alg !== undefined && ASYMMETRIC_ALGORITHMS.includes(alg)) {
        ({ payload } = await jwtVerify(token, jwks, { ...common, algorithms: ASYMMETRIC_ALGORITHMS }).catch((error: unknown) => {
          // The key set could not be fetched: the token may well be valid, so the client must
          // retry rather than drop it (a 401 here would log every user out during an IdP outage).
          if (jwksUnreachable(error)) throw gatewayError('dependency_unavailable', 'The token signing keys cannot be fetched; retry later');
          throw error;
        }));
      } else {
        throw gatewayError('invalid_token', 'The bearer token is not valid');
      }
    } catch (error) {
      if (isGatewayError(error)) throw error;
      if (error instanceof errors.JWTExpired) throw gatewayError('token_expired', 'The bearer token has expired');
      throw gatewayError('invalid_token', 'The bearer token is not valid');
    }
    if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 255 || !storable(payload.sub)) {
      throw gatewayError('invalid_token', 'The bearer token has no usable subject');
    }
    const identity = {
      subject: payload.sub,
      email: claimText(payload.email, 320),
      name: claimText(payload.name, 200),
    };
    if (byConfiguredSecret) verified.remember(token, payload.exp!, payload.nbf, identity);
    return identity;
  };
}

// PostgreSQL text holds no NUL, and a lone UTF-16 surrogate would be stored as U+FFFD: a subject
// with either could not be stored as the token says (the insert fails, or two subjects collide).
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function storable(value: string): boolean {
  return !UNSTORABLE.test(value);
}

/** Informational claims (email, name) are kept as far as they can be stored. */
function claimText(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return null;
  const text = value.slice(0, max);
  return storable(text) ? text : text.replace(new RegExp(UNSTORABLE.source, 'g'), '');
}

/**
 * jose's failures to obtain the key set (timeout, network error, non-200 or non-JSON answer), as
 * opposed to a key set that does not verify the token.
 */
function jwksUnreachable(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return true;
  if (error instanceof errors.JOSEError) return error.code === 'ERR_JOSE_GENERIC';
  return error instanceof TypeError && error.message === 'fetch failed';
}

/** The token from an Authorization header, or null when there is none; a malformed header is invalid, not missing. */
export function bearerTokenFrom(header: string | undefined): string | null {
  if (header === undefined || header.trim() === '') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match === null) throw gatewayError('invalid_token', 'The Authorization header must be "Bearer <token>"');
  return match[1]!;
}
