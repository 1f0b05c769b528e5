// Inbox listing latency on a million conversations: every filter × every sort, first page and
// a deep page, against a bare primary-key read through the same pool. Run with
// `npm run bench:inbox` (options: --reseed, --runs N, --depth N, --only REGEX, --plans N, and
// --size N for a smaller data set of N conversations and N/10 tickets, kept in a database of
// its own, to try a change quickly before the million).
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { type Kysely, sql } from 'kysely';
import { DateTime } from 'luxon';
import { parseConfig, readEnvironment } from '../core/config/config.ts';
import { connectDatabase } from '../core/db/connect.ts';
import type { Database } from '../core/db/schema.ts';
import { listInbox, type InboxQuery } from '../core/inbox/list-inbox.ts';
import { servicesUp } from '../services/embedded-services.ts';
import { capturingDatabase, explainSummary, explainText } from './explain.ts';
import { benchFilters, benchSorts, type BenchRefs } from './inbox-cases.ts';
import { databaseUrlFor, ensureSeeded, mainSlug, searchWords } from './inbox-seed.ts';
import { type Latency, measure } from './latency.ts';

const defaultConversations = 1_000_000;
const pageSize = 50;
/** The target every combination should meet: p95 at most this many ms, and at most `maxRatio` × the baseline's p95. */
const targetMs = 20;
const maxRatio = 3;

const { values: args } = parseArgs({
  options: {
    reseed: { type: 'boolean', default: false },
    runs: { type: 'string', default: '100' },
    depth: { type: 'string', default: '20' },
    only: { type: 'string' },
    plans: { type: 'string', default: '5' },
    size: { type: 'string', default: String(defaultConversations) },
  },
});
const conversations = Number(args.size);
if (!Number.isInteger(conversations) || conversations < 1000)
  throw new Error(`--size must be a whole number of conversations, at least 1000, got "${args.size}"`);
const seedSize = { conversations, tickets: Math.round(conversations / 10) };
const benchDatabase = conversations === defaultConversations ? 'switchboard_bench' : `switchboard_bench_${conversations}`;
const runs = Number(args.runs);
const depth = Number(args.depth);
// 100 runs make p95 the 95th of 100 samples rather than the 2nd-slowest of 30. A slow
// combination is still measured, but not for minutes: 4 s or `runs`, whichever ends first.
const timing = { runs, warmup: 5, budgetMs: 4000, minRuns: Math.min(runs, 5) };

interface Row {
  filter: string;
  sort: string;
  query: InboxQuery;
  first: Latency;
  /** Null when the filter has fewer than `depth` pages. */
  deep: Latency | null;
  deepCursor: string | null;
  meets: boolean;
  worstP95: number;
}

