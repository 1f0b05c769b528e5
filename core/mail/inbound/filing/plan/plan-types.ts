import type { InboundStatus, MessageSender, Property, Ticket } from '../../../../db/schema.ts';
import type { ParsedAttachment } from '../../content/parse-email.ts';
import type { FiledEmail } from '../filing-types.ts';

// What planning decides from (FilingState) and what it decides (FilingPlan): the pure
// decisions of this folder in between, the SQL around them in ../read-filing-state.ts and
// ../write-batch.ts.

/** A contact as the batch's upsert left it, and the name it had before. */
export interface BatchContact {
  id: string;
  email: string;
  /** Null when the contact is new or had no name. */
  nameBefore: string | null;
}

/** What the plan is decided from, read before deciding. */
export interface FilingState {
  property: Property;
  /** Message-ID → ticket id of our outbox and of filed inbound mail (inbound wins, as in findThread). */
  ticketByMessageId: Map<string, string>;
  /** Tickets the emails may name (by reference, token, tag or bounce), by id. */
  tickets: Map<string, Ticket>;
  /** Senders' contacts by normalised address. */
  contacts: Map<string, BatchContact>;
  /** Outbound emails the batch's bounces marked bounced, by their Message-ID. */
  bouncedOutbound: Map<string, { ticket_id: string | null; to_address: string }>;
}

/** A ticket as the plan sees it: an existing one (id set) or one the batch opens (id after insert). */
export interface PlannedTicket {
  id: string | null;
  number: number;
  status: Ticket['status'];
  subject: string;
  contactId: string;
  isNew: boolean;
  /** New tickets: the words of the subject and contact (searchVector). */
  initialWords: string;
  /** Words the batch's messages add to its search vector. */
  addedWords: string[];
  lastMessageAt: Date | null;
  reopened: boolean;
}

export interface PlannedMessage {
  ticket: PlannedTicket;
  sender: MessageSender;
  body: string;
  authorName: string | null;
  inboundEmailId: string | null;
}

export interface PlannedAcknowledgement {
  ticket: PlannedTicket;
  visitor: { email: string; name: string | null };
  email: { messageId: string | null; references: string[] };
}

export interface PlannedInboundUpdate {
  id: string;
  /** Which columns filing sets: a quarantine sets status and reason only, a bounce no sender. */
  kind: 'mail' | 'bounce' | 'quarantine';
  status: InboundStatus;
  reason: string | null;
  automatic: boolean;
  ticket: PlannedTicket | null;
  fromAddress: string | null;
  subject: string | null;
  /** Whether the sender counted as authenticated; null when not mail, or the property's sender-auth is off. */
  senderVerified: boolean | null;
}

export interface FilingPlan {
  /** When the batch's tickets and messages are dated. */
  at: Date;
  /** Existing and new tickets the batch touches, in first-touched order. */
  tickets: PlannedTicket[];
  messages: PlannedMessage[];
  attachments: (ParsedAttachment & { inboundEmailId: string })[];
  acknowledgements: PlannedAcknowledgement[];
  inbound: PlannedInboundUpdate[];
  /** Addresses bounces mark bouncing. */
  bouncing: string[];
  /** Ticket numbers handed out, in order (unused ones of `numbers` are gaps). */
  numbersUsed: number;
  filed: FiledEmail[];
}
