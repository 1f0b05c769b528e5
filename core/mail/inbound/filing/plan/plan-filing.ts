import { normalizeEmail } from '../../../../contacts/contacts.ts';
import type { InboundEmail, InboundStatus, MessageSender, Property, Ticket } from '../../../../db/schema.ts';
import { searchWords } from '../../../../inbox/search-text.ts';
import { withoutTicketTags } from '../../../../tickets/ticket-subject.ts';
import { classifyAutomatic, type AutomaticVerdict } from '../../content/auto-reply.ts';
import type { BounceReport } from '../../content/bounce.ts';
import type { ParsedAttachment, ParsedEmail } from '../../content/parse-email.ts';
import { findThread, subjectTag } from './find-thread.ts';
import { mailDomain } from '../../../message-id.ts';
import { findReplyTokens, type ReplyToken } from '../../../reply-address.ts';
import { senderStanding } from '../../../sender-trust.ts';

// Deciding how a batch of inbound emails is filed, in memory, from what was read beforehand:
// the emails in the order one-by-one filing would take them (by id), and the state they refer
// to. Each decision sees what the decisions before it did (a ticket opened, a Message-ID now on
// a ticket, a ticket reopened), so the plan is what filing them one by one would have written.
// The SQL around it is core/mail/file-inbound-batch.ts. Threading (find-thread.ts) and the
// stranger policy are explained in docs/ARCHITECTURE.md (Email).

/** A claimed email with what parsing found. */
export interface ClaimedEmail {
  row: Pick<InboundEmail, 'id' | 'message_id' | 'envelope_to' | 'sender_auth'>;
  mail: ParsedEmail | null;
  /** Why parseEmail rejected it, when it did. */
  parseFailure: string | null;
  bounce: BounceReport;
}

/** What planning derives from a (well-formed) email alone: computed once per batch, whatever the passes. */
interface Derived {
  verdict: AutomaticVerdict;
  /** The sender, normalised as contacts store it. */
  address: string;
  tokens: ReplyToken[];
  body: string;
  bodyWords: string;
}

const derivedCache = new WeakMap<ClaimedEmail, Derived>();

/** What planning derives from an email with a sender (memoised for the email object). */
export function derive(property: Property, email: ClaimedEmail & { mail: ParsedEmail & { from: NonNullable<ParsedEmail['from']> } }): Derived {
  let d = derivedCache.get(email);
  if (!d) {
    const { mail, row } = email;
    const body = mail.visibleText.trim() || mail.text.trim() || '(no text)';
    d = {
      verdict: classifyAutomatic(mail.headers, mail.from.address, [mailDomain(property)], mail.messageId, mail.references),
      address: normalizeEmail(mail.from.address),
      tokens: findReplyTokens(property, [...row.envelope_to, ...mail.to, ...mail.cc]),
      body,
      bodyWords: searchWords([body]),
    };
    derivedCache.set(email, d);
  }
  return d;
}

/** Filed as mail (not a bounce, not quarantined): the email has a parsed message with a sender. */
export function isMail(email: ClaimedEmail): email is ClaimedEmail & { mail: ParsedEmail & { from: NonNullable<ParsedEmail['from']> } } {
  return !email.bounce.bounced && Boolean(email.mail?.from);
}

/** The ticket numbers an email names (reply tokens, subject tag), to read those tickets beforehand. */
export function namedTicketNumbers(property: Property, email: ClaimedEmail): number[] {
  if (!isMail(email)) return [];
  const tag = subjectTag(email.mail.subject);
  return [...derive(property, email).tokens.map((t) => t.ticketNumber), ...(tag === null ? [] : [tag])];
}

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

