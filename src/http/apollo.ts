import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { variableCostLimitPlugin } from './cost-limit.js';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLSchema } from 'graphql';
import type { GatewayContext } from '../context.js';
import { formatGatewayError } from '../errors/index.js';
import { currentRequestScope } from './request-scope.js';
import { singleMutationFieldRule } from './single-mutation.js';

/** Limits against hostile documents; each refusal answers invalid_request/query_too_complex. */
export const QUERY_LIMITS = {
  maxDepth: 10,
  maxAliases: 15,
  maxDirectives: 20,
  maxTokens: 2_000,
  // A selection costs its page size (`first`, written in the document or passed as a variable:
  // cost-limit.ts) times its children: one full page (first: 200) of members with their users
  // costs about 25 000, a page of pages (50 tenants x 50 members) 41 000.
  maxCost: 30_000,
} as const;

/** Names the request's operation in its log lines, and logs every error that leaves it. */
const requestLogging: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operationName, operation }) {
        const scope = currentRequestScope();
        if (scope) scope.operationName = operationName ?? operation?.name?.value ?? operation?.operation ?? null;
      },
      async didEncounterErrors({ contextValue, errors }) {
        for (const error of errors) {
          // The client sees a masked message; the log keeps what happened (never the token).
          contextValue.log.warn({ err: error.originalError ?? error, path: error.path }, 'graphql error');
        }
      },
    };
  },
};

export function createApollo(
  schema: GraphQLSchema,
  options: { introspection: boolean; plugins?: ApolloServerPlugin<GatewayContext>[] },
): ApolloServer<GatewayContext> {
  const armor = new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.maxDepth },
    maxAliases: { n: QUERY_LIMITS.maxAliases },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives },
    maxTokens: { n: QUERY_LIMITS.maxTokens },
    costLimit: { maxCost: QUERY_LIMITS.maxCost },
    blockFieldSuggestion: { enabled: true },
  }).protect();
  return new ApolloServer<GatewayContext>({
    schema,
    introspection: options.introspection,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: true,
    validationRules: [...armor.validationRules, singleMutationFieldRule],
    // armor's types name the CommonJS build of @apollo/server; the plugin objects are the same.
    // Cache control is off: nothing here sets cache hints, and its per-field hook costs every request.
    plugins: [
      ...(armor.plugins as unknown as ApolloServerPlugin<GatewayContext>[]),
      requestLogging,
      variableCostLimitPlugin<GatewayContext>(QUERY_LIMITS.maxCost),
      ...(options.plugins ?? []),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
    ],
    formatError: (formatted, error) => formatGatewayError(formatted, error, currentRequestScope()),
  });
}
