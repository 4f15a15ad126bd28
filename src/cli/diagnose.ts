import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { formatDiagnosis } from '../modules/audit/diagnose-format.js';
import { diagnose, readLogLines } from '../modules/audit/diagnose.js';
import { describeFailure } from './describe-failure.js';

// npm run diagnose -- <correlation_id> [--log <file>] [--json]
// Connects like the gateway (DATABASE_URL, else the PGlite directory IAM_DATA_DIR).
// Exit 0: something was found; 1: neither an audit row nor a log line carries the id; 2: usage or failure.

const USAGE = 'usage: npm run diagnose -- <correlation_id> [--log <pino JSON-lines file>] [--json]';
// The gateway keeps an incoming x-correlation-id only in this shape, so anything else cannot match.
const CORRELATION_ID = /^[A-Za-z0-9._-]{1,64}$/;

let parsed;
try {
  parsed = parseArgs({ allowPositionals: true, options: { log: { type: 'string' }, json: { type: 'boolean', default: false } } });
} catch (error) {
  console.error(`${describeFailure(error)}\n${USAGE}`);
  process.exit(2);
}
const [correlationId, ...extra] = parsed.positionals;
if (correlationId === undefined || extra.length > 0 || !CORRELATION_ID.test(correlationId)) {
  console.error(USAGE);
  process.exit(2);
}

const config = loadConfig();
let exitCode = 2;
try {
  const logLines = parsed.values.log === undefined ? null : await readLogLines(parsed.values.log, correlationId);
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, statementTimeoutMs: 60_000, lockTimeoutMs: 10_000 });
  try {
    const report = await diagnose(database.db, { correlationId, logLines, tenancyMode: config.tenancyMode });
    console.log(parsed.values.json ? JSON.stringify(report, null, 2) : formatDiagnosis(report));
    exitCode = report.auditRows.length > 0 || report.logLines.length > 0 ? 0 : 1;
  } finally {
    await database.close();
  }
} catch (error) {
  console.error(`diagnose could not run: ${describeFailure(error)}`);
}
process.exit(exitCode);