async function main(): Promise<void> {
  // The bench is a composition root: it alone reads the environment.
  const config = parseConfig(readEnvironment());
  const serverUrl =
    config.databaseUrl ?? (await servicesUp({ dataDir: config.dataDir, log: (m) => console.log(`[services] ${m}`) })).databaseUrl;

  console.log(`load average ${loadAverage()} (1, 5, 15 min) on ${availableParallelism()} cores`);
  const seedStarted = performance.now();
  const seeded = await ensureSeeded(serverUrl, benchDatabase, seedSize, { reseed: args.reseed, log: (m) => console.log(`[seed] ${m}`) });
  console.log(
    seeded
      ? `seeded ${benchDatabase} in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s`
      : `reusing ${benchDatabase} (--reseed rebuilds it)`,
  );

  const url = databaseUrlFor(serverUrl, benchDatabase);
  const db = connectDatabase(url, { max: 2 });
  const explainDb = capturingDatabase(url);
  try {
    const { propertyId, refs } = await loadRefs(db);
    await describeData(db, propertyId, refs);

    const baseline = await measure(
      () =>
        sql`SELECT id, kind, status, priority, created_at, updated_at, status_changed_at
            FROM conversations WHERE property_id = ${propertyId} ORDER BY id LIMIT ${pageSize}`.execute(db),
      { ...timing, runs: 200, warmup: 20 },
    );
    const limitMs = Math.min(targetMs, maxRatio * baseline.p95);
    console.log(
      `baseline (SELECT ... WHERE property_id = $1 ORDER BY id LIMIT ${pageSize}): p50 ${ms(baseline.p50)}  p95 ${ms(baseline.p95)} ms`,
    );
    console.log(`target: p95 ≤ ${targetMs} ms and ≤ ${maxRatio}× baseline p95, i.e. ≤ ${ms(limitMs)} ms; deep page = page ${depth + 1}\n`);

    const only = args.only ? new RegExp(args.only, 'i') : null;
    const rows: Row[] = [];
    printHeader();
    for (const filter of benchFilters(refs)) {
      for (const { sort, order } of benchSorts) {
        const sortName = `${sort} ${order}`;
        if (only && !only.test(`${filter.name} ${sortName}`)) continue;
        const query: InboxQuery = { ...filter.query, sort, order, limit: pageSize };
        const first = await measure(() => listInbox(db, propertyId, query), timing);
        const deepCursor = await cursorAtDepth(db, propertyId, query);
        const deep = deepCursor ? await measure(() => listInbox(db, propertyId, { ...query, cursor: deepCursor }), timing) : null;
        const worstP95 = Math.max(first.p95, deep?.p95 ?? 0);
        const row = { filter: filter.name, sort: sortName, query, first, deep, deepCursor, meets: worstP95 <= limitMs, worstP95 };
        rows.push(row);
        printRow(row, baseline);
      }
    }

    console.log(`\nload average ${loadAverage()} (1, 5, 15 min)`);
    const missed = rows.filter((r) => !r.meets).sort((a, b) => b.worstP95 - a.worstP95);
    const overBound = missed.filter((r) => r.worstP95 > targetMs).length;
    console.log(
      `\n${rows.length - missed.length} of ${rows.length} combinations meet the target (p95 ≤ ${ms(limitMs)} ms on first and deep page); ` +
        `of the ${missed.length} that miss, ${overBound} exceed ${targetMs} ms and ${missed.length - overBound} only the ${maxRatio}× ratio`,
    );
    if (missed.length === 0) return;
    console.log('\nworst combinations:');
    for (const row of missed.slice(0, 10))
      console.log(`  ${row.filter} / ${row.sort}: p95 ${ms(row.worstP95)} ms (${ratio(row.worstP95, baseline)})`);

    // One condensed plan per miss (the slower of its two pages), full plans for the worst few.
    console.log('\nplans of the combinations that miss (EXPLAIN ANALYZE of the SQL listInbox sent):');
    for (const [i, row] of missed.entries()) {
      const deepIsWorse = row.deep !== null && row.deep.p95 > row.first.p95;
      const query = deepIsWorse ? { ...row.query, cursor: row.deepCursor! } : row.query;
      // The slowest of the statements listInbox sent (the last one only fetches the page's columns).
      explainDb.takeQueries();
      await listInbox(explainDb.db, propertyId, query);
      let captured = null;
      let summary = null;
      for (const sent of explainDb.takeQueries().filter((q) => !/^\s*EXPLAIN/i.test(q.sql))) {
        const s = await explainSummary(explainDb.db, sent);
        if (!summary || s.executionMs > summary.executionMs) [captured, summary] = [sent, s];
      }
      if (!captured || !summary) continue;
      console.log(`  ${row.filter} / ${row.sort} (${deepIsWorse ? 'deep' : 'first'} page): ${summary.text}`);
      if (i < Number(args.plans)) console.log(`${indent(await explainText(explainDb.db, captured))}\n`);
    }
  } finally {
    await explainDb.destroy();
    await db.destroy();
  }
}

/** The main property, and filter values with a realistic share of its rows. */
async function loadRefs(db: Kysely<Database>): Promise<{ propertyId: string; refs: BenchRefs }> {
  const property = await db.selectFrom('properties').select('id').where('slug', '=', mainSlug).executeTakeFirstOrThrow();
  const ids = async (table: 'agents' | 'departments' | 'tags'): Promise<string[]> =>
    (await db.selectFrom(table).select('id').where('property_id', '=', property.id).orderBy('id').execute()).map((r) => r.id);
  const [agents, departments, tags] = await Promise.all([ids('agents'), ids('departments'), ids('tags')]);
  const { newest } = await db
    .selectFrom('conversations')
    .select((eb) => eb.fn.max('created_at').as('newest'))
    .where('property_id', '=', property.id)
    .executeTakeFirstOrThrow();
  // A calendar-sized month a year back: the middle of the data, not its recent edge.
  const createdTo = new Date(new Date(newest).getTime() - 365 * 86_400_000);
  const createdFrom = new Date(createdTo.getTime() - 30 * 86_400_000);
  return {
    propertyId: property.id,
    // The third agent, the smallest department (8% of conversations), the fifth of 12 tags.
    refs: {
      agentId: agents[2]!,
      departmentId: departments[0]!,
      tagId: tags[4]!,
      createdFrom,
      createdTo,
      endOfToday: DateTime.now().endOf('day').plus({ milliseconds: 1 }).toJSDate(),
      twoHoursAgo: new Date(Date.now() - 2 * 3_600_000),
    },
  };
}

