import type { Kysely } from 'kysely';
import type { Database } from '../../core/db/schema.ts';
import { showItem, type ItemDetail } from '../../core/inbox/item-detail.ts';
import { listInbox, type InboxPage, type InboxQuery } from '../../core/inbox/list-inbox.ts';

/** How many open unassigned items are counted before the count shows as "N+". */
export const unassignedCountCap = 99;

/** The open unassigned count: exact up to the cap, else the cap and `more`. */
export interface UnassignedCount {
  count: number;
  more: boolean;
}

/** What the inbox screen reads, for one property. */
export interface InboxLoader {
  page(query: InboxQuery): Promise<InboxPage>;
  detail(ref: string): Promise<ItemDetail>;
  openUnassigned(): Promise<UnassignedCount>;
}

/** The inbox reads of one property, through core's queries. */
export function inboxLoader(db: Kysely<Database>, propertyId: string): InboxLoader {
  return {
    page: (query) => listInbox(db, propertyId, query),
    detail: (ref) => showItem(db, propertyId, ref),
    // One index-ordered page of at most cap + 1 narrow rows per kind: cheap at any inbox size,
    // where an exact count(*) would read every open item.
    async openUnassigned() {
      const page = await listInbox(db, propertyId, { status: 'open', agent: 'unassigned', limit: unassignedCountCap });
      return { count: page.items.length, more: page.nextCursor !== null };
    },
  };
}

/** "12", or "99+" past the cap. */
export function formatCount(count: UnassignedCount): string {
  return `${count.count}${count.more ? '+' : ''}`;
}
