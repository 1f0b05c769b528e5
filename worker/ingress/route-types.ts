import type { IncomingMessage } from 'node:http';
import type { Answer } from '../ops-endpoints.ts';
import type { IngressContext } from './ingress-context.ts';

// The shapes shared by the ingress's router (match-route.ts) and its route handlers.

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