/** What became of one email of the batch. */
export interface FiledEmail {
  id: string;
  status: InboundStatus;
  ticket: number | null;
  note: string | null;
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

/**
 * Decides the filing of `emails` (in order) on `state`. New tickets take their numbers from
 * `numbers` in order; with null they get placeholders that match nothing (a first pass that
 * counts the numbers to draw). Returns null when `numbers` runs out.
 */
export function planFiling(state: FilingState, emails: ClaimedEmail[], numbers: number[] | null): FilingPlan | null {
  const { property } = state;
  const byMessageId = new Map<string, string | PlannedTicket>(state.ticketByMessageId);
  const byId = new Map<string, PlannedTicket>();
  const byNumber = new Map<number, PlannedTicket>();
  const touched = new Set<PlannedTicket>();
  const contactNames = new Map([...state.contacts].map(([email, c]) => [email, c.nameBefore]));
  const at = new Date();
  const plan: FilingPlan = { at, tickets: [], messages: [], attachments: [], acknowledgements: [], inbound: [], bouncing: [], numbersUsed: 0, filed: [] };
  const newTickets: PlannedTicket[] = [];

  const planned = (ticket: Ticket): PlannedTicket => {
    let p = byId.get(ticket.id);
    if (!p) {
      p = { id: ticket.id, number: ticket.number, status: ticket.status, subject: ticket.subject, contactId: ticket.contact_id, isNew: false, initialWords: '', addedWords: [], lastMessageAt: null, reopened: false };
      byId.set(ticket.id, p);
    }
    return p;
  };
  for (const ticket of state.tickets.values()) if (ticket.property_id === property.id) byNumber.set(ticket.number, planned(ticket));
  const ticketById = (id: string): PlannedTicket | null => byId.get(id) ?? (state.tickets.has(id) ? planned(state.tickets.get(id)!) : null);

  const append = (ticket: PlannedTicket, m: Omit<PlannedMessage, 'ticket'>, words = searchWords([m.body])) => {
    plan.messages.push({ ticket, ...m });
    ticket.addedWords.push(words);
    ticket.lastMessageAt = at;
    touched.add(ticket);
  };

  for (const email of emails) {
    const { row, mail, parseFailure, bounce } = email;
    const filed = (f: Omit<FiledEmail, 'id'>) => plan.filed.push({ id: row.id, ...f });
    if (bounce.bounced) {
      const reason = bounce.reason ?? 'delivery failed';
      const outbound = bounce.originalMessageId ? state.bouncedOutbound.get(bounce.originalMessageId) : undefined;
      const addresses = [...new Set([...bounce.failedRecipients, ...(outbound ? [outbound.to_address] : [])])];
      plan.bouncing.push(...addresses);
      const ticket = outbound?.ticket_id ? ticketById(outbound.ticket_id) : null;
      // A report may list thousands of recipients: all are marked bouncing, ten are named.
      const named = addresses.length > 10 ? `${addresses.slice(0, 10).join(', ')} and ${addresses.length - 10} more` : addresses.join(', ');
      if (ticket) append(ticket, { sender: 'system', body: `Email to ${named} bounced: ${reason}`, authorName: null, inboundEmailId: row.id });
      plan.inbound.push({ id: row.id, kind: 'bounce', status: 'bounce', reason, automatic: true, ticket, fromAddress: null, subject: null, senderVerified: null });
      if (ticket && row.message_id) byMessageId.set(row.message_id, ticket);
      filed({ status: 'bounce', ticket: ticket?.number ?? null, note: reason });
      continue;
    }
    if (!isMail(email) || !mail?.from) {
      const reason = !mail ? `unparseable: ${parseFailure}` : 'no usable sender address (From)';
      // A message that parsed but has no sender keeps its subject: the quarantine list is where
      // a person decides what it was, and the subject is what they recognise it by.
      plan.inbound.push({ id: row.id, kind: 'quarantine', status: 'quarantined', reason, automatic: false, ticket: null, fromAddress: null, subject: mail?.subject ?? null, senderVerified: null });
      filed({ status: 'quarantined', ticket: null, note: reason });
      continue;
    }

    const from = mail.from;
    const { verdict, address, tokens, body, bodyWords } = derive(property, email);
    const contact = state.contacts.get(address)!;
    // The contact as upsertContact leaves it at this email: a known name kept, a missing one filled.
    const contactName = contactNames.get(address) ?? (from.name?.trim() || null);
    contactNames.set(address, contactName);

    // The sender-auth policy: threading that rests on the From address alone (a reference, the
    // subject tag) counts only for an authenticated sender; a valid reply token still does; a
    // sender whose domain publishes p=reject and whose DMARC failed never joins a ticket.
    const mode = property.sender_auth_mode;
    const trust = mode === 'off' ? null : senderStanding(row.sender_auth, property);
    const clues = findThread(
      mail,
      tokens,
      contact.id,
      {
        byMessageId: (id) => {
          const target = byMessageId.get(id);
          return typeof target === 'string' ? ticketById(target) : target;
        },
        byNumber: (n) => byNumber.get(n),
      },
      !trust || trust.standing === 'verified',
    );
    const { forgedToken } = clues;
    let match = clues.match;
    /** The ticket an unauthenticated sender's mail named but may not join: it gets a note, the mail its own ticket. */
    let refused: NonNullable<typeof match> | null = null;
    if (trust?.standing === 'rejected' && match) [refused, match] = [match, null];
    if (clues.unverified) {
      if (trust?.standing === 'rejected' || mode === 'enforce') refused = clues.unverified;
      else match = clues.unverified;
    }
    // What parsing cut (a huge subject, name or id list) is noted with the rest, in the batch's one insert of messages.
    const notes: string[] = [...mail.cuts];
    const marks: string[] = [];
    if (forgedToken) notes.push(`the reply address ${forgedToken} carried a token that does not verify; it was ignored`);
    let ticket = match && match.ticket.contactId === contact.id ? match.ticket : null;
    const stranger = match && !ticket ? match : null;
    if (trust && trust.standing !== 'verified' && match && ticket && match.via !== 'reply-token') marks.push(`sender not verified (${trust.why}); filed on T${ticket.number} by ${match.via}`);
    else if (trust && trust.standing !== 'verified') marks.push(`sender not verified (${trust.why})`);
    const isNew = ticket === null;
    if (!ticket) {
      const number = numbers ? numbers[newTickets.length] : -(newTickets.length + 1);
      if (number === undefined) return null;
      // A `[#n]` in a new ticket's subject names another ticket (a stranger's reply, a guess):
      // the title leaves it out, so that its mail carries its own tag alone.
      const subject = withoutTicketTags(mail.subject) || '(no subject)';
      ticket = { id: null, number, status: 'open', subject, contactId: contact.id, isNew: true, initialWords: searchWords([subject, contact.email, contactName]), addedWords: [], lastMessageAt: at, reopened: false };
      newTickets.push(ticket);
      byNumber.set(number, ticket);
      touched.add(ticket);
    }
    append(ticket, { sender: 'visitor', body, authorName: from.name ?? from.address, inboundEmailId: row.id }, bodyWords);
    if (stranger) {
      notes.push(`it referred to T${stranger.ticket.number} (by ${stranger.via}) but ${from.address} is not that ticket's contact, so it was filed as T${ticket.number}`);
      append(stranger.ticket, {
        sender: 'system',
        body: `An email from ${from.address}, who is not this ticket's contact, referred to this ticket (by ${stranger.via}); it was filed as its own ticket T${ticket.number}.`,
        authorName: null,
        inboundEmailId: null,
      });
    }
    if (refused && trust) {
      notes.push(`it referred to T${refused.ticket.number} (by ${refused.via}) but its sender ${from.address} is not verified (${trust.why}), so it was filed as T${ticket.number}`);
      append(refused.ticket, {
        sender: 'system',
        body: `An email claiming to be from ${from.address}, whose sender could not be verified (${trust.why}), referred to this ticket (by ${refused.via}); it was filed as its own ticket T${ticket.number}.`,
        authorName: null,
        inboundEmailId: null,
      });
    }
    // A forged token is noted on the ticket it aimed at too, when that is another ticket of the property.
    const aimedAt = clues.forgedTokenTicket === null ? undefined : byNumber.get(clues.forgedTokenTicket);
    if (forgedToken && aimedAt && aimedAt !== ticket) {
      append(aimedAt, {
        sender: 'system',
        body: `An email from ${from.address} was sent to ${forgedToken}, a reply address for this ticket whose token does not verify; it was not filed here but as T${ticket.number}.`,
        authorName: null,
        inboundEmailId: null,
      });
    }
    if (notes.length) append(ticket, { sender: 'system', body: `Note on the email above: ${notes.join('; ')}.`, authorName: null, inboundEmailId: null });
    if (!isNew && ticket.status !== 'open') {
      // A reply reopens the ticket: it is waiting on us again.
      ticket.status = 'open';
      ticket.reopened = true;
    }
    for (const a of mail.attachments) plan.attachments.push({ ...a, inboundEmailId: row.id });
    if (isNew && !verdict.automatic) {
      plan.acknowledgements.push({ ticket, visitor: { email: contact.email, name: from.name ?? contactName }, email: { messageId: mail.messageId, references: mail.references } });
    }
    const note = [verdict.automatic ? `automatic: ${verdict.reason}` : null, ...notes, ...marks].filter(Boolean).join('; ') || null;
    plan.inbound.push({ id: row.id, kind: 'mail', status: 'threaded', reason: note, automatic: verdict.automatic, ticket, fromAddress: from.address, subject: mail.subject, senderVerified: trust ? trust.standing === 'verified' : null });
    // Later mail of the batch may reply to this one.
    if (row.message_id) byMessageId.set(row.message_id, ticket);
    filed({ status: 'threaded', ticket: ticket.number, note });
  }
  plan.tickets = [...touched];
  plan.numbersUsed = newTickets.length;
  return plan;
}
