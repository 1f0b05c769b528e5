import type { IncomingMessage } from 'node:http';
import { handleEvents } from './events-route.ts';
import { HttpError } from './http-error.ts';
import type { IngressContext } from './ingress-context.ts';
import { handleTawkWebhook } from './tawk-webhook-route.ts';

/** A matched endpoint: a name for logs and the handler that resolves to the 202 body. */
export interface Route {
  name: string;
  handle(ctx: IngressContext, req: IncomingMessage, rawBody: Buffer): Promise<unknown>;
}

const tawkPrefix = '/v1/webhooks/tawk/';

function postOnly(method: string | undefined, route: Route): Route {
  if (method !== 'POST') throw new HttpError(405, 'method_not_allowed', `${method ?? '?'} is not allowed here; use POST`, { Allow: 'POST' });
  return route;
}

/**
 * The endpoint of a request line, before its body is read: a 404 for an unknown path, a 405
 * (with Allow) for a known path and another method. The query string is ignored.
 */
export function matchRoute(method: string | undefined, url: string | undefined): Route {
  const path = new URL(url ?? '/', 'http://ingress').pathname;
  if (path === '/v1/events') return postOnly(method, { name: 'events', handle: handleEvents });
  if (path.startsWith(tawkPrefix) && path.length > tawkPrefix.length && !path.slice(tawkPrefix.length).includes('/')) {
    let ref: string;
    try {
      ref = decodeURIComponent(path.slice(tawkPrefix.length));
    } catch {
      throw new HttpError(404, 'not_found', `no endpoint ${path}`);
    }
    return postOnly(method, { name: 'tawk-webhook', handle: (ctx, req, rawBody) => handleTawkWebhook(ctx, req, rawBody, ref) });
  }
  throw new HttpError(404, 'not_found', `no endpoint ${path} (POST /v1/events, POST /v1/webhooks/tawk/<property>)`);
}
