import { printSchemaWithDirectives } from '@graphql-tools/utils';
import type { GraphQLSchema } from 'graphql';
import { buildBaseSchema } from './schema.js';

/**
 * The public SDL, authorization directives included: what `npm run schema:print` commits to
 * schema.graphql and what GET /schema.graphql serves, so clients see one text in both places.
 * The gateway passes the schema it serves, the CLI the base schema: the authorization transform
 * wraps resolvers and changes no type, so both print the same text (a contract test holds this).
 */
export function printPublicSchema(schema: GraphQLSchema = buildBaseSchema()): string {
  return `${printSchemaWithDirectives(schema).trimEnd()}\n`;
}
