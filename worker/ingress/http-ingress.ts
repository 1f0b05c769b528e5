import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import type { Database } from '../../core/db/schema.ts';
import type { JobQueue } from '../../core/jobs/job-queue.ts';
import type { Logger } from '../logger.ts';
import type { SwitchboardMetrics } from '../metrics/metrics.ts';
import type { OpsEndpoints } from '../ops-endpoints.ts';
import { toHttpError } from './http-error.ts';
import type { IngressContext } from './ingress-context.ts';
import { matchRoute } from './match-route.ts';
import type { RequestFacts, Route } from './route-types.ts';
import { requireJsonContentType } from './json-content-type.ts';
import { readBody, refuseDeclaredOversize } from './read-body.ts';
import { sendAnswer, sendError } from './respond.ts';

/** What the HTTP ingress needs: built once by the composition root. */
export interface HttpIngressOptions {
  db: Kysely<Database>;
  jobs: JobQueue;
  logger: Logger;
  host: string;
  /** 0 picks a free port (tests); the chosen one is in the result. */
  port: number;
  maxBodyBytes: number;
  now?: () => Date;
  /** How long a request waits for its jobs to be enqueued before answering 202 anyway. */
  enqueueTimeoutMs?: number;
  /** The process's metrics: requests, chat events (none counted without). */
  metrics?: SwitchboardMetrics;
  /** Serves GET /metrics and /readyz from these (GET /healthz is always served). */
  ops?: OpsEndpoints;
}

/** A running ingress. */
export interface HttpIngress {
  port: number;
  /** Stops accepting connections and resolves once in-flight requests have been answered. */
  close(): Promise<void>;
}

/**
 * Starts the HTTP ingress (POST /v1/events, POST /v1/webhooks/tawk/:property, and GET
 * /healthz, /readyz, /metrics) on plain node:http: a write's success is a 202 given only
 * after Postgres stored it; every answer but the metrics text is JSON.
 */
export async function startHttpIngress(options: HttpIngressOptions): Promise<HttpIngress> {
  const ctx: IngressContext = {
    db: options.db,
    jobs: options.jobs,
    logger: options.logger,
    maxBodyBytes: options.maxBodyBytes,
    now: options.now ?? (() => new Date()),
    enqueueTimeoutMs: options.enqueueTimeoutMs ?? 2000,
    metrics: options.metrics,
    ops: options.ops,
  };
  let closing = false;
  // A request has its whole body well within this; a slow-drip client does not hold a socket forever.
  const server = createServer({ requestTimeout: 60_000 }, (req, res) => {
    void handleRequest(ctx, req, res, () => closing);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  let closed: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close() {
      closing = true;
      // close() drops idle keep-alive connections at once; a connection with a request in
      // flight ends after its answer, which says `Connection: close` from now on. Closing
      // twice waits for the same end.
      closed ??= new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      return closed;
    },
  };
}

async function handleRequest(ctx: IngressContext, req: IncomingMessage, res: ServerResponse, isClosing: () => boolean): Promise<void> {
  const started = performance.now();
  let route: Route | undefined;
  const facts: RequestFacts = {};
  const logFields = (status: number) => ({
    method: req.method,
    path: req.url,
    route: route?.name,
    propertyId: facts.propertyId,
    hookId: facts.hookId,
    status,
    ms: Math.round(performance.now() - started),
  });
  try {
    route = matchRoute(req.method, req.url, ctx.ops);
    // Size as declared (413), then Content-Type (415): both refused before a byte is read.
    if (route.json) {
      refuseDeclaredOversize(req, ctx.maxBodyBytes);
      requireJsonContentType(req);
    }
    const rawBody = await readBody(req, ctx.maxBodyBytes);
    const answer = await route.handle(ctx, req, rawBody, facts);
    sendAnswer(res, answer, isClosing() ? { Connection: 'close' } : {});
    ctx.metrics?.httpRequests.inc({ route: route.name, status: String(answer.status) });
    ctx.logger[route.ops ? 'debug' : 'info'](logFields(answer.status), 'request answered');
  } catch (error) {
    const answer = toHttpError(error);
    // A body left unread (404, 405, 413, 415) must not be parsed as the next request on this
    // connection: Node discards the rest, and the connection ends after this answer.
    const close = isClosing() || !req.complete;
    sendError(res, answer, close ? { Connection: 'close' } : {});
    ctx.metrics?.httpRequests.inc({ route: route?.name ?? 'unknown', status: String(answer.status) });
    const fields = { ...logFields(answer.status), code: answer.code };
    if (answer.status >= 500) ctx.logger.error({ ...fields, err: error }, `request failed: ${answer.message}`);
    else ctx.logger.info(fields, `request refused: ${answer.message}`);
  }
}
