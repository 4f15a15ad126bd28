import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { gatewayError } from '../errors/index.js';

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

  return async (token) => {
    let payload: JWTPayload;
    try {
      const { alg } = decodeProtectedHeader(token);
      if (alg === 'HS256' && secret !== null) {
        ({ payload } = await jwtVerify(token, secret, { ...common, algorithms: ['HS256'] }));
      } else if (jwks !== null && alg !== undefined && ASYMMETRIC_ALGORITHMS.includes(alg)) {
        ({ payload } = await jwtVerify(token, jwks, { ...common, algorithms: ASYMMETRIC_ALGORITHMS }));
      } else {
        throw gatewayError('invalid_token', 'The bearer token is not valid');
      }
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw gatewayError('token_expired', 'The bearer token has expired');
      throw gatewayError('invalid_token', 'The bearer token is not valid');
    }
    if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 255) {
      throw gatewayError('invalid_token', 'The bearer token has no usable subject');
    }
    return {
      subject: payload.sub,
      email: typeof payload.email === 'string' ? payload.email.slice(0, 320) : null,
      name: typeof payload.name === 'string' ? payload.name.slice(0, 200) : null,
    };
  };
}

/** The token from an Authorization header, or null when there is none; a malformed header is invalid, not missing. */
export function bearerTokenFrom(header: string | undefined): string | null {
  if (header === undefined || header.trim() === '') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match === null) throw gatewayError('invalid_token', 'The Authorization header must be "Bearer <token>"');
  return match[1]!;
}
