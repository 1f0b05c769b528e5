import type { IncomingMessage } from 'node:http';
import { answerOps, jsonAnswer, opsPaths, type Answer, type OpsEndpoints } from '../ops-endpoints.ts';
import { handleEvents } from './events-route.ts';
import { HttpError } from './http-error.ts';
import type { IngressContext } from './ingress-context.ts';
import { handleTawkWebhook } from './tawk-webhook-route.ts';

/** What a route learned about a request that its log line should carry. */
export interface RequestFacts {
  propertyId?: string;
  /** The webhook's X-Hook-Event-Id: what the service's dashboard shows for a delivery. */
  hookId?: string;
}

/** A matched endpoint: a name for logs and metrics, and the handler that makes the whole answer. */
export interface Route {
  name: string;
  /** An operational endpoint (scraped and probed every few seconds): logged at debug level. */
  ops?: boolean;
  /** A JSON write endpoint: its Content-Type is checked before its body is read. */
  json?: boolean;
  handle(ctx: IngressContext, req: IncomingMessage, rawBody: Buffer, facts: RequestFacts): Promise<Answer>;
}

const tawkPrefix = '/v1/webhooks/tawk/';

function only(allowed: 'GET' | 'POST', method: string | undefined, route: Route): Route {
  if (method !== allowed) throw new HttpError(405, 'method_not_allowed', `${method ?? '?'} is not allowed here; use ${allowed}`, { Allow: allowed });
  return route;
}

/** The 202 of the write endpoints: the body is what was stored. */
const accepted = (result: unknown): Answer => jsonAnswer(202, result);

/**
 * The endpoint of a request line, before its body is read: a 404 for an unknown path, a 405
 * (with Allow) for a known path and another method. The query string is ignored. /healthz is
 * always served; /metrics and /readyz when the process gave the ingress its `ops`.
 */
export function matchRoute(method: string | undefined, url: string | undefined, ops?: OpsEndpoints): Route {
  const path = new URL(url ?? '/', 'http://ingress').pathname;
  if (path === '/v1/events') return only('POST', method, { name: 'events', json: true, handle: async (ctx, req, rawBody, facts) => accepted(await handleEvents(ctx, req, rawBody, facts)) });
  if (path.startsWith(tawkPrefix) && path.length > tawkPrefix.length && !path.slice(tawkPrefix.length).includes('/')) {
    let ref: string;
    try {
      ref = decodeURIComponent(path.slice(tawkPrefix.length));
    } catch {
      throw new HttpError(404, 'not_found', `no endpoint ${path}`);
    }
    return only('POST', method, { name: 'tawk-webhook', json: true, handle: async (ctx, req, rawBody, facts) => accepted(await handleTawkWebhook(ctx, req, rawBody, ref, facts)) });
  }
  const opsRoute = opsPaths[path as keyof typeof opsPaths];
  if (opsRoute === 'healthz' && !ops) return only('GET', method, { name: opsRoute, ops: true, handle: async () => jsonAnswer(200, { status: 'ok' }) });
  if (opsRoute && ops) return only('GET', method, { name: opsRoute, ops: true, handle: () => answerOps(opsRoute, ops) });
  throw new HttpError(404, 'not_found', `no endpoint ${path} (POST /v1/events, POST /v1/webhooks/tawk/<property>)`);
}
