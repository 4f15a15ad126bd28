import { execFileSync } from 'node:child_process';
import os from 'node:os';
import postgres from 'postgres';

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  loadAverage: number[];
  node: string;
  postgres: string;
  commit: string;
  /**
   * One `select 1` from postgres.js, one after another: what a round trip to the server costs the
   * client here. Every SQL statement of a request pays it, so it frames numbers 3 and 4.
   */
  roundTrip: { wallMicros: number; cpuMicros: number };
}

async function measureRoundTrip(sql: postgres.Sql, count = 500): Promise<MachineInfo['roundTrip']> {
  for (let i = 0; i < 50; i += 1) await sql`select 1`;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < count; i += 1) await sql`select 1`;
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { wallMicros: Math.round((wall * 1000) / count), cpuMicros: Math.round((used.user + used.system) / count) };
}

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty === '' ? head : `${head}-dirty`;
  } catch {
    return 'unknown';
  }
}

/** The load average is recorded because other work on the machine skews every number. */
export async function describeMachine(serverUrl: string): Promise<MachineInfo> {
  const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ server_version: string }[]>`show server_version`;
    const roundTrip = await measureRoundTrip(sql);
    return {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
      memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      loadAverage: os.loadavg().map((n) => Math.round(n * 100) / 100),
      node: process.version,
      postgres: row?.server_version ?? 'unknown',
      commit: gitCommit(),
      roundTrip,
    };
  } finally {
    await sql.end();
  }
}
