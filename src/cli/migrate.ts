import { loadConfig } from '../config.js';
import { migrateDatabase, openDatabase } from '../db/client.js';

const config = loadConfig();
const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, statementTimeoutMs: 60_000, lockTimeoutMs: 60_000 });
try {
  await migrateDatabase(database, config.databaseUrl);
  console.log(`migrations applied (${database.kind})`);
} finally {
  await database.close();
}