/** Prints the data set's size and how selective the benchmarked filters are. */
async function describeData(db: Kysely<Database>, propertyId: string, refs: BenchRefs): Promise<void> {
  const { rows } = await sql<{ conversations: string; tickets: string; messages: string; common: string; rare: string }>`
    SELECT (SELECT count(*) FROM conversations WHERE property_id = ${propertyId}) AS conversations,
           (SELECT count(*) FROM tickets WHERE property_id = ${propertyId}) AS tickets,
           (SELECT count(*) FROM messages WHERE property_id = ${propertyId}) AS messages,
           (SELECT count(*) FROM conversations WHERE property_id = ${propertyId} AND search @@ to_tsquery('simple', ${`${searchWords.common}:*`})) AS common,
           (SELECT count(*) FROM conversations WHERE property_id = ${propertyId} AND search @@ to_tsquery('simple', ${`${searchWords.rare}:*`})) AS rare`.execute(
    db,
  );
  const r = rows[0]!;
  console.log(
    `main property: ${Number(r.conversations).toLocaleString('en')} conversations, ${Number(r.tickets).toLocaleString('en')} tickets, ` +
      `${Number(r.messages).toLocaleString('en')} messages; "${searchWords.common}" in ${Number(r.common).toLocaleString('en')} conversations, ` +
      `"${searchWords.rare}" in ${r.rare}`,
  );
  // The response clocks, both kinds together.
  const { rows: clocks } = await sql<{ running: string; breached: string; at_risk: string; today: string; waiting: string }>`
    SELECT sum(running) AS running, sum(breached) AS breached, sum(at_risk) AS at_risk, sum(today) AS today, sum(waiting) AS waiting FROM (
      SELECT count(due_at) AS running, count(*) FILTER (WHERE due_at <= now()) AS breached,
        count(*) FILTER (WHERE at_risk_at <= now() AND due_at > now()) AS at_risk, count(*) FILTER (WHERE due_at < ${refs.endOfToday}) AS today,
        count(*) FILTER (WHERE waiting_since < ${refs.twoHoursAgo}) AS waiting
      FROM conversations WHERE property_id = ${propertyId} AND trashed_at IS NULL
      UNION ALL
      SELECT count(due_at), count(*) FILTER (WHERE due_at <= now()), count(*) FILTER (WHERE at_risk_at <= now() AND due_at > now()),
        count(*) FILTER (WHERE due_at < ${refs.endOfToday}), count(*) FILTER (WHERE waiting_since < ${refs.twoHoursAgo})
      FROM tickets WHERE property_id = ${propertyId} AND trashed_at IS NULL) k`.execute(db);
  const c = clocks[0]!;
  const n = (v: string): string => Number(v).toLocaleString('en');
  console.log(
    `response clocks: ${n(c.running)} items with a due time, ${n(c.breached)} breached, ${n(c.at_risk)} at risk, ` +
      `${n(c.today)} due before ${refs.endOfToday.toISOString()} (today), ${n(c.waiting)} waiting over 2 h`,
  );
}

/** Follows nextCursor `depth` times; null when the list ends sooner. */
async function cursorAtDepth(db: Kysely<Database>, propertyId: string, query: InboxQuery): Promise<string | null> {
  let cursor: string | undefined;
  for (let page = 0; page < depth; page++) {
    const { nextCursor } = await listInbox(db, propertyId, { ...query, cursor });
    if (!nextCursor) return null;
    cursor = nextCursor;
  }
  return cursor ?? null;
}

const columns = [28, 20, 9, 9, 7, 9, 9, 7];

function printHeader(): void {
  console.log(line(['filter', 'sort', 'first p50', 'p95', '×base', 'deep p50', 'p95', '×base', '']));
  console.log('-'.repeat(columns.reduce((a, b) => a + b + 2, 0) + 4));
}

function printRow(row: Row, baseline: Latency): void {
  const deep = row.deep ? [ms(row.deep.p50), ms(row.deep.p95), ratio(row.deep.p95, baseline)] : ['—', '—', ''];
  console.log(
    line([row.filter, row.sort, ms(row.first.p50), ms(row.first.p95), ratio(row.first.p95, baseline), ...deep, row.meets ? '' : 'MISS']),
  );
}

function line(cells: string[]): string {
  return cells.map((cell, i) => (i < 2 ? cell.padEnd(columns[i]!) : cell.padStart(columns[i] ?? 0))).join('  ');
}

function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

function ms(value: number): string {
  return value.toFixed(value < 10 ? 2 : 1);
}

function ratio(p95: number, baseline: Latency): string {
  return `${(p95 / baseline.p95).toFixed(1)}×`;
}

function indent(text: string): string {
  return text.replace(/^/gm, '      ');
}

await main();
