import { sql, type Kysely, type Transaction } from 'kysely';
import { upsertContacts } from '../../../contacts/contacts.ts';
import { byRowId } from '../../../db/row-id-order.ts';
import type { Database, InboundEmail, Property, Ticket } from '../../../db/schema.ts';
import { NotVisibleYetError } from '../../../errors.ts';
import type { JobQueue } from '../../../jobs/job-queue.ts';
import { transactionThenJobs } from '../../../jobs/jobs-after-commit.ts';
import { refreshResponseClocks } from '../../../responses/response-clock-store.ts';
import { referencedIds } from './plan/find-thread.ts';
import { detectBounce } from '../content/bounce.ts';
import { MailParseError } from '../content/mail-parse-error.ts';
import { parseEmail } from '../content/parse-email.ts';
import type { RawMailHandoff } from '../store/raw-mail-handoff.ts';
import { rawMailRow, selectRawMailRows, type RawMailRow } from '../store/raw-mail-rows.ts';
import { derive, isMail, namedTicketNumbers, planFiling, type ClaimedEmail, type FiledEmail, type FilingPlan, type FilingState } from './plan/plan-filing.ts';
import type { InboundLimits, IngestOutcome } from './ingest-inbound-email.ts';
import { lockAutomaticRecipients, writeOutboxEmails } from '../../outbound/outbox.ts';
import { ticketAcknowledgement } from '../../outbound/ticket-acknowledgement.ts';

// Filing inbound mail one email per transaction cost ~14 statements and a commit per email, so
// Postgres round trips, not parsing, bounded the inbound path (bench/mail). A job now files its
// own email together with other unprocessed ones of the same property: one transaction, a
// handful of statements for the whole batch, the decisions made in memory in id order
// (core/mail/inbound-filing-plan.ts) so that the result is what filing them one by one would
// have written. The jobs of emails a batch filed find them processed and return at once.

/**
 * How many emails a job files at most in one transaction. A batch's statements and its turn
 * at the property's lock cost the same for 50 emails as for 400, so under load larger batches
 * file more per second (bench/mail: about 0.36 × bare simpleParser at 50, 0.47 at 400).
 */
export const defaultInboundBatchSize = 400;

/**
 * Larger emails are not taken into another job's batch (their own job files them), and a
 * batch takes others only up to a total: the raw mail a batch holds in memory is bounded.
 */
const maxBatchedRawBytes = 512 * 1024;
const maxBatchRawBytes = 16 * 1024 * 1024;
/** How far up its threads a batch takes in waiting emails that its replies answer, and how much of them. */
const maxAnsweredRounds = 5;
const maxAnsweredRawBytes = 64 * 1024 * 1024;

/** How a job files: emails per transaction, and the raw mail this process's ingress hands over (see RawMailHandoff). */
export interface FilingOptions {
  batchSize?: number;
  handoff?: RawMailHandoff;
}

/** What a run of the inbound-email job did. */
export interface InboundBatchResult {
  /** The job's own email (filed false when an earlier run or another job's batch had filed it). */
  own: IngestOutcome;
  /** Every email this run filed, the job's own included when it did, each once, by id. */
  filed: FiledEmail[];
}

/**
 * Files the stored inbound email `inboundEmailId` and up to `batchSize - 1` other unprocessed
 * emails of its property, each once, with every rule of filing one email (see
 * ingestInboundEmail). When another job's batch is filing the email right now, this one files
 * others meanwhile and then waits for it.
 */
export async function fileInboundBatch(
  db: Kysely<Database>,
  jobs: JobQueue,
  inboundEmailId: string,
  limits: InboundLimits,
  options: FilingOptions = {},
): Promise<InboundBatchResult> {
  return fileHead(db, jobs, (await readHeads(db, [inboundEmailId])).get(inboundEmailId), inboundEmailId, limits, options);
}

