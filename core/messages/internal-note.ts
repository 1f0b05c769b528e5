import type { Kysely } from 'kysely';
import type { Database, Message } from '../db/schema.ts';
import { resolveAgent } from '../directory/agents.ts';
import { InvalidStateError, ValidationError } from '../errors.ts';
import { findItem } from '../inbox/find-item.ts';
import { appendMessage } from './append-message.ts';

/** The longest note kept: the same bound as a reply. */
export const maxNoteLength = 100_000;

/**
 * An agent's internal note on a conversation or a ticket: kept in the item's thread for the
 * team, never sent to the visitor (no outbox row, no chat delivery, left out of the transcripts
 * we mail) and never a response: the response clocks count only sender 'agent', so a note
 * leaves every clock as it was and nothing needs recomputing.
 */
export async function addInternalNote(
  db: Kysely<Database>,
  propertyId: string,
  ref: string,
  input: { body: string; agent?: string | null },
): Promise<Message> {
  const body = input.body.replace(/\r\n/g, '\n').trim();
  if (!body) throw new ValidationError('the note is empty');
  if (body.length > maxNoteLength) throw new ValidationError(`the note is longer than ${maxNoteLength.toLocaleString('en')} characters`);
  const item = await findItem(db, propertyId, ref);
  if (item.trashedAt) throw new InvalidStateError(`${item.ref} is in the trash; restore it first (switchboard restore ${item.ref})`);
  const agent = input.agent ? await resolveAgent(db, propertyId, input.agent) : null;
  return appendMessage(db, {
    propertyId,
    target: item.kind === 'ticket' ? { ticketId: item.id } : { conversationId: item.id },
    sender: 'note',
    body,
    agentId: agent?.id ?? null,
    authorName: agent?.name ?? null,
  });
}
