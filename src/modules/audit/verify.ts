import type { Executor } from '../../db/client.js';
import { readChainHeads, readChainPage, type ChainPosition, type ChainRow } from './chain-repository.js';
import { auditRowHash } from './hash.js';

/** What is wrong with a link, from the first check that fails on the row. */
export type ChainProblem =
  | 'seq_gap' // rows are missing before this one (deleted), or chain_seq was edited
  | 'prev_hash_mismatch' // prev_hash does not name the previous row's hash
  | 'hash_mismatch' // the row's content was edited after it was written
  | 'head_mismatch' // the chain head names another last row (the tail was deleted, or the head edited)
  | 'missing_head'; // rows exist for a chain that has no head

export interface ChainBreak {
  chain: string;
  /** The row where the break shows; null when the chain's rows are gone entirely. */
  chainSeq: number | null;
  id: string | null;
  problem: ChainProblem;
  detail: string;
}

export interface ChainResult {
  chain: string;
  rows: number;
  /** chain_seq of the last row read, 0 when none. */
  lastSeq: number;
  broken: ChainBreak | null;
}

export interface VerifyReport {
  ok: boolean;
  rowsChecked: number;
  chains: ChainResult[];
  /** The first break in chain order (chains sorted by name, rows by chain_seq). */
  firstBroken?: ChainBreak;
}

const DEFAULT_PAGE_SIZE = 1000;

/** The first thing wrong with a row, given the chain so far. */
function checkLink(row: ChainRow, expectedSeq: number, prevHash: string | null): Omit<ChainBreak, 'chain' | 'chainSeq' | 'id'> | null {
  if (row.chainSeq !== expectedSeq) {
    return { problem: 'seq_gap', detail: `expected chain_seq ${expectedSeq}, found ${row.chainSeq}: rows are missing or renumbered` };
  }
  if (row.prevHash !== prevHash) {
    return { problem: 'prev_hash_mismatch', detail: `prev_hash is ${row.prevHash ?? 'null'}, the previous row's hash is ${prevHash ?? 'null (first row)'}` };
  }
  const recomputed = auditRowHash({
    id: row.id,
    occurredAt: row.occurredAt,
    correlationId: row.correlationId,
    traceId: row.traceId,
    actorUserId: row.actorUserId,
    action: row.action,
    targetUserId: row.targetUserId,
    tenantId: row.tenantId,
    projectId: row.projectId,
    before: row.before,
    after: row.after,
    reason: row.reason,
    chain: row.chain,
    chainSeq: row.chainSeq,
    prevHash: row.prevHash,
  });
  if (recomputed !== row.hash || row.subMillisecond) {
    return { problem: 'hash_mismatch', detail: 'the row content does not match its hash: it was edited after it was written' };
  }
  return null;
}

/**
 * Walks every audit chain in chain_seq order inside one read-only snapshot (so rows appended
 * meanwhile cannot look like a broken head), recomputing each row's hash and checking its link to
 * the previous row, the contiguity of chain_seq and the chain head. Reads in pages: memory stays
 * flat however long the trail is.
 */
export async function verifyAuditChains(db: Executor, options: { pageSize?: number } = {}): Promise<VerifyReport> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  return db.transaction(
    async (tx) => {
      const heads = new Map((await readChainHeads(tx as unknown as Executor)).map((h) => [h.chain, h]));
      const chains: ChainResult[] = [];
      let rowsChecked = 0;
      let current: (ChainResult & { prevHash: string | null }) | null = null;

      const closeChain = () => {
        if (current === null) return;
        const { prevHash, ...result } = current;
        const head = heads.get(result.chain);
        heads.delete(result.chain);
        if (result.broken === null) {
          if (head === undefined) {
            result.broken = { chain: result.chain, chainSeq: result.lastSeq, id: null, problem: 'missing_head', detail: 'the chain has rows but no head' };
          } else if (head.chainSeq !== result.lastSeq || head.hash !== prevHash) {
            result.broken = {
              chain: result.chain,
              chainSeq: head.chainSeq,
              id: null,
              problem: 'head_mismatch',
              detail: `the head names chain_seq ${head.chainSeq}, the last row is chain_seq ${result.lastSeq}: rows at the end are missing, or the head was edited`,
            };
          }
        }
        chains.push(result);
        current = null;
      };

      let after: ChainPosition | null = null;
      for (;;) {
        const page = await readChainPage(tx as unknown as Executor, after, pageSize);
        for (const row of page) {
          if (current === null || current.chain !== row.chain) {
            closeChain();
            current = { chain: row.chain, rows: 0, lastSeq: 0, broken: null, prevHash: null };
          }
          const chain: ChainResult & { prevHash: string | null } = current;
          rowsChecked += 1;
          chain.rows += 1;
          if (chain.broken === null) {
            const problem = checkLink(row, chain.lastSeq + 1, chain.prevHash);
            if (problem !== null) chain.broken = { chain: chain.chain, chainSeq: row.chainSeq, id: row.id, ...problem };
          }
          chain.lastSeq = row.chainSeq;
          chain.prevHash = row.hash;
        }
        if (page.length < pageSize) break;
        const last = page[page.length - 1]!;
        after = { chain: last.chain, chainSeq: last.chainSeq };
      }
      closeChain();

      // A head whose chain has no rows at all: every row of that chain was deleted.
      for (const head of heads.values()) {
        // An empty head (chain_seq 0) with no rows is consistent: nothing was ever appended to it.
        if (head.chainSeq === 0 && head.hash === '') continue;
        chains.push({
          chain: head.chain,
          rows: 0,
          lastSeq: 0,
          broken: { chain: head.chain, chainSeq: null, id: null, problem: 'head_mismatch', detail: `the head names chain_seq ${head.chainSeq} but the chain has no rows` },
        });
      }
      chains.sort((a, b) => (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : 0));
      const firstBroken = chains.find((c) => c.broken !== null)?.broken ?? undefined;
      return { ok: firstBroken === undefined, rowsChecked, chains, ...(firstBroken ? { firstBroken } : {}) };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