/** Where the emails stand before filing: one statement for a job's emails. */
async function readHeads(db: Kysely<Database>, ids: string[]): Promise<Map<string, StoredHead>> {
  const rows = await db.selectFrom('inbound_emails').select(['id', 'property_id', 'processed_at', 'status', 'reason']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

type StoredHead = Pick<InboundEmail, 'id' | 'property_id' | 'processed_at' | 'status' | 'reason'>;

/** The outcome for an email that an earlier run or another batch had filed: this one changed nothing. */
function filedEarlier(row: Pick<InboundEmail, 'status' | 'reason'>): InboundBatchResult & Filing {
  return { own: { status: row.status, filed: false, ticket: null, note: row.reason }, filed: [] };
}

async function fileHead(
  db: Kysely<Database>,
  jobs: JobQueue,
  head: StoredHead | undefined,
  inboundEmailId: string,
  limits: InboundLimits,
  options: FilingOptions,
): Promise<InboundBatchResult> {
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? defaultInboundBatchSize));
  if (!head) throw new NotVisibleYetError(`inbound email ${inboundEmailId} is not visible (yet)`);
  if (head.processed_at) {
    options.handoff?.forget([head.id]);
    return filedEarlier(head);
  }
  const batch = { batchSize, handoff: options.handoff };
  const first = await fileOnce(db, jobs, head, limits, batch, false);
  if (first.own) return { own: first.own, filed: first.filed };
  const second = first.waitsFor ? first : await fileOnce(db, jobs, head, limits, batch, true);
  if (second.waitsFor) {
    // Committed: what else the batch filed stays filed; the job is retried for this one.
    throw new NotVisibleYetError(`inbound email ${head.id} answers email ${second.waitsFor}, which another batch is filing now: it is filed after it`);
  }
  return { own: second.own!, filed: [...first.filed, ...second.filed] };
}

/**
 * The inbound-email job: files `ids` (its own email first, then those stored in the same
 * commit, which have no job of their own), each with fileInboundBatch unless a batch filed it
 * already. The result's `own` is the first email's.
 */
export async function fileInboundEmails(
  db: Kysely<Database>,
  jobs: JobQueue,
  ids: [string, ...string[]],
  limits: InboundLimits,
  options: FilingOptions = {},
): Promise<InboundBatchResult> {
  // Under load most jobs find their emails filed by another job's batch: one statement tells.
  let heads = await readHeads(db, ids);
  // An email that must wait for another batch does not hold up those stored with it: the
  // others are filed, then the job is retried for it.
  let waits: NotVisibleYetError | null = null;
  const fileOne = async (id: string) => {
    try {
      return await fileHead(db, jobs, heads.get(id), id, limits, options);
    } catch (error) {
      if (!(error instanceof NotVisibleYetError)) throw error;
      waits ??= error;
      return null;
    }
  };
  const waiting = (id: string) => heads.has(id) && !heads.get(id)!.processed_at;
  const first = await fileOne(ids[0]);
  const filed = [...(first?.filed ?? [])];
  const done = new Set([ids[0], ...filed.map((f) => f.id)]);
  // While a batch of this job ran, another job's batch may have filed the rest: read again.
  let stale = waiting(ids[0]);
  for (let rest = ids.filter((id) => !done.has(id) && waiting(id)); rest.length; stale = true) {
    if (stale) heads = await readHeads(db, rest);
    const next = rest.find(waiting);
    if (next === undefined) break;
    const result = await fileOne(next);
    done.add(next);
    for (const f of result?.filed ?? []) {
      filed.push(f);
      done.add(f.id);
    }
    rest = rest.filter((id) => !done.has(id));
  }
  if (waits) throw waits;
  return { own: first!.own, filed };
}

type Head = Pick<InboundEmail, 'id' | 'property_id'>;
/** waitsFor: the job's own email was left for later, as it answers this email, which another batch holds. */
type Filing = { own: IngestOutcome | null; filed: FiledEmail[]; waitsFor?: string };

