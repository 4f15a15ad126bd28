import type { ApolloServerPlugin } from '@apollo/server';
import { SpanStatusCode } from '@opentelemetry/api';
import type { GatewayContext } from '../context.js';
import { endOperationSpan, recordFailure, startOperationSpan } from './tracing.js';

/** A span for the GraphQL operation, child of the request's server span and parent of its transactions and decisions. */
export const graphqlTracingPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    const span = startOperationSpan();
    if (span === null) return;
    return {
      async didResolveOperation({ operation, operationName }) {
        if (operation === undefined) return;
        span.updateName(`graphql.${operation.operation}${operationName ? ` ${operationName}` : ''}`);
        span.setAttribute('graphql.operation.type', operation.operation);
        if (operationName) span.setAttribute('graphql.operation.name', operationName);
      },
      async didEncounterErrors({ errors }) {
        span.setAttribute('iam.error.count', errors.length);
        if (errors[0] !== undefined) recordFailure(span, errors[0]);
      },
      async willSendResponse({ response }) {
        if (response.http.status !== undefined && response.http.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        endOperationSpan(span);
      },
    };
  },
};
