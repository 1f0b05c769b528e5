import type { Ticket } from '../../../../db/schema.ts';
import { searchWords } from '../../../../inbox/search-text.ts';
import { withoutTicketTags } from '../../../../tickets/ticket-subject.ts';
import type { ClaimedEmail, FiledEmail } from '../filing-types.ts';
import { decideAcknowledgement, decideReopen } from './decide-acknowledgement.ts';
import { decideBounce } from './decide-bounce.ts';
import { decideQuarantine } from './decide-quarantine.ts';
import { decideThread, forgedTokenNote, forgedTokenTicketNote, refusedNotes } from './decide-thread.ts';
import { derive, type MailEmail } from './derive.ts';
import type { FilingPlan, FilingState, PlannedMessage, PlannedTicket } from './plan-types.ts';
import { strangerNotes } from './stranger-policy.ts';

// Deciding how a batch of inbound emails is filed, in memory, from what was read beforehand:
// the emails in the order one-by-one filing would take them (by id), and the state they refer
// to. Each decision sees what the decisions before it did (a ticket opened, a Message-ID on a
// ticket, a ticket reopened), so the plan is what filing them one by one would have written.
// The decisions are pure functions of this folder (decide-*.ts, stranger-policy.ts); the SQL
// around them is ../read-filing-state.ts and ../write-batch.ts. Threading (find-thread.ts) is
// explained in docs/ARCHITECTURE.md (Email).

/**
 * Decides the filing of `emails` (in order) on `state`. New tickets take their numbers from
 * `numbers` in order; with null they get placeholders that match nothing (a first pass that
 * counts the numbers to draw). Returns null when `numbers` runs out.
 */
export function planFiling(state: FilingState, emails: ClaimedEmail[], numbers: number[] | null): FilingPlan | null {
  const planner = new Planner(state, numbers);
  for (const email of emails) {
    if (email.bounce.bounced) planner.fileBounce(email);
    else if (!planner.fileQuarantine(email) && !planner.fileMail(email as MailEmail)) return null;
  }
  return planner.finish();
}

/** A plan as it grows, email by email, and what its decisions so far changed. */
class Planner {
  readonly plan: FilingPlan;
  private readonly byMessageId: Map<string, string | PlannedTicket>;
  private readonly byId = new Map<string, PlannedTicket>();
  private readonly byNumber = new Map<number, PlannedTicket>();
  private readonly touched = new Set<PlannedTicket>();
  private readonly contactNames: Map<string, string | null>;
  private readonly newTickets: PlannedTicket[] = [];

  constructor(
    private readonly state: FilingState,
    private readonly numbers: number[] | null,
  ) {
    this.byMessageId = new Map<string, string | PlannedTicket>(state.ticketByMessageId);
    this.contactNames = new Map([...state.contacts].map(([email, c]) => [email, c.nameBefore]));
    this.plan = {
      at: new Date(),
      tickets: [],
      messages: [],
      attachments: [],
      acknowledgements: [],
      inbound: [],
      bouncing: [],
      numbersUsed: 0,
      filed: [],
    };
    for (const ticket of state.tickets.values())
      if (ticket.property_id === state.property.id) this.byNumber.set(ticket.number, this.planned(ticket));
  }

  finish(): FilingPlan {
    this.plan.tickets = [...this.touched];
    this.plan.numbersUsed = this.newTickets.length;
    return this.plan;
  }

  private planned(ticket: Ticket): PlannedTicket {
    let p = this.byId.get(ticket.id);
    if (!p) {
      p = {
        id: ticket.id,
        number: ticket.number,
        status: ticket.status,
        subject: ticket.subject,
        contactId: ticket.contact_id,
        isNew: false,
        initialWords: '',
        addedWords: [],
        lastMessageAt: null,
        reopened: false,
      };
      this.byId.set(ticket.id, p);
    }
    return p;
  }

  private ticketById(id: string): PlannedTicket | null {
    return this.byId.get(id) ?? (this.state.tickets.has(id) ? this.planned(this.state.tickets.get(id)!) : null);
  }

  private append(ticket: PlannedTicket, m: Omit<PlannedMessage, 'ticket'>, words = searchWords([m.body])): void {
    this.plan.messages.push({ ticket, ...m });
    ticket.addedWords.push(words);
    ticket.lastMessageAt = this.plan.at;
    this.touched.add(ticket);
  }

  private systemNote(ticket: PlannedTicket, body: string): void {
    this.append(ticket, { sender: 'system', body, authorName: null, inboundEmailId: null });
  }

  private filed(id: string, f: Omit<FiledEmail, 'id'>): void {
    this.plan.filed.push({ id, ...f });
  }

  fileBounce({ row, bounce }: ClaimedEmail): void {
    const { reason, addresses, ticketId, note } = decideBounce(bounce, this.state.bouncedOutbound);
    this.plan.bouncing.push(...addresses);
    const ticket = ticketId ? this.ticketById(ticketId) : null;
    if (ticket) this.append(ticket, { sender: 'system', body: note, authorName: null, inboundEmailId: row.id });
    this.plan.inbound.push({
      id: row.id,
      kind: 'bounce',
      status: 'bounce',
      reason,
      automatic: true,
      ticket,
      fromAddress: null,
      subject: null,
      senderVerified: null,
    });
    if (ticket && row.message_id) this.byMessageId.set(row.message_id, ticket);
    this.filed(row.id, { status: 'bounce', ticket: ticket?.number ?? null, note: reason });
  }

