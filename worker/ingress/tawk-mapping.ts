import { z } from 'zod';
import { parseChatEvents, type ChatEvent } from '../../core/chats/chat-event.ts';
import { ValidationError } from '../../core/errors.ts';

// The live-chat service's webhooks (developer.tawk.to/webhooks) mapped onto our chat events:
//   chat:start    → chat.started (+ chat.message for the chat's first message, when present)
//   chat:end      → chat.ended, reason visitor_left (the service does not say who ended it)
//   ticket:create → offline.submitted (requester, subject and message)
// Event ids derive from X-Hook-Event-Id, which stays the same across the service's retries,
// so a redelivery lands on the same (property, event id) rows and is stored once.
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
const visitor = z.object({ name: optionalText, email: optionalText }).loose();

const tawkWebhookSchema = z.discriminatedUnion('event', [
  z
    .object({
      event: z.literal('chat:start'),
      chatId,
      time,
      message: z.object({ text: z.string(), type: optionalText, sender: z.object({ type: z.string() }).loose() }).loose().nullish(),
      visitor: visitor.nullish(),
    })
    .loose(),
  z.object({ event: z.literal('chat:end'), chatId, time, visitor: visitor.nullish() }).loose(),
  z
    .object({
      event: z.literal('ticket:create'),
      time,
      requester: z.object({ name: optionalText, email: z.string().trim().regex(emailPattern, 'must be an email address') }).loose(),
      ticket: z.object({ subject: optionalText, message: z.string().trim().min(1) }).loose(),
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

/** Trimmed and cut to `max` characters; undefined when nothing is left. */
function clip(value: string | null | undefined, max: number): string | undefined {
  const text = value?.trim().slice(0, max).trim();
  return text ? text : undefined;
}

function optionalEmail(value: string | null | undefined): string | undefined {
  const email = value?.trim();
  return email && email.length <= 320 && emailPattern.test(email) ? email : undefined;
}

/** Their sender types onto ours; anything but a visitor or an agent is the system speaking. */
function senderOf(type: string): 'visitor' | 'agent' | 'system' {
  return type === 'visitor' || type === 'agent' ? type : 'system';
}

/** The chat events one webhook delivery stands for, validated like any POST /v1/events. */
export function tawkToChatEvents(webhook: TawkWebhook, hookId: string, propertyId: string): ChatEvent[] {
  const base = { id: `tawk-${hookId}`, property: propertyId, at: webhook.time };
  const raw: Record<string, unknown>[] = [];
  switch (webhook.event) {
    case 'chat:start': {
      const chat = { id: webhook.chatId };
      const visitorName = clip(webhook.visitor?.name, 200);
      raw.push({
        ...base,
        type: 'chat.started',
        chat,
        // The service names no visitor id; the chat is the only stable handle it gives.
        visitor: { id: `tawk-${webhook.chatId}`, name: visitorName, email: optionalEmail(webhook.visitor?.email) },
      });
      const text = clip(webhook.message?.text, 20_000);
      if (webhook.message && text) {
        raw.push({
          ...base,
          id: `tawk-${hookId}-message`,
          type: 'chat.message',
          chat,
          message: { id: `tawk-${hookId}-message`, sender: senderOf(webhook.message.sender.type), text },
        });
      }
      break;
    }
    case 'chat:end':
      raw.push({ ...base, type: 'chat.ended', chat: { id: webhook.chatId }, reason: 'visitor_left' });
      break;
    case 'ticket:create': {
      const email = webhook.requester.email;
      const subject = clip(webhook.ticket.subject, 1000);
      raw.push({
        ...base,
        type: 'offline.submitted',
        visitor: { name: clip(webhook.requester.name, 200) ?? email.split('@')[0], email },
        message: { text: (subject ? `${subject}\n\n${webhook.ticket.message}` : webhook.ticket.message).slice(0, 20_000) },
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
