import type { IncomingMessage } from 'node:http';
import { verifyTawkSignature } from '../../core/chats/event-signature.ts';
import { chatEventStored } from '../../core/chats/store-chat-events.ts';
import { boundText, textBounds } from '../../core/text/bounded-text.ts';
import { acceptEvents, type AcceptedEvents } from './accept-events.ts';
import { headerValue } from './header-value.ts';
import { HttpError } from './http-error.ts';
import type { IngressContext } from './ingress-context.ts';
import { lookupProperty } from './lookup-property.ts';
import type { RequestFacts } from './route-types.ts';
import { parseJsonBody } from './parse-json-body.ts';
import { parseTawkWebhook, tawkToChatEvents } from './tawk-mapping.ts';

// POST /v1/webhooks/tawk/:property: the live-chat service's webhooks. The checks, in order:
// size and Content-Type (http-ingress.ts), the property of the URL, X-Tawk-Signature over the
// raw bytes, X-Hook-Event-Id, and only then the body is parsed and its fields checked. The
// hook id is not signed, so it is never the de-duplication key: that comes from the signed
// body (tawk-mapping.ts). It stays a second guard: required (the service always sends one),
// logged, and a delivery stored under it by an earlier version is not stored again.

/** What the webhook endpoint answers: the usual counts, plus the kind when it was not mapped. */
export type TawkWebhookResult = AcceptedEvents & { ignored?: string };

/** Handles one webhook delivery whose raw body has been read; resolves after storing. */
export async function handleTawkWebhook(
  ctx: IngressContext,
  req: IncomingMessage,
  rawBody: Buffer,
  propertyRef: string,
  facts: RequestFacts = {},
): Promise<TawkWebhookResult> {
  const property = await lookupProperty(ctx.db, propertyRef);
  facts.propertyId = property.id;
  if (!property.tawk_webhook_secret) {
    throw new HttpError(404, 'webhooks_disabled', `webhooks not enabled for this property (set its tawk-webhook-secret to turn them on)`);
  }
  verifyTawkSignature(headerValue(req, 'x-tawk-signature'), rawBody, property.tawk_webhook_secret);
  const hookId = headerValue(req, 'x-hook-event-id');
  if (!hookId) throw new HttpError(400, 'invalid_input', 'missing X-Hook-Event-Id header (the service sends one with every delivery)');
  if (!/^[A-Za-z0-9._-]{1,150}$/.test(hookId))
    throw new HttpError(400, 'invalid_input', 'X-Hook-Event-Id: must be 1 to 150 letters, digits, ".", "_" or "-"');
  facts.hookId = hookId;
  const body = parseJsonBody(rawBody);
  const webhook = parseTawkWebhook(body);
  // A kind we do not map (the service added transcripts, for one) is acknowledged, or the
  // service would redeliver it for 12 hours.
  if (!webhook) {
    // Echoed in the answer and the log: bounded like any field of the body.
    const kind = boundText(String((body as { event: unknown }).event), textBounds.field).text;
    ctx.logger.info({ propertyId: property.id, hookId, kind }, 'webhook kind not mapped: acknowledged and ignored');
    return { accepted: 0, duplicates: 0, ignored: kind };
  }
  const events = tawkToChatEvents(webhook, property.id);
  if (await storedUnderHookId(ctx, property.id, hookId)) {
    ctx.metrics?.chatEventsReceived.inc({ source: 'tawk', outcome: 'duplicate' }, events.length);
    return { accepted: 0, duplicates: events.length };
  }
  return acceptEvents(ctx, property, events, 'tawk');
}

/**
 * True when this delivery was stored before its events were keyed by the body: earlier
 * versions keyed them `tawk-<hook id>`, and the service retries a delivery whose answer it
 * missed for up to 12 hours, across an upgrade. One look-up on the unique index.
 */
async function storedUnderHookId(ctx: IngressContext, propertyId: string, hookId: string): Promise<boolean> {
  return chatEventStored(ctx.db, propertyId, `tawk-${hookId}`);
}
