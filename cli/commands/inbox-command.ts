import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { Database, Property } from '../../core/db/schema.ts';
import { formatDuration, parseBusinessDuration } from '../../core/hours/business-duration.ts';
import { resolveAgent } from '../../core/directory/agents.ts';
import { resolveLabel } from '../../core/directory/labels.ts';
import { ValidationError } from '../../core/errors.ts';
import { type InboxItem } from '../../core/inbox/inbox-item.ts';
import { showItem, type ItemDetail } from '../../core/inbox/item-detail.ts';
import { listInbox, maxPageSize, type InboxQuery, type InboxSort } from '../../core/inbox/list-inbox.ts';
import { action } from '../action.ts';
import { formatTable, shortTime } from '../format-table.ts';
import { priorityNames } from '../../core/inbox/priority-names.ts';

interface ListOptions {
  view?: string;
  status?: string;
  agent?: string;
  department?: string;
  tag?: string;
  missed?: boolean;
  withEmail?: boolean;
  from?: string;
  to?: string;
  search?: string;
  sort?: string;
  order?: string;
  limit?: string;
  cursor?: string;
  due?: string;
  waitingLongerThan?: string;
}

/** Parses YYYY-MM-DD (a whole day, local time) or an ISO time. `end` makes a day inclusive. */
export function parseDate(text: string, flag: string, end = false): Date {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const date = day ? new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3]) + (end ? 1 : 0)) : new Date(text);
  if (Number.isNaN(date.getTime())) throw new ValidationError(`${flag} "${text}" is not a date: use YYYY-MM-DD or an ISO time`);
  return date;
}

/** `--due breached|at-risk|today`; today ends at midnight in the property's business-hours zone (else the machine's). */
function dueFilter(value: string | undefined, zone: string | undefined): InboxQuery['due'] {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'breached' || v === 'at-risk') return v;
  if (v === 'today')
    return { before: (zone ? DateTime.now().setZone(zone) : DateTime.now()).endOf('day').plus({ milliseconds: 1 }).toJSDate() };
  throw new ValidationError(`--due "${value}" is not one of: breached, at-risk, today`);
}

/** Turns the command-line filters into an InboxQuery, resolving names to ids. */
async function toQuery(db: Kysely<Database>, property: Property, o: ListOptions): Promise<InboxQuery> {
  const propertyId = property.id;
  const oneOf = <T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined => {
    if (value === undefined) return undefined;
    const v = value.replace('-', '_') as T;
    if (!allowed.includes(v)) throw new ValidationError(`${flag} "${value}" is not one of: ${allowed.join(', ')}`);
    return v;
  };
  const limit = o.limit === undefined ? undefined : Number(o.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > maxPageSize))
    throw new ValidationError(`--limit must be 1 to ${maxPageSize}, got "${o.limit}"`);
  const sort = oneOf<InboxSort>('--sort', o.sort, ['created', 'updated', 'status_changed', 'priority', 'due']);
  let agent: InboxQuery['agent'];
  if (o.agent === 'assigned' || o.agent === 'unassigned') agent = o.agent;
  else if (o.agent && o.agent !== 'all') agent = { id: (await resolveAgent(db, propertyId, o.agent)).id };
  return {
    show: oneOf('--view', o.view, ['conversations', 'tickets', 'both'] as const),
    status: oneOf('--status', o.status, ['open', 'pending', 'closed', 'all'] as const),
    agent,
    departmentId: o.department ? (await resolveLabel(db, 'departments', propertyId, o.department)).id : undefined,
    tagId: o.tag ? (await resolveLabel(db, 'tags', propertyId, o.tag)).id : undefined,
    missed: o.missed,
    withEmail: o.withEmail,
    createdFrom: o.from ? parseDate(o.from, '--from') : undefined,
    createdTo: o.to ? parseDate(o.to, '--to', true) : undefined,
    text: o.search,
    due: dueFilter(o.due, property.business_hours?.zone),
    waitingSince: o.waitingLongerThan === undefined ? undefined : new Date(Date.now() - parseBusinessDuration(o.waitingLongerThan)),
    sort,
    // Due times read soonest first; the other sorts newest (or highest) first.
    order: oneOf('--order', o.order, ['asc', 'desc'] as const) ?? (sort === 'due' ? 'asc' : 'desc'),
    limit,
    cursor: o.cursor,
  };
}

/** How long the visitor has waited, and when the first running clock is due ("45m", "2h 05m over"). */
export function waitingAndDue(i: InboxItem, now = Date.now()): [string, string] {
  const waiting = i.waitingSince ? formatDuration(now - i.waitingSince.getTime()) : '-';
  const due = !i.dueAt
    ? '-'
    : i.dueAt.getTime() <= now
      ? `${formatDuration(now - i.dueAt.getTime())} over`
      : `in ${formatDuration(i.dueAt.getTime() - now)}`;
  return [waiting, due];
}

