import { DeliveryRefusedError } from '../errors.ts';
import { signBody } from './event-signature.ts';

/**
 * POSTs a JSON body to a property's callback URL, signed like inbound events
 * (X-Switchboard-Signature), for the chat side to show or act on. 4xx (but 408/429) is a
 * refusal, not retried; anything else is thrown to be retried. The body carries its own id:
 * the receiver de-duplicates, since a delivery that timed out may be repeated.
 */
export async function postSignedCallback(
  url: string,
  secret: string,
  body: string,
  what: string,
  timeoutMs = 10_000,
): Promise<'delivered'> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-switchboard-signature': signBody(secret, body) },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  await response.body?.cancel();
  if (response.ok) return 'delivered';
  if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
    throw new DeliveryRefusedError(`callback ${url} refused ${what}: HTTP ${response.status}`);
  }
  throw new Error(`callback ${url} answered HTTP ${response.status}; will retry`);
}
