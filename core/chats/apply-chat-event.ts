import { sql, type Transaction } from 'kysely';
import { upsertContact } from '../contacts/contacts.ts';
import { createConversation, updateConversation } from '../conversations/conversation-store.ts';
import type { Conversation, Database, Property } from '../db/schema.ts';
import { resolveLabel } from '../directory/labels.ts';
import { appendSearchText } from '../inbox/search-text.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { appendMessage } from '../messages/append-message.ts';
import type { ChatEvent } from './chat-event.ts';
import { scheduleChatTimers } from './chat-timers.ts';
import { endChat, triggerPending } from './end-chat.ts';
import { findOrCreateChatAgent } from './chat-agent.ts';
import { emailInText } from './visitor-email.ts';

type Trx = Transaction<Database>;

/** Everything applying an event needs: the transaction, the property, the job queue, the clock. */
export interface ApplyContext {
  trx: Trx;
  property: Property;
  jobs: JobQueue;
  now: Date;
}

/** What applying an event did that the worker counts. */
export interface AppliedEvent {
  /** The event (an agent's first answer, or the end of the chat) made a due recovery trigger pointless. */
  triggerCancelled: boolean;
}

const nothingCancelled: AppliedEvent = { triggerCancelled: false };

/**
 * Applies one chat event to the inbox, inside the caller's transaction (which also marks the
 * event processed). Events of a chat may arrive in any order: a message or an end before the
 * start still finds (or makes) its conversation.
 */
export async function applyChatEvent(ctx: ApplyContext, event: ChatEvent): Promise<AppliedEvent> {
  switch (event.type) {
    case 'chat.started':
      return chatStarted(ctx, event);
    case 'chat.message':
      return chatMessage(ctx, event);
    case 'chat.assigned': {
      const conversation = await chatConversation(ctx, event.chat.id, event.at);
      const agent = await findOrCreateChatAgent(ctx.trx, ctx.property.id, event.agent);
      await updateConversation(ctx.trx, conversation.id, { agent_id: agent.id, updated_at: sql`now()` });
      return nothingCancelled;
    }
    case 'chat.ended': {
      const conversation = await chatConversation(ctx, event.chat.id, event.at);
      return { triggerCancelled: await endChat(ctx.trx, ctx.jobs, ctx.property, conversation, event.at) };
    }
    case 'offline.submitted':
      return offlineSubmitted(ctx, event);
  }
}

type EventOf<T extends ChatEvent['type']> = Extract<ChatEvent, { type: T }>;

/** A chat's start: who the visitor is (prechat form), their contact and department. */
async function chatStarted(ctx: ApplyContext, event: EventOf<'chat.started'>): Promise<AppliedEvent> {
  const conversation = await chatConversation(ctx, event.chat.id, event.at);
  const name = event.prechat?.name ?? event.visitor.name ?? null;
  const email = (event.prechat?.email ?? event.visitor.email)?.toLowerCase() ?? null;
  const contact = email ? await upsertContact(ctx.trx, ctx.property.id, { email, name }) : null;
  const department = event.department
    ? await resolveLabel(ctx.trx, 'departments', ctx.property.id, event.department, { create: true })
    : null;
  await updateConversation(ctx.trx, conversation.id, {
    visitor_id: event.visitor.id,
    visitor_name: sql`coalesce(${name}, visitor_name)`,
    visitor_email: sql`coalesce(${email}, visitor_email)`,
    contact_id: sql`coalesce(${contact?.id ?? null}::bigint, contact_id)`,
    department_id: sql`coalesce(${department?.id ?? null}::bigint, department_id)`,
    prechat: event.prechat ? JSON.stringify(event.prechat) : null,
    created_at: sql`least(created_at, ${event.at}::timestamptz)`,
    search: appendSearchText([name, email]),
  });
  return nothingCancelled;
}

