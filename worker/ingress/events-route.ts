import type { IncomingMessage } from 'node:http';
import { maxEventsPerRequest, parseChatEvents } from '../../core/chats/chat-event.ts';
import { verifySignature } from '../../core/chats/event-signature.ts';
import type { Property } from '../../core/db/schema.ts';
import { ValidationError } from '../../core/errors.ts';
import { acceptEvents, type AcceptedEvents } from './accept-events.ts';
import { headerValue } from './header-value.ts';
import type { IngressContext } from './ingress-context.ts';
import { lookupProperty } from './lookup-property.ts';
import type { RequestFacts } from './match-route.ts';
import { parseJsonBody } from './parse-json-body.ts';

// POST /v1/events: one event or {"events": [...]}, signed with the property's secret.
// The order of the checks is the contract: a cheap look at the first event finds the
// property (its secret is needed), the signature is checked over the raw bytes, and only a
// signed request gets the full validation and is stored.

const shapeMessage = `body must be one event or {"events": [...]} with 1 to ${maxEventsPerRequest} events`;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The property the request's first event names, read before validation. */
function firstPropertyRef(body: unknown): string {
  if (!isObject(body)) throw new ValidationError(shapeMessage);
  const batch = 'events' in body;
  if (batch && (!Array.isArray(body.events) || body.events.length === 0)) throw new ValidationError(shapeMessage);
  const first: unknown = batch ? (body.events as unknown[])[0] : body;
  const value = isObject(first) ? first.property : undefined;
  if (typeof value === 'string' && value.trim() && value.length <= 100) return value.trim();
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
  throw new ValidationError(`${batch ? 'events[0].property' : 'property'}: must be the property's id or slug`);
}

/** True when an event's `property` names this property, by id or by slug. */
function namesProperty(ref: string, property: Property): boolean {
  const value = ref.trim().toLowerCase();
  return value === property.id || value === property.slug;
}

/** Handles a signed POST /v1/events whose raw body has been read; resolves after storing. */
export async function handleEvents(ctx: IngressContext, req: IncomingMessage, rawBody: Buffer, facts: RequestFacts = {}): Promise<AcceptedEvents> {
  const body = parseJsonBody(rawBody);
  const property = await lookupProperty(ctx.db, firstPropertyRef(body));
  facts.propertyId = property.id;
  verifySignature(headerValue(req, 'x-switchboard-signature'), rawBody, property.signing_secret, ctx.now());
  const events = parseChatEvents(body);
  // The signature vouches for one property only: an event naming another would be stored
  // under a property whose secret never signed it.
  events.forEach((event, index) => {
    if (!namesProperty(event.property, property)) {
      const path = 'events' in (body as object) ? `events[${index}].property` : 'property';
      throw new ValidationError(`${path}: all events of one request must name the same property ("${property.slug}")`);
    }
  });
  return acceptEvents(ctx, property, events, 'api');
}
