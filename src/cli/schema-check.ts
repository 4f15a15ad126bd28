// `npm run schema:check`: the current schema against the last released one (schema/released.graphql).
// Exits 1 on a breaking change that was neither deprecated first nor recorded in CHANGELOG.md
// (the convention is described in src/schema-check.ts). On release, copy schema.graphql to
// schema/released.graphql and move the Unreleased notes under the new version.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkSchemaCompatibility, type SchemaChange } from '../schema-check.js';
import { printPublicSchema } from '../schema-print.js';

const root = (file: string) => fileURLToPath(new URL(`../../${file}`, import.meta.url));
const released = readFileSync(root('schema/released.graphql'), 'utf8');
const changelog = readFileSync(root('CHANGELOG.md'), 'utf8');
const result = await checkSchemaCompatibility(released, printPublicSchema(), changelog);

const line = (c: SchemaChange, note = '') => `  ${c.path ?? '(schema)'}: ${c.message}${note}`;
const section = (title: string, lines: string[]) => {
  if (lines.length > 0) console.log(`${title} (${lines.length}):\n${lines.join('\n')}`);
};
section('Breaking, not recorded', result.breaking.map((c) => line(c)));
section('Breaking, allowed', result.allowed.map((c) => line(c, c.why === 'deprecated' ? ' [was @deprecated]' : ' [recorded in CHANGELOG.md]')));
section('Dangerous', result.dangerous.map((c) => line(c)));
section('Safe', result.safe.map((c) => line(c)));

const total = result.breaking.length + result.allowed.length + result.dangerous.length + result.safe.length;
if (total === 0) console.log('No changes since the released schema.');
if (!result.ok) {
  console.error(
    `\n${result.breaking.length} breaking change(s). Retire with @deprecated(reason:) in a release first, ` +
      'or record each under "### Breaking" in the "## Unreleased" section of CHANGELOG.md, naming its path in backticks.',
  );
  process.exit(1);
}