  /** Quarantines the email unless it is mail; false when it is. */
  fileQuarantine(email: ClaimedEmail): boolean {
    const quarantine = decideQuarantine(email);
    if (!quarantine) return false;
    const { reason, subject } = quarantine;
    this.plan.inbound.push({
      id: email.row.id,
      kind: 'quarantine',
      status: 'quarantined',
      reason,
      automatic: false,
      ticket: null,
      fromAddress: null,
      subject,
      senderVerified: null,
    });
    this.filed(email.row.id, { status: 'quarantined', ticket: null, note: reason });
    return true;
  }

  /** Files mail on the ticket it joins or one it opens; false when `numbers` runs out. */
  fileMail(email: MailEmail): boolean {
    const { row, mail } = email;
    const from = mail.from;
    const { verdict, address, tokens, body, bodyWords } = derive(this.state.property, email);
    const contact = this.state.contacts.get(address)!;
    // The contact as upsertContact leaves it at this email: a known name kept, a missing one filled.
    const contactName = this.contactNames.get(address) ?? (from.name?.trim() || null);
    this.contactNames.set(address, contactName);

    const lookup = {
      byMessageId: (id: string) => {
        const target = this.byMessageId.get(id);
        return typeof target === 'string' ? this.ticketById(target) : target;
      },
      byNumber: (n: number) => this.byNumber.get(n),
    };
    const thread = decideThread(this.state.property, email, tokens, contact.id, lookup);
    const { forgedToken, stranger, refused, trust } = thread;
    // What parsing cut (a huge subject, name or id list) is noted with the rest, in the batch's one insert of messages.
    const notes: string[] = [...mail.cuts];
    if (forgedToken) notes.push(forgedTokenNote(forgedToken));
    const opened = thread.ticket === null;
    const ticket = thread.ticket ?? this.openTicket(mail.subject, contact, contactName);
    if (!ticket) return false;
    this.append(ticket, { sender: 'visitor', body, authorName: from.name ?? from.address, inboundEmailId: row.id }, bodyWords);
    if (stranger) {
      const { emailNote, ticketNote } = strangerNotes(stranger, from.address, ticket.number);
      notes.push(emailNote);
      this.systemNote(stranger.ticket, ticketNote);
    }
    if (refused && trust) {
      const { emailNote, ticketNote } = refusedNotes(refused, trust, from.address, ticket.number);
      notes.push(emailNote);
      this.systemNote(refused.ticket, ticketNote);
    }
    // A forged token is noted on the ticket it aimed at too, when that is another ticket of the property.
    const aimedAt = thread.forgedTokenTicket === null ? undefined : this.byNumber.get(thread.forgedTokenTicket);
    if (forgedToken && aimedAt && aimedAt !== ticket)
      this.systemNote(aimedAt, forgedTokenTicketNote(forgedToken, from.address, ticket.number));
    if (notes.length) this.systemNote(ticket, `Note on the email above: ${notes.join('; ')}.`);
    if (decideReopen(ticket, opened)) {
      ticket.status = 'open';
      ticket.reopened = true;
    }
    for (const a of mail.attachments) this.plan.attachments.push({ ...a, inboundEmailId: row.id });
    const acknowledgement = decideAcknowledgement(ticket, opened, verdict, contact, contactName, email);
    if (acknowledgement) this.plan.acknowledgements.push(acknowledgement);
    const note = [verdict.automatic ? `automatic: ${verdict.reason}` : null, ...notes, ...thread.marks].filter(Boolean).join('; ') || null;
    this.plan.inbound.push({
      id: row.id,
      kind: 'mail',
      status: 'threaded',
      reason: note,
      automatic: verdict.automatic,
      ticket,
      fromAddress: from.address,
      subject: mail.subject,
      senderVerified: trust ? trust.standing === 'verified' : null,
    });
    // Later mail of the batch may reply to this one.
    if (row.message_id) this.byMessageId.set(row.message_id, ticket);
    this.filed(row.id, { status: 'threaded', ticket: ticket.number, note });
    return true;
  }

  /** A new ticket of the sender's contact, numbered from `numbers`; null when they run out. */
  private openTicket(mailSubject: string, contact: { id: string; email: string }, contactName: string | null): PlannedTicket | null {
    const number = this.numbers ? this.numbers[this.newTickets.length] : -(this.newTickets.length + 1);
    if (number === undefined) return null;
    // A `[#n]` in a new ticket's subject names another ticket (a stranger's reply, a guess):
    // the title leaves it out, so that its mail carries its own tag alone.
    const subject = withoutTicketTags(mailSubject) || '(no subject)';
    const at = this.plan.at;
    const ticket: PlannedTicket = {
      id: null,
      number,
      status: 'open',
      subject,
      contactId: contact.id,
      isNew: true,
      initialWords: searchWords([subject, contact.email, contactName]),
      addedWords: [],
      lastMessageAt: at,
      reopened: false,
    };
    this.newTickets.push(ticket);
    this.byNumber.set(number, ticket);
    this.touched.add(ticket);
    return ticket;
  }
}