/** A message of the chat; an agent's cancels the recovery trigger, a visitor's may give their email. */
async function chatMessage(ctx: ApplyContext, event: EventOf<'chat.message'>): Promise<AppliedEvent> {
  const conversation = await chatConversation(ctx, event.chat.id, event.at);
  const { message } = event;
  const agent = message.sender === 'agent' && message.agent ? await findOrCreateChatAgent(ctx.trx, ctx.property.id, message.agent) : null;
  await appendMessage(ctx.trx, {
    propertyId: ctx.property.id,
    target: { conversationId: conversation.id },
    sender: message.sender,
    body: message.text,
    agentId: agent?.id ?? null,
    authorName: message.sender === 'visitor' ? conversation.visitor_name : (message.agent?.name ?? null),
    externalId: `${event.chat.id}/${message.id}`,
    createdAt: event.at,
  });
  if (message.sender === 'agent') {
    const triggerCancelled = triggerPending(ctx.property, conversation);
    await updateConversation(ctx.trx, conversation.id, {
      first_agent_reply_at: sql`coalesce(first_agent_reply_at, ${event.at}::timestamptz)`,
      agent_id: sql`coalesce(agent_id, ${agent?.id ?? null}::bigint)`,
    });
    // The trigger is pointless now; if it is already running, it re-checks and stands down.
    await ctx.jobs.remove('recovery', { conversationId: conversation.id });
    return { triggerCancelled };
  } else if (message.sender === 'visitor' && !conversation.visitor_email) {
    const email = emailInText(message.text);
    if (email) await setVisitorEmail(ctx, conversation, email);
  }
  return nothingCancelled;
}

/** An offline message: a conversation of its own, ended at once, converted when the property says so. */
async function offlineSubmitted(ctx: ApplyContext, event: EventOf<'offline.submitted'>): Promise<AppliedEvent> {
  const email = event.visitor.email.toLowerCase();
  const contact = await upsertContact(ctx.trx, ctx.property.id, { email, name: event.visitor.name });
  const department = event.department
    ? await resolveLabel(ctx.trx, 'departments', ctx.property.id, event.department, { create: true })
    : null;
  const conversation = await createConversation(ctx.trx, {
    propertyId: ctx.property.id,
    kind: 'offline',
    externalId: `offline/${event.id}`,
    visitor: { name: event.visitor.name, email },
    contactId: contact.id,
    departmentId: department?.id ?? null,
    createdAt: event.at,
  });
  await appendMessage(ctx.trx, {
    propertyId: ctx.property.id,
    target: { conversationId: conversation.id },
    sender: 'visitor',
    body: event.message.text,
    authorName: event.visitor.name,
    createdAt: event.at,
  });
  for (const note of event.notes ?? []) {
    await appendMessage(ctx.trx, {
      propertyId: ctx.property.id,
      target: { conversationId: conversation.id },
      sender: 'system',
      body: note,
      createdAt: event.at,
    });
  }
  await updateConversation(ctx.trx, conversation.id, { ended_at: event.at });
  if (ctx.property.auto_convert) await ctx.jobs.add('convert', { conversationId: conversation.id });
  return nothingCancelled;
}

/** The chat's conversation, locked; made (with its timers) when this is the first event seen. */
async function chatConversation(ctx: ApplyContext, chatId: string, at: Date): Promise<Conversation> {
  const existing = await ctx.trx
    .selectFrom('conversations')
    .selectAll()
    .where('property_id', '=', ctx.property.id)
    .where('external_id', '=', chatId)
    .forUpdate()
    .executeTakeFirst();
  if (existing) return existing;
  const created = await createConversation(ctx.trx, { propertyId: ctx.property.id, kind: 'chat', externalId: chatId, createdAt: at });
  await scheduleChatTimers(ctx.jobs, ctx.property, created);
  return created;
}

async function setVisitorEmail(ctx: ApplyContext, conversation: Conversation, email: string): Promise<void> {
  const contact = await upsertContact(ctx.trx, ctx.property.id, { email, name: conversation.visitor_name });
  await updateConversation(ctx.trx, conversation.id, {
    visitor_email: email,
    contact_id: sql`coalesce(contact_id, ${contact.id}::bigint)`,
    search: appendSearchText([email]),
  });
  // A chat that already ended missed, and only now has an address, can still become a ticket.
  if (conversation.ended_at && conversation.missed && ctx.property.auto_convert)
    await ctx.jobs.add('convert', { conversationId: conversation.id });
}
