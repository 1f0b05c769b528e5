import type { IncomingMessage } from 'node:http';
import { parseChatEvents } from '../../core/chats/chat-event.ts';
import { SignatureError, verifySignature } from '../../core/chats/event-signature.ts';
import type { Property } from '../../core/db/schema.ts';
import { ValidationError } from '../../core/errors.ts';
import { acceptEvents, type AcceptedEvents } from './accept-events.ts';
import { headerValue } from './header-value.ts';
import type { IngressContext } from './ingress-context.ts';
import { lookupProperty } from './lookup-property.ts';
import type { RequestFacts } from './route-types.ts';
import { parseJsonBody } from './parse-json-body.ts';

// POST /v1/events: one event or {"events": [...]}, signed with the property's secret.
// The order of the checks is the contract, and nothing about the body is answered before its
// signature is checked: after size and Content-Type (http-ingress.ts), a missing signature
// header is 401; the body is parsed only far enough to find the property whose secret signs
// it, and a body where none can be found (not JSON, not an event, no property) is 401 too,
// since its signature cannot be checked; an unknown property is 404; then the signature over
// the raw bytes (401), and only a signed request gets the full validation (400 naming the
// field) and is stored. The event ids that de-duplicate come from the signed body alone.

const findsNoProperty = `body must be one event or {"events": [...]} whose first event names the property (its id or slug)`;

/** The 401 of a request whose signature cannot even be checked, saying why. */
function unverifiable(reason: string): SignatureError {
  return new SignatureError(`the signature cannot be checked: ${reason}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The raw body as JSON, before its signature is checked: a 401 when it is not JSON. */
function parseUnverified(rawBody: Buffer): unknown {
  try {
    return parseJsonBody(rawBody);
  } catch {
    throw unverifiable(`the body is not JSON, so it names no property whose secret signs it; ${findsNoProperty}`);
  }
}

/** The property the request's first event names, read before validation. */
function firstPropertyRef(body: unknown): string {
  if (!isObject(body)) throw unverifiable(findsNoProperty);
  const batch = 'events' in body;
  if (batch && (!Array.isArray(body.events) || body.events.length === 0)) throw unverifiable(findsNoProperty);
  const first: unknown = batch ? (body.events as unknown[])[0] : body;
  const value = isObject(first) ? first.property : undefined;
  if (typeof value === 'string' && value.trim() && value.length <= 100) return value.trim();
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
  throw unverifiable(`${batch ? 'events[0].property' : 'property'} must be the property's id or slug`);
}

/** True when an event's `property` names this property, by id or by slug. */
function namesProperty(ref: string, property: Property): boolean {
  const value = ref.trim().toLowerCase();
  return value === property.id || value === property.slug;
}

/** Handles a signed POST /v1/events whose raw body has been read; resolves after storing. */
export async function handleEvents(
  ctx: IngressContext,
  req: IncomingMessage,
  rawBody: Buffer,
  facts: RequestFacts = {},
): Promise<AcceptedEvents> {
  const signature = headerValue(req, 'x-switchboard-signature');
  if (!signature) throw new SignatureError('missing X-Switchboard-Signature header');
  const body = parseUnverified(rawBody);
  const property = await lookupProperty(ctx.db, firstPropertyRef(body));
  facts.propertyId = property.id;
  verifySignature(signature, rawBody, property.signing_secret, ctx.now());
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
