import { z } from 'zod';
import { parseChatEvents, type ChatEvent } from '../../core/chats/chat-event.ts';
import { ValidationError } from '../../core/errors.ts';
import { boundText, cutNote, textBounds, type BoundedText } from '../../core/text/bounded-text.ts';

// The live-chat service's webhooks (developer.tawk.to/webhooks) mapped onto our chat events:
//   chat:start    → chat.started (+ chat.message for the chat's first message, when present)
//   chat:end      → chat.ended, reason visitor_left (the service does not say who ended it)
//   ticket:create → offline.submitted (requester, subject and message)
// Event ids derive from what the signed body itself names, never from X-Hook-Event-Id: the
// service signs only the body, so the header can be anything on a replayed body. A ticket is
// keyed by the service's ticket id, a chat event by its kind, chat id and time. A retry or a
// replay of one body lands on the same (property, event id) rows and is stored once.
//
// Every string taken from the body is bounded (core/text/bounded-text.ts) before it is
// stored; an offline form whose subject or message was cut says so in a system note.
//
// Only the fields we use are checked, and only as strictly as storing them needs: the
// service retries anything but a 2xx for 12 hours, so an optional extra it sends in an
// unexpected form (an email a visitor mistyped, a new sender type) is dropped or mapped,
// not refused.

/** The webhook kinds that are mapped; others (e.g. transcripts) are acknowledged and ignored. */
export const tawkEventKinds = ['chat:start', 'chat:end', 'ticket:create'] as const;

// Same rule as the chat event schema's email: an optional one that fails it is dropped.
const emailPattern = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const optionalText = z.string().nullish();
const time = z.iso.datetime({ offset: true });
const chatId = z.string().trim().min(1).max(150);
const ticketId = z.string().trim().min(1).max(150);
const visitor = z.object({ name: optionalText, email: optionalText }).loose();

const tawkWebhookSchema = z.discriminatedUnion('event', [
  z
    .object({
      event: z.literal('chat:start'),
      chatId,
      time,
      message: z
        .object({ text: z.string(), type: optionalText, sender: z.object({ type: z.string() }).loose() })
        .loose()
        .nullish(),
      visitor: visitor.nullish(),
    })
    .loose(),
  z.object({ event: z.literal('chat:end'), chatId, time, visitor: visitor.nullish() }).loose(),
  z
    .object({
      event: z.literal('ticket:create'),
      time,
      requester: z
        .object({ name: optionalText, email: z.string().trim().max(320).regex(emailPattern, 'must be an email address') })
        .loose(),
      ticket: z.object({ id: ticketId, subject: optionalText, message: z.string().trim().min(1) }).loose(),
    })
    .loose(),
]);

export type TawkWebhook = z.output<typeof tawkWebhookSchema>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates a webhook body. Returns null for an event kind that is not mapped; throws a
 * ValidationError naming the first bad field (e.g. `requester.email: must be an email address`).
 */
export function parseTawkWebhook(body: unknown): TawkWebhook | null {
  if (!isObject(body)) throw new ValidationError('body: must be a JSON object');
  if (typeof body.event !== 'string') throw new ValidationError(`event: must be one of ${tawkEventKinds.join(', ')}`);
  if (!(tawkEventKinds as readonly string[]).includes(body.event)) return null;
  const parsed = tawkWebhookSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new ValidationError(`${issue.path.map(String).join('.') || 'body'}: ${issue.message}`);
}

/**
 * The value bounded to `max` (boundText: at a word boundary, with an ellipsis) and also to
 * `max` UTF-16 units, which is what the event schema counts: boundText counts code points,
 * so a text of emoji would otherwise come out longer than the schema takes.
 */
function bounded(value: string, max: number): BoundedText {
  let result = boundText(value, max);
  for (let room = max; result.text.length > max;) {
    room -= result.text.length - max;
    result = boundText(value, room);
  }
  return result;
}

/** Trimmed and bounded to `max`; undefined when nothing is left. */
function clip(value: string | null | undefined, max: number): string | undefined {
  const text = value?.trim();
  return text ? bounded(text, max).text : undefined;
}

function optionalEmail(value: string | null | undefined): string | undefined {
  const email = value?.trim();
  return email && email.length <= 320 && emailPattern.test(email) ? email : undefined;
}

/** Their sender types onto ours; anything but a visitor or an agent is the system speaking. */
function senderOf(type: string): 'visitor' | 'agent' | 'system' {
  return type === 'visitor' || type === 'agent' ? type : 'system';
}

/** The event id of what a webhook body names: the same body always maps to the same id. */
export function tawkEventId(webhook: TawkWebhook): string {
  // At most 5 + 10 + 150 + 1 + 24 (+ 8 for "-message") characters: within the 200 of an id.
  if (webhook.event === 'ticket:create') return `tawk-ticket-${webhook.ticket.id}`;
  return `tawk-${webhook.event}-${webhook.chatId}-${new Date(webhook.time).toISOString()}`;
}

/** The chat events one webhook delivery stands for, validated like any POST /v1/events. */
export function tawkToChatEvents(webhook: TawkWebhook, propertyId: string): ChatEvent[] {
  const id = tawkEventId(webhook);
  const base = { id, property: propertyId, at: webhook.time };
  const raw: Record<string, unknown>[] = [];
  switch (webhook.event) {
    case 'chat:start': {
      const chat = { id: webhook.chatId };
      raw.push({
        ...base,
        type: 'chat.started',
        chat,
        // The service names no visitor id; the chat is the only stable handle it gives.
        visitor: {
          id: `tawk-${webhook.chatId}`,
          name: clip(webhook.visitor?.name, textBounds.displayName),
          email: optionalEmail(webhook.visitor?.email),
        },
      });
      const text = clip(webhook.message?.text, textBounds.message);
      if (webhook.message && text) {
        raw.push({
          ...base,
          id: `${id}-message`,
          type: 'chat.message',
          chat,
          message: { id: `${id}-message`, sender: senderOf(webhook.message.sender.type), text },
        });
      }
      break;
    }
    case 'chat:end':
      raw.push({ ...base, type: 'chat.ended', chat: { id: webhook.chatId }, reason: 'visitor_left' });
      break;
    case 'ticket:create': {
      const email = webhook.requester.email;
      const rawSubject = webhook.ticket.subject?.trim();
      const subject = rawSubject ? bounded(rawSubject, textBounds.subject) : undefined;
      // The subject heads the message text; together they fit one event's message.
      const message = bounded(webhook.ticket.message, textBounds.message - (subject ? subject.text.length + 2 : 0));
      const notes = [
        subject?.cut ? cutNote('The subject of the offline form', subject) : null,
        message.cut ? cutNote('The message of the offline form', message) : null,
      ].filter((n) => n !== null);
      raw.push({
        ...base,
        type: 'offline.submitted',
        visitor: { name: clip(webhook.requester.name, textBounds.displayName) ?? clip(email.split('@')[0], textBounds.displayName), email },
        message: { text: subject ? `${subject.text}\n\n${message.text}` : message.text },
        ...(notes.length ? { notes } : {}),
      });
      break;
    }
  }
  try {
    return parseChatEvents({ events: raw });
  } catch (error) {
    // The checks above should make this unreachable; if not, say it is about the mapping.
    if (error instanceof ValidationError) throw new ValidationError(`webhook maps to an invalid event: ${error.message}`);
    throw error;
  }
}
