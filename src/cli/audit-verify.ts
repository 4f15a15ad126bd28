import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { verifyAuditChains, type VerifyReport } from '../modules/audit/verify.js';
import { describeFailure } from './describe-failure.js';

// npm run audit:verify [-- --json]
// Connects like the gateway: DATABASE_URL, else the PGlite data directory IAM_DATA_DIR (default
// .data/; stop the gateway first, PGlite allows one process per directory).
// Exit 0: every chain intact; 1: a broken link (reported); 2: the check itself could not run.

function render(report: VerifyReport): string {
  const lines = [
    report.ok
      ? `audit chains OK: ${report.rowsChecked} rows in ${report.chains.length} chains`
      : `audit chains BROKEN: ${report.rowsChecked} rows in ${report.chains.length} chains checked`,
  ];
  for (const chain of report.chains) {
    const status = chain.broken === null ? 'ok' : `BROKEN at chain_seq ${chain.broken.chainSeq ?? '-'}: ${chain.broken.problem}`;
    lines.push(`  ${chain.chain.padEnd(44)} ${String(chain.rows).padStart(7)} rows  last seq ${String(chain.lastSeq).padStart(7)}  ${status}`);
  }
  const first = report.firstBroken;
  if (first !== undefined) {
    lines.push('', `first broken link: chain ${first.chain}, chain_seq ${first.chainSeq ?? '-'}, row id ${first.id ?? '-'}`, `  ${first.problem}: ${first.detail}`);
  }
  return lines.join('\n');
}

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false } } });
const config = loadConfig();
let exitCode = 2;
try {
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, statementTimeoutMs: 600_000, lockTimeoutMs: 10_000 });
  try {
    const report = await verifyAuditChains(database.db);
    console.log(values.json ? JSON.stringify(report, null, 2) : render(report));
    exitCode = report.ok ? 0 : 1;
  } finally {
    await database.close();
  }
} catch (error) {
  console.error(`audit:verify could not run: ${describeFailure(error)}`);
}
process.exit(exitCode);