/** One line per item, as in every list of the CLI. */
export function itemTable(items: InboxItem[]): string {
  const now = Date.now();
  return formatTable(
    ['ID', 'TYPE', 'STATUS', 'PRIORITY', 'AGENT', 'CONTACT', 'TAGS', 'WAITING', 'DUE', 'CREATED', 'UPDATED', 'TITLE'],
    items.map((i) => [
      i.ref,
      i.channel ?? 'ticket',
      i.status + (i.missed ? ' (missed)' : ''),
      priorityNames[i.priority] ?? String(i.priority),
      i.agent?.name ?? '-',
      i.contact.email ?? i.contact.name ?? '-',
      i.tags.join(','),
      ...waitingAndDue(i, now),
      shortTime(i.createdAt),
      shortTime(i.updatedAt),
      i.title,
    ]),
    40,
  );
}

function describeDetail(d: ItemDetail): string {
  const i = d.item;
  const lines = [
    `${i.ref}  ${i.channel ?? 'ticket'}  ${i.status}${i.missed ? ' (missed)' : ''}${i.trashedAt ? '  [in the trash]' : ''}`,
    i.title,
    `priority ${priorityNames[i.priority]}  ·  agent ${i.agent?.name ?? '-'}  ·  department ${i.department?.name ?? '-'}  ·  ` +
      `tags ${i.tags.join(', ') || '-'}`,
    `contact ${[i.contact.name, i.contact.email && `<${i.contact.email}>`].filter(Boolean).join(' ') || '-'}`,
    `created ${shortTime(i.createdAt)}  ·  updated ${shortTime(i.updatedAt)}  ·  status changed ${shortTime(i.statusChangedAt)}`,
  ];
  if (d.linked) lines.push(i.kind === 'conversation' ? `became ticket ${d.linked}` : `from conversation ${d.linked}`);
  if (d.visitor?.prechat) lines.push(`pre-chat ${JSON.stringify(d.visitor.prechat)}`);
  lines.push('');
  for (const m of d.messages) {
    const unverified = m.senderVerified === false ? ' [sender not verified]' : '';
    lines.push(`[${shortTime(m.createdAt)}] ${m.sender}${m.author ? ` (${m.author})` : ''}${unverified}:`);
    lines.push(...m.body.split('\n').map((l) => `  ${l}`));
  }
  if (d.messages.length === 0) lines.push('(no messages)');
  return lines.join('\n');
}

/** `switchboard inbox list|show`. */
export function registerInbox(program: Command): void {
  const inbox = program.command('inbox').description("the property's shared inbox of conversations and tickets");
  inbox
    .command('list')
    .description('list items, newest first by default')
    .option('--view <view>', 'conversations | tickets | both', 'both')
    .option('--status <status>', 'open | pending | closed | all', 'all')
    .option('--agent <agent>', 'assigned | unassigned | an agent (email, name or id)')
    .option('--department <department>', 'a department (name or id)')
    .option('--tag <tag>', 'a tag (name or id)')
    .option('--missed', 'only missed chats')
    .option('--with-email', 'only items with a visitor email to answer (every ticket; chats whose visitor left one)')
    .option('--from <date>', 'created on or after (YYYY-MM-DD or ISO time)')
    .option('--to <date>', 'created on or before (YYYY-MM-DD, inclusive, or ISO time, exclusive)')
    .option('-q, --search <text>', 'free text over subject, messages, contact name and email')
    .option('--due <when>', 'by response targets: breached | at-risk | today (due before midnight)')
    .option('--waiting-longer-than <duration>', 'the visitor has waited longer than this for an answer, e.g. 2h')
    .option('--sort <sort>', 'created | updated | status-changed | priority | due (soonest first)', 'created')
    .option('--order <order>', 'asc | desc (default desc; asc for due)')
    .option('--limit <n>', 'page size (1-500)', '50')
    .option('--cursor <cursor>', 'continue after a previous page (printed at its end)')
    .action(
      action(async (ctx, opts: ListOptions) => {
        const db = await ctx.db();
        const property = await ctx.property();
        const page = await listInbox(db, property.id, await toQuery(db, property, opts));
        ctx.print(page, () => {
          const text = page.items.length ? itemTable(page.items) : 'nothing matches';
          return page.nextCursor ? `${text}\n\nmore: add --cursor ${page.nextCursor}` : text;
        });
      }),
    );
  inbox
    .command('show')
    .argument('<id>', 'C<n> (conversation) or T<n> (ticket)')
    .description('show an item with its transcript or email thread')
    .action(
      action(async (ctx, ref: string) => {
        const property = await ctx.property();
        const detail = await showItem(await ctx.db(), property.id, ref);
        ctx.print(detail, () => describeDetail(detail));
      }),
    );
}
