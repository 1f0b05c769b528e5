import { z } from 'zod';
import { ValidationError } from '../errors.ts';
import { boundText, textBounds } from '../text/bounded-text.ts';

// The chat events the ingress accepts (POST /v1/events), as the chat side sends them. The
// schema is the contract: a request that does not match stores nothing and gets a message
// naming the first bad field.

const text = (max: number) => z.string().trim().min(1).max(max);
const email = z
  .string()
  .trim()
  .max(320)
  .regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, 'must be an email address');
const id = z.string().trim().min(1).max(200);

const agentRef = z
  .object({ id: id.optional(), email: email.optional(), name: text(200).optional() })
  .refine((a) => a.id !== undefined || a.email !== undefined, 'needs an id or an email');

const base = {
  id,
  property: z.union([text(100), z.number().int().positive()]).transform(String),
  at: z.iso.datetime({ offset: true }).transform((s) => new Date(s)),
};
const chatRef = z.object({ id });
// Every string of an event has a bound, the names of pre-chat fields and their number too.
const maxPrechatFieldName = 200;
const maxPrechatFields = 100;

export const chatEventSchema = z.discriminatedUnion('type', [
  z.object({
    ...base,
    type: z.literal('chat.started'),
    chat: chatRef,
    visitor: z.object({ id, name: text(200).optional(), email: email.optional() }),
    prechat: z
      .object({
        name: text(200).optional(),
        email: email.optional(),
        fields: z
          .record(z.string().max(maxPrechatFieldName), z.union([z.string().max(2000), z.number(), z.boolean()]))
          .refine((fields) => Object.keys(fields).length <= maxPrechatFields, `at most ${maxPrechatFields} fields`)
          .optional(),
      })
      .optional(),
    department: text(200).optional(),
  }),
  z.object({
    ...base,
    type: z.literal('chat.message'),
    chat: chatRef,
    message: z.object({ id, sender: z.enum(['visitor', 'agent', 'system']), agent: agentRef.optional(), text: text(20_000) }),
  }),
  z.object({ ...base, type: z.literal('chat.assigned'), chat: chatRef, agent: agentRef }),
  z.object({
    ...base,
    type: z.literal('chat.ended'),
    chat: chatRef,
    reason: z.enum(['visitor_left', 'agent_closed', 'timeout']).optional(),
  }),
  z.object({
    ...base,
    type: z.literal('offline.submitted'),
    visitor: z.object({ name: text(200), email }),
    message: z.object({ text: text(20_000) }),
    department: text(200).optional(),
    // System notes for the conversation, e.g. that the sender cut a field to fit (the tawk mapping).
    notes: z.array(text(1000)).max(10).optional(),
  }),
]);

export type ChatEvent = z.output<typeof chatEventSchema>;
export type ChatEventType = ChatEvent['type'];

export const maxEventsPerRequest = 500;

const requestSchema = z.union([
  z.object({ events: z.array(z.unknown()).min(1).max(maxEventsPerRequest) }),
  z.object({ type: z.string() }).loose(),
]);

/** Describes the first problem of a zod error as "field.path: message". */
function firstIssue(error: z.ZodError, prefix: string): string {
  const issue = error.issues[0]!;
  // A path segment can be a key the sender chose (a pre-chat field name): echoed bounded.
  const path = [prefix, ...issue.path.map((segment) => boundText(String(segment), textBounds.label).text)]
    .filter(Boolean)
    .join('.')
    .replace(/\.(\d+)/g, '[$1]');
  return `${path || 'body'}: ${issue.message}`;
}

// Postgres stores an event as jsonb and its ids as text: neither takes a NUL character, and
// jsonb refuses half a surrogate pair ("\ud800" alone). Such a string is the sender's mistake
// (a 400 naming the field), not a failure to store (a 500 the sender would retry forever).
const UNPAIRED_SURROGATE = /\p{Surrogate}/u;

function isStorable(text: string): boolean {
  return !text.includes('\u0000') && !UNPAIRED_SURROGATE.test(text);
}

/** The path of the first string or key in a validated event that Postgres cannot store, or null. */
function unstorablePath(value: unknown, path: (string | number)[]): (string | number)[] | null {
  if (typeof value === 'string') return isStorable(value) ? null : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unstorablePath(value[i], [...path, i]);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const [key, child] of Object.entries(value)) {
      if (!isStorable(key)) return [...path, key];
      const found = unstorablePath(child, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

/**
 * Validates a parsed request body: one event or {"events": [...]}. Throws a ValidationError
 * naming the first bad field (e.g. `events[2].message.sender: ...`).
 */
export function parseChatEvents(body: unknown): ChatEvent[] {
  const request = requestSchema.safeParse(body);
  if (!request.success) {
    throw new ValidationError(`body must be one event or {"events": [...]} with 1 to ${maxEventsPerRequest} events`);
  }
  const batch = 'events' in request.data && Array.isArray(request.data.events) ? request.data.events : null;
  return (batch ?? [body]).map((raw, index) => {
    const parsed = chatEventSchema.safeParse(raw);
    if (!parsed.success) throw new ValidationError(firstIssue(parsed.error, batch ? `events.${index}` : ''));
    const bad = unstorablePath(parsed.data, batch ? [`events[${index}]`] : []);
    if (bad)
      throw new ValidationError(`${bad.map(String).join('.') || 'body'}: must not contain NUL characters or unpaired UTF-16 surrogates`);
    return parsed.data;
  });
}

/** The chat an event belongs to, if any: events of one chat are applied in arrival order. */
export function chatIdOf(event: ChatEvent): string | null {
  return 'chat' in event ? event.chat.id : null;
}