type Batch = Required<Pick<FilingOptions, 'batchSize'>> & Pick<FilingOptions, 'handoff'>;

async function fileOnce(db: Kysely<Database>, jobs: JobQueue, head: Head, limits: InboundLimits, batch: Batch, waitForOwn: boolean): Promise<Filing> {
  let filing: Filing;
  try {
    filing = await fileBatch(db, jobs, head, limits, batch, waitForOwn);
  } catch (error) {
    if (batch.batchSize === 1) throw error;
    // One of the other emails may be what failed, or the batch met another transaction in a
    // deadlock: the job's own email is filed alone, as it was before batching; the others
    // stay for their own jobs.
    filing = await fileBatch(db, jobs, head, limits, { ...batch, batchSize: 1 }, true);
  }
  // Committed: what it filed is not read again.
  batch.handoff?.forget(filing.filed.map((f) => f.id));
  return filing;
}

async function fileBatch(db: Kysely<Database>, jobs: JobQueue, head: Head, limits: InboundLimits, { batchSize, handoff }: Batch, waitForOwn: boolean): Promise<Filing> {
  // The acknowledgements' send jobs are queued once the batch has committed.
  return transactionThenJobs(db, jobs, async (trx, jobs) => {
    // The raw messages are durable already, and a filing lost in a crash is redone from them
    // (reconcile), so this commit need not wait for the disk.
    await sql`SET LOCAL synchronous_commit = off`.execute(trx);
    // Our own email waits for a batch that holds it only on the second try: first, others.
    const ownRaw = handoff?.peek([head.id]);
    const ownQuery = selectRawMailRows(trx, ownRaw).where('id', '=', head.id).forUpdate();
    const ownRow = waitForOwn ? await ownQuery.executeTakeFirstOrThrow() : await ownQuery.skipLocked().executeTakeFirst();
    let own = ownRow && rawMailRow(ownRow, ownRaw);
    if (own?.processed_at) return filedEarlier(own);
    const others = await claimOthers(trx, head, batchSize - (own ? 1 : 0), handoff);
    if (!own && others.length === 0) {
      // Nothing else to file meanwhile: wait for the batch that holds it here, not in a
      // transaction of its own (no lock is held yet, so this cannot deadlock).
      own = rawMailRow(await ownQuery.executeTakeFirstOrThrow(), ownRaw);
      if (own.processed_at) return filedEarlier(own);
    }
    // In id order: the order in which their jobs were queued, and one-by-one filing's.
    const rows = [...(own ? [own] : []), ...others].sort((a, b) => byRowId(a.id, b.id));
    if (rows.length === 0) return { own: null, filed: [] };
    const parsed = await parseAll(rows, head.id, limits);
    const property = await trx.selectFrom('properties').selectAll().where('id', '=', head.property_id).executeTakeFirstOrThrow();
    // What planning derives from each email alone (its sender, reply tokens, whether it is
    // automatic, its search words) is worked out before the lock, too.
    for (const c of parsed) if (isMail(c)) derive(property, c);
    // One batch decides and writes a property's mail at a time: a batch decides from what is
    // filed, so a reply decided beside the batch that files what it answers (a customer's
    // follow-up to their own email, both waiting) would miss its thread and open a second
    // ticket. The lock is taken only now, after the claim and the parse (the rows are this
    // batch's already), so that the next batch parses while this one decides and writes; no
    // batch waits for a row while holding the lock, so batches cannot deadlock on it.
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`inbound/${head.property_id}`}, 0))`.execute(trx);
    // Batches may reach the lock in another order than they claimed: what a batch's emails
    // answer may still be waiting, in no batch or in one that has not decided yet.
    const { claimed, waitsFor } = await settleAnswered(trx, head.property_id, parsed, limits, handoff);
    if (claimed.length === 0) return { own: null, filed: [], waitsFor: waitsFor.get(head.id) };
    const plan = await decide(trx, property, claimed);
    await write(trx, jobs, head.property_id, plan, plan.state);
    const mine = plan.filed.find((f) => f.id === head.id);
    return { own: mine ? { status: mine.status, filed: true, ticket: mine.ticket, note: mine.note } : null, filed: plan.filed, waitsFor: waitsFor.get(head.id) };
  });
}

/**
 * Claims up to `room` other waiting emails of the property, oldest first, without waiting: a
 * row another batch holds is that batch's. Rows past the byte budget stay locked but unfiled
 * until this batch commits; their jobs then file them.
 */
async function claimOthers(trx: Transaction<Database>, head: Head, room: number, handoff: RawMailHandoff | undefined): Promise<RawMailRow[]> {
  if (room <= 0) return [];
  const locked = await trx
    .selectFrom('inbound_emails')
    .select(['id', 'raw_size'])
    .where('property_id', '=', head.property_id)
    .where('processed_at', 'is', null)
    .where('id', '!=', head.id)
    .where('raw_size', '<=', maxBatchedRawBytes)
    .orderBy('id')
    .limit(room)
    .forUpdate()
    .skipLocked()
    .execute();
  const ids: string[] = [];
  let bytes = 0;
  for (const row of locked) {
    bytes += row.raw_size;
    if (bytes > maxBatchRawBytes) break;
    ids.push(row.id);
  }
  if (ids.length === 0) return [];
  const handed = handoff?.peek(ids);
  return (await selectRawMailRows(trx, handed).where('id', 'in', ids).orderBy('id').execute()).map((r) => rawMailRow(r, handed));
}

/** Parses claimed rows; an unexpected failure on another job's email leaves it to that job (and its retries). */
async function parseAll(rows: RawMailRow[], ownId: string, limits: InboundLimits): Promise<ClaimedEmail[]> {
  const claimed: ClaimedEmail[] = [];
  for (const row of rows) {
    try {
      claimed.push(await parseClaimed(row, limits));
    } catch (error) {
      if (row.id === ownId) throw error;
    }
  }
  return claimed;
}

/**
 * Under the property's lock: the waiting emails that the batch's emails answer (by
 * In-Reply-To/References, and what those answer in turn) are taken into the batch when no
 * other batch holds them, so that they are filed first; an email that answers one another
 * batch holds, or one past the budget below (or answers an email left for that reason), is
 * left for later, with what it waits for. Filing order is id order in the end, as filing one
 * by one would have it.
 */
async function settleAnswered(
  trx: Transaction<Database>,
  propertyId: string,
  parsed: ClaimedEmail[],
  limits: InboundLimits,
  handoff: RawMailHandoff | undefined,
): Promise<{ claimed: ClaimedEmail[]; waitsFor: Map<string, string> }> {
  const claimed = [...parsed];
  const ours = new Set(parsed.flatMap((c) => (c.row.message_id ? [c.row.message_id] : [])));
  // Held elsewhere (or beyond the budget): Message-ID → the id of the email that carries it.
  const held = new Map<string, string>();
  let takenBytes = 0;
  // Each round looks one step further up the threads of what the last round took in.
  for (let frontier = parsed, round = 0; frontier.length && round < maxAnsweredRounds; round++) {
    const answered = [...new Set(frontier.filter(isMail).flatMap(({ mail }) => referencedIds(mail)))].filter((id) => !ours.has(id) && !held.has(id));
    if (answered.length === 0) break;
    const waiting = await trx
      .selectFrom('inbound_emails')
      .select(['id', 'message_id', 'raw_size'])
      .where('property_id', '=', propertyId)
      .where('processed_at', 'is', null)
      .where('message_id', 'in', answered)
      .orderBy('id')
      .execute();
    const affordable = waiting.filter((w) => (takenBytes += w.raw_size) <= maxAnsweredRawBytes).map((w) => w.id);
    const handed = handoff?.peek(affordable);
    const taken = affordable.length
      ? (await selectRawMailRows(trx, handed).where('id', 'in', affordable).where('processed_at', 'is', null).forUpdate().skipLocked().execute()).map((r) => rawMailRow(r, handed))
      : [];
    const takenIds = new Set(taken.map((r) => r.id));
    for (const w of waiting) {
      if (takenIds.has(w.id)) ours.add(w.message_id!);
      else held.set(w.message_id!, w.id);
    }
    frontier = await parseAll(taken, '', limits);
    claimed.push(...frontier);
  }
  claimed.sort((a, b) => byRowId(a.row.id, b.row.id));
  const waitsFor = new Map<string, string>();
  for (let changed = held.size > 0; changed; ) {
    changed = false;
    for (const c of claimed) {
      if (waitsFor.has(c.row.id) || !isMail(c)) continue;
      const blocker = referencedIds(c.mail).find((id) => held.has(id));
      if (blocker === undefined) continue;
      waitsFor.set(c.row.id, held.get(blocker)!);
      if (c.row.message_id) held.set(c.row.message_id, held.get(blocker)!);
      changed = true;
    }
  }
  return { claimed: claimed.filter((c) => !waitsFor.has(c.row.id)), waitsFor };
}

async function parseClaimed(row: RawMailRow, limits: InboundLimits): Promise<ClaimedEmail> {
  let mail: ClaimedEmail['mail'] = null;
  let parseFailure: string | null = null;
  try {
    mail = await parseEmail(row.raw, limits);
  } catch (error) {
    if (!(error instanceof MailParseError)) throw error;
    parseFailure = error.message;
  }
  return { row: { id: row.id, message_id: row.message_id, envelope_to: row.envelope_to, sender_auth: row.sender_auth }, mail, parseFailure, bounce: detectBounce(row.raw) };
}

/** Reads what the batch's emails refer to (a few statements for all of them), then plans. */
async function decide(trx: Transaction<Database>, property: Property, claimed: ClaimedEmail[]): Promise<FilingPlan & { state: FilingState }> {
  const propertyId = property.id;
  const mails = claimed.filter(isMail);
  const contacts = await upsertContacts(trx, propertyId, mails.map(({ mail }) => ({ email: mail.from.address, name: mail.from.name })));

  const bounces = new Map<string, string>();
  for (const c of claimed) if (c.bounce.bounced && c.bounce.originalMessageId) bounces.set(c.bounce.originalMessageId, c.bounce.reason ?? 'delivery failed');
  const bouncedOutbound = new Map<string, { ticket_id: string | null; to_address: string }>();
  if (bounces.size) {
    const ids = [...bounces.keys()].sort();
    const { rows } = await sql<{ message_id: string; ticket_id: string | null; to_address: string }>`
      UPDATE outbox_emails o SET status = 'bounced', last_error = v.reason
      FROM unnest(${ids}::text[], ${ids.map((id) => bounces.get(id)!)}::text[]) AS v(message_id, reason)
      WHERE o.property_id = ${propertyId}::bigint AND o.message_id = v.message_id
      RETURNING o.message_id, o.ticket_id, o.to_address`.execute(trx);
    for (const r of rows) bouncedOutbound.set(r.message_id, { ticket_id: r.ticket_id, to_address: r.to_address });
  }

  const referenced = [...new Set(mails.flatMap(({ mail }) => referencedIds(mail)))];
  const ticketByMessageId = new Map<string, string>();
  if (referenced.length) {
    const { rows } = await sql<{ message_id: string; ticket_id: string }>`
      SELECT message_id, ticket_id, 1 AS source FROM outbox_emails WHERE property_id = ${propertyId}::bigint AND message_id = ANY(${referenced}::text[]) AND ticket_id IS NOT NULL
      UNION ALL
      SELECT message_id, ticket_id, 2 FROM inbound_emails WHERE property_id = ${propertyId}::bigint AND message_id = ANY(${referenced}::text[]) AND ticket_id IS NOT NULL
      ORDER BY source`.execute(trx);
    // What we received wins over what we sent, as in findThread.
    for (const r of rows) ticketByMessageId.set(r.message_id, r.ticket_id);
  }

  const ticketIds = [...new Set([...ticketByMessageId.values(), ...[...bouncedOutbound.values()].flatMap((o) => (o.ticket_id ? [o.ticket_id] : []))])];
  const numbers = [...new Set(mails.flatMap((email) => namedTicketNumbers(property, email)))];
  // Locked in id order (the batch writes to most of them), so two batches cannot deadlock here.
  const tickets: Ticket[] =
    ticketIds.length || numbers.length
      ? await trx
          .selectFrom('tickets')
          .selectAll()
          .where((eb) =>
            eb.or([
              ...(ticketIds.length ? [eb('id', 'in', ticketIds)] : []),
              ...(numbers.length ? [eb.and([eb('property_id', '=', propertyId), eb('number', 'in', numbers)])] : []),
            ]),
          )
          .orderBy('id')
          .forNoKeyUpdate()
          .execute()
      : [];

  const state = {
    property,
    ticketByMessageId,
    tickets: new Map(tickets.map((t) => [t.id, t])),
    contacts: new Map([...contacts].map(([email, c]) => [email, { id: c.id, email: c.email, nameBefore: c.name_before }])),
    bouncedOutbound,
  };
  // A first pass counts the new tickets, whose numbers are then drawn at once; the second pass
  // decides with them (a later email may name one). Should it need more, more are drawn.
  let drawn = await drawTicketNumbers(trx, planFiling(state, claimed, null)!.numbersUsed);
  for (;;) {
    const plan = planFiling(state, claimed, drawn);
    if (plan) return { ...plan, state };
    drawn = [...drawn, ...(await drawTicketNumbers(trx, claimed.length))];
  }
}

async function drawTicketNumbers(trx: Transaction<Database>, count: number): Promise<number[]> {
  if (count === 0) return [];
  const { rows } = await sql<{ n: number }>`SELECT nextval('ticket_numbers')::int AS n FROM generate_series(1, ${count}::int)`.execute(trx);
  return rows.map((r) => r.n).sort((a, b) => a - b);
}

/** Writes a plan: a statement per table for the whole batch. */
async function write(trx: Transaction<Database>, jobs: JobQueue, propertyId: string, plan: FilingPlan, state: FilingState): Promise<void> {
  const { at } = plan;
  const created = plan.tickets.filter((t) => t.isNew);
  if (created.length) {
    // From arrays, not a VALUES row per ticket: Postgres planned each row's search expression,
    // which cost it more than the inserts themselves (pg_stat_statements over bench/mail: 313
    // ms of planning beside 284 ms of execution for 3,839 tickets).
    const { rows } = await sql<{ id: string; number: number }>`
      INSERT INTO tickets (property_id, number, subject, contact_id, search, created_at, updated_at, status_changed_at, last_message_at)
      SELECT ${propertyId}::bigint, v.number, v.subject, v.contact_id, strip(to_tsvector('simple', v.words)), ${at}::timestamptz,
        coalesce(v.last_message_at, ${at}::timestamptz), ${at}::timestamptz, v.last_message_at
      FROM unnest(
        ${created.map((t) => t.number)}::int[], ${created.map((t) => t.subject)}::text[], ${created.map((t) => t.contactId)}::bigint[],
        ${created.map((t) => [t.initialWords, ...t.addedWords].join(' '))}::text[], ${created.map((t) => t.lastMessageAt)}::timestamptz[]
      ) AS v(number, subject, contact_id, words, last_message_at)
      RETURNING id, number`.execute(trx);
    const ids = new Map(rows.map((r) => [r.number, r.id]));
    for (const t of created) t.id = ids.get(t.number)!;
  }
  if (plan.messages.length) {
    await trx
      .insertInto('messages')
      .values(
        plan.messages.map((m) => ({
          property_id: propertyId,
          ticket_id: m.ticket.id!,
          sender: m.sender,
          body: m.body,
          author_name: m.authorName,
          created_at: at,
          inbound_email_id: m.inboundEmailId,
        })),
      )
      .execute();
  }
  // Existing tickets: what appendMessage does per message (times, search) and the reopening.
  const existing = plan.tickets.filter((t) => !t.isNew);
  if (existing.length) {
    await sql`
      UPDATE tickets t SET
        last_message_at = greatest(t.last_message_at, ${at}::timestamptz),
        updated_at = greatest(t.updated_at, ${at}::timestamptz),
        search = strip(t.search || to_tsvector('simple', v.words)),
        status = CASE WHEN v.reopen THEN 'open' ELSE t.status END,
        status_changed_at = CASE WHEN v.reopen THEN now() ELSE t.status_changed_at END
      FROM unnest(${existing.map((t) => t.id)}::bigint[], ${existing.map((t) => t.addedWords.join(' '))}::text[], ${existing.map((t) => t.reopened)}::boolean[]) AS v(id, words, reopen)
      WHERE t.id = v.id`.execute(trx);
  }
  // The response clocks of every ticket the batch touched: two statements for the batch.
  await refreshResponseClocks(trx, jobs, plan.tickets.map((t) => ({ kind: 'ticket' as const, id: t.id! })));
  if (plan.attachments.length) {
    await trx
      .insertInto('email_attachments')
      .values(plan.attachments.map((a) => ({ inbound_email_id: a.inboundEmailId, filename: a.filename, content_type: a.contentType, size: a.size, content: a.content, skipped: a.skipped })))
      .execute();
  }
  if (plan.bouncing.length) {
    await trx.updateTable('contacts').set({ bouncing: true }).where('property_id', '=', propertyId).where('email', 'in', [...new Set(plan.bouncing)]).execute();
  }
  if (plan.acknowledgements.length) {
    const inputs = plan.acknowledgements.map((a) => ticketAcknowledgement(state.property, { id: a.ticket.id!, number: a.ticket.number, subject: a.ticket.subject }, a.visitor, { email: a.email }));
    // Only the recipients of acknowledgements are locked, late: replies from the same people in
    // concurrent batches never wait on each other. (One by one, a bounce filed after an
    // acknowledgement could not yet count for its window; here the batch's bounces are written
    // already. That differs only for a bounce of a suppressed email, which was never sent.)
    const recentlyMailed = await lockAutomaticRecipients(trx, propertyId, inputs.map((i) => i.to));
    await writeOutboxEmails(trx, jobs, inputs, recentlyMailed);
  }
  const u = plan.inbound;
  await sql`
    UPDATE inbound_emails e SET
      status = v.status,
      reason = v.reason,
      processed_at = now(),
      automatic = CASE WHEN v.kind = 'quarantine' THEN e.automatic ELSE v.automatic END,
      ticket_id = CASE WHEN v.kind = 'quarantine' THEN e.ticket_id ELSE v.ticket_id END,
      from_address = CASE WHEN v.kind = 'mail' THEN v.from_address ELSE e.from_address END,
      subject = CASE WHEN v.kind = 'mail' THEN v.subject ELSE COALESCE(v.subject, e.subject) END,
      sender_verified = v.sender_verified
    FROM unnest(
      ${u.map((x) => x.id)}::bigint[], ${u.map((x) => x.kind)}::text[], ${u.map((x) => x.status)}::text[], ${u.map((x) => x.reason)}::text[],
      ${u.map((x) => x.automatic)}::boolean[], ${u.map((x) => x.ticket?.id ?? null)}::bigint[], ${u.map((x) => x.fromAddress)}::text[], ${u.map((x) => x.subject)}::text[],
      ${u.map((x) => x.senderVerified)}::boolean[]
    ) AS v(id, kind, status, reason, automatic, ticket_id, from_address, subject, sender_verified)
    WHERE e.id = v.id`.execute(trx);
}
