import type { ServerResponse } from 'node:http';
import { codeOfReason, HTTP_STATUS_BY_CODE, RETRYABLE_CODES, type ErrorReason } from '../errors/index.js';
import type { RequestIds } from '../errors/index.js';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

const STATUS_BY_CODE: Record<string, number> = { service_unavailable: 503, invalid_request: 400, internal_error: 500 };

/** A whole-request error (before or outside GraphQL execution) in the contract's envelope. */
export function sendErrorEnvelope(res: ServerResponse, reason: ErrorReason, message: string, ids: RequestIds, status?: number): void {
  const code = codeOfReason(reason);
  sendJson(
    res,
    status ?? HTTP_STATUS_BY_CODE[code] ?? STATUS_BY_CODE[code] ?? 400,
    {
      errors: [
        {
          message,
          extensions: { code, reason, retryable: RETRYABLE_CODES.has(code), correlation_id: ids.correlationId, trace_id: ids.traceId },
        },
      ],
    },
    code === 'unauthenticated' ? { 'www-authenticate': 'Bearer' } : {},
  );
}
