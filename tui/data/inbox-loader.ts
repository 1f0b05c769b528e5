import type { Kysely } from 'kysely';
import type { Database } from '../../core/db/schema.ts';
import { agentLoadToday, type AgentLoad } from '../../core/inbox/agent-load.ts';
import { attentionPiles, type Pile } from '../../core/inbox/attention-piles.ts';
import { showItem, type ItemDetail } from '../../core/inbox/item-detail.ts';
import { listInbox, type InboxPage, type InboxQuery } from '../../core/inbox/list-inbox.ts';

/** What the inbox screen reads, for one property. */
export interface InboxLoader {
  page(query: InboxQuery): Promise<InboxPage>;
  detail(ref: string): Promise<ItemDetail>;
  /** The attention bar's piles (core/inbox/attention-piles.ts). */
  attention(): Promise<Pile[]>;
  /** The Agents tab: each agent's load, breaches counted since midnight in the property's zone. */
  agents(): Promise<AgentLoad[]>;
}

/** The inbox reads of one property, through core's queries. */
export function inboxLoader(db: Kysely<Database>, propertyId: string): InboxLoader {
  return {
    page: (query) => listInbox(db, propertyId, query),
    detail: (ref) => showItem(db, propertyId, ref),
    attention: () => attentionPiles(db, propertyId),
    agents: () => agentLoadToday(db, propertyId),
  };
}
