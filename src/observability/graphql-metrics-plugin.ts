import type { ApolloServerPlugin } from '@apollo/server';
import {
  getOperationAST,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type SelectionSetNode,
} from 'graphql';
import type { GatewayContext } from '../context.js';
import { isErrorCode, isErrorReason } from '../errors/index.js';
import type { GatewayMetrics } from './metrics.js';

interface ErrorLabels {
  code: string;
  reason: string;
}

/** The contract code and reason of a formatted error; anything else (it should not happen) is internal_error. */
function labelsOf(error: GraphQLFormattedError): ErrorLabels {
  const { code, reason } = error.extensions ?? {};
  return isErrorCode(code) && isErrorReason(reason) ? { code, reason } : { code: 'internal_error', reason: 'internal_error' };
}

/** Response key → field name of the operation's root fields, through fragments (aliases are the client's, field names the schema's). */
function rootFields(selectionSet: SelectionSetNode, document: DocumentNode, into = new Map<string, string>()): Map<string, string> {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (!selection.name.value.startsWith('__')) into.set(selection.alias?.value ?? selection.name.value, selection.name.value);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      rootFields(selection.selectionSet, document, into);
    } else {
      const fragment = document.definitions.find(
        (d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value,
      );
      if (fragment !== undefined) rootFields(fragment.selectionSet, document, into);
    }
  }
  return into;
}

/**
 * Counts every mutation root field's outcome (iam_mutations_total) and every error of every operation
 * (iam_graphql_errors_total), from the response as the client receives it: the errors are already
 * formatted, so code and reason are exactly the contract's.
 */
export function graphqlMetricsPlugin(metrics: GatewayMetrics): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, operation, document, operationName }) {
          if (response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors ?? [];
          const parsed = operation ?? (document === undefined ? null : getOperationAST(document, operationName ?? undefined));
          const operationType = parsed?.operation ?? 'unknown';
          for (const error of errors) metrics.graphqlErrors.inc({ operation_type: operationType, ...labelsOf(error) });
          if (operationType !== 'mutation') return;
          const requestLevel = errors.find((e) => e.path === undefined || e.path.length === 0);
          // Unresolved (failed validation): the field names are not yet known to be the schema's.
          if (operation === undefined || document === undefined) {
            const first = requestLevel ?? errors[0];
            metrics.mutations.inc({ operation: 'unresolved', outcome: 'error', ...(first ? labelsOf(first) : { code: 'internal_error', reason: 'internal_error' }) });
            return;
          }
          for (const [key, field] of rootFields(operation.selectionSet, document)) {
            // A root field failed when an error sits at it (a nested field's error leaves the change made).
            const failure = requestLevel ?? errors.find((e) => e.path?.length === 1 && e.path[0] === key);
            metrics.mutations.inc(
              failure === undefined
                ? { operation: field, outcome: 'success', code: 'none', reason: 'none' }
                : { operation: field, outcome: 'error', ...labelsOf(failure) },
            );
          }
        },
      };
    },
  };
}
