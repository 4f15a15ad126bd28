// `npm run schema:print` rewrites the committed schema.graphql; `--stdout` prints it instead
// (the CI check compares the two).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printPublicSchema } from '../schema-print.js';

const sdl = printPublicSchema();
if (process.argv.includes('--stdout')) {
  process.stdout.write(sdl);
} else {
  const target = fileURLToPath(new URL('../../schema.graphql', import.meta.url));
  writeFileSync(target, sdl);
  process.stderr.write(`wrote ${target}\n`);
}
