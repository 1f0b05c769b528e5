import { answerOps, jsonAnswer, opsPaths, type Answer, type OpsEndpoints } from '../ops-endpoints.ts';
import { handleEvents } from './events-route.ts';
import { HttpError } from './http-error.ts';
import type { Route } from './route-types.ts';
import { handleTawkWebhook } from './tawk-webhook-route.ts';

const tawkPrefix = '/v1/webhooks/tawk/';

function only(allowed: 'GET' | 'POST', method: string | undefined, route: Route): Route {
  if (method !== allowed)
    throw new HttpError(405, 'method_not_allowed', `${method ?? '?'} is not allowed here; use ${allowed}`, { Allow: allowed });
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
  if (path === '/v1/events')
    return only('POST', method, {
      name: 'events',
      json: true,
      handle: async (ctx, req, rawBody, facts) => accepted(await handleEvents(ctx, req, rawBody, facts)),
    });
  if (path.startsWith(tawkPrefix) && path.length > tawkPrefix.length && !path.slice(tawkPrefix.length).includes('/')) {
    let ref: string;
    try {
      ref = decodeURIComponent(path.slice(tawkPrefix.length));
    } catch {
      throw new HttpError(404, 'not_found', `no endpoint ${path}`);
    }
    return only('POST', method, {
      name: 'tawk-webhook',
      json: true,
      handle: async (ctx, req, rawBody, facts) => accepted(await handleTawkWebhook(ctx, req, rawBody, ref, facts)),
    });
  }
  const opsRoute = opsPaths[path as keyof typeof opsPaths];
  if (opsRoute === 'healthz' && !ops)
    return only('GET', method, { name: opsRoute, ops: true, handle: async () => jsonAnswer(200, { status: 'ok' }) });
  if (opsRoute && ops) return only('GET', method, { name: opsRoute, ops: true, handle: () => answerOps(opsRoute, ops) });
  throw new HttpError(404, 'not_found', `no endpoint ${path} (POST /v1/events, POST /v1/webhooks/tawk/<property>)`);
}
