// EXPLAIN for the exact SQL listInbox sends: a second Kysely on the same database logs each
// compiled query, and the last one is run again under EXPLAIN (ANALYZE, BUFFERS).
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../core/db/schema.ts';

/** A Kysely that remembers the queries it ran. */
export interface CapturingDatabase {
  db: Kysely<Database>;
  lastQuery(): CompiledQuery | null;
  /** The queries run since the last call, oldest first (listInbox sends several: the page, then its rows' columns). */
  takeQueries(): CompiledQuery[];
  destroy(): Promise<void>;
}

/** Opens a one-connection Kysely on `url` that records every compiled query it executes. */
export function capturingDatabase(url: string): CapturingDatabase {
  let queries: CompiledQuery[] = [];
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
    log: (event) => {
      queries.push(event.query);
    },
  });
  return {
    db,
    lastQuery: () => queries[queries.length - 1] ?? null,
    takeQueries: () => {
      const taken = queries;
      queries = [];
      return taken;
    },
    destroy: () => db.destroy(),
  };
}

/** What one plan did, in one line: time, buffers, and how each inbox table was read. */
export interface PlanSummary {
  executionMs: number;
  text: string;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  'Sort Method'?: string;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

/** Runs `query` under EXPLAIN (ANALYZE, BUFFERS) and returns the text plan. */
export async function explainText(db: Kysely<Database>, query: CompiledQuery): Promise<string> {
  const result = await db.executeQuery<{ 'QUERY PLAN': string }>(
    CompiledQuery.raw(`EXPLAIN (ANALYZE, BUFFERS) ${query.sql}`, [...query.parameters]),
  );
  return result.rows.map((r) => r['QUERY PLAN']).join('\n');
}

/**
 * Runs `query` under EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) and condenses it: for each scan of
 * conversations or tickets, the access path, rows returned and rows read and thrown away.
 */
export async function explainSummary(db: Kysely<Database>, query: CompiledQuery): Promise<PlanSummary> {
  const result = await db.executeQuery<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }>(
    CompiledQuery.raw(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${query.sql}`, [...query.parameters]),
  );
  const [root] = result.rows[0]!['QUERY PLAN'];
  const scans: string[] = [];
  const sorts: string[] = [];
  const visit = (node: PlanNode): void => {
    const table = node['Relation Name'];
    if (table === 'conversations' || table === 'tickets') {
      const rows = (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1);
      const removed = (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0);
      const path = node['Index Name'] ? `${node['Node Type']} ${node['Index Name']}` : node['Node Type'];
      scans.push(`${table}: ${path}, ${rows} rows${removed ? `, ${removed} filtered out` : ''}`);
    }
    if (node['Node Type'] === 'Bitmap Index Scan') scans.push(`${node['Index Name']} → ${node['Actual Rows']} rows`);
    if (node['Sort Method'] && node['Sort Method'] !== 'top-N heapsort' && node['Sort Method'] !== 'quicksort')
      sorts.push(node['Sort Method']);
    for (const child of node.Plans ?? []) visit(child);
  };
  visit(root.Plan);
  const buffers = (root.Plan['Shared Hit Blocks'] ?? 0) + (root.Plan['Shared Read Blocks'] ?? 0);
  return {
    executionMs: root['Execution Time'],
    text: `${root['Execution Time'].toFixed(1)} ms, ${buffers} buffers; ${[...scans, ...sorts].join('; ')}`,
  };
}
