import { expect } from 'vitest';
import { REASONS_BY_CODE } from '../../../src/errors/codes.js';
import type { GqlError, GqlResponse } from '../../support/gateway.js';

export const TRACE_ID = /^[0-9a-f]{32}$/;

/** The code a reason belongs to in src/errors/codes.ts, or undefined for a reason outside the contract. */
export function codeOfContractReason(reason: unknown): string | undefined {
  return Object.entries(REASONS_BY_CODE).find(([, reasons]) => (reasons as readonly unknown[]).includes(reason))?.[0];
}

/**
 * Asserts the contract envelope (section 3) on every error of a response: a canonical code with
 * one of its reasons, the correlation id of the response header, a W3C trace id, and retryable
 * exactly for service_unavailable.
 */
export function expectContractErrors(res: GqlResponse): GqlError[] {
  const errors = res.body.errors ?? [];
  expect(errors.length).toBeGreaterThan(0);
  const correlationId = res.headers.get('x-correlation-id');
  expect(correlationId).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
  for (const error of errors) {
    const { code, reason, correlation_id, trace_id, retryable } = error.extensions;
    expect(codeOfContractReason(reason), `reason ${reason}`).toBe(code);
    expect(correlation_id).toBe(correlationId);
    expect(trace_id).toMatch(TRACE_ID);
    expect(retryable).toBe(code === 'service_unavailable');
    expect(typeof error.message).toBe('string');
  }
  return errors;
}

/** The first error of a refused request; every error it carries must have the expected code and reason. */
export function expectRefusal(res: GqlResponse, code: string, reason: string): GqlError {
  const errors = expectContractErrors(res);
  for (const error of errors) expect(error.extensions, error.message).toMatchObject({ code, reason });
  return errors[0]!;
}

/** A 401 refusal with the WWW-Authenticate challenge. */
export function expectUnauthenticated(res: GqlResponse, reason: 'missing_token' | 'invalid_token' | 'token_expired'): GqlError {
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  return expectRefusal(res, 'unauthenticated', reason);
}
