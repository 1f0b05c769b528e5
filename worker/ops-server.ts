import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendAnswer as write } from './ingress/respond.ts';
import type { Logger } from './logger.ts';
import { answerOps, jsonAnswer, opsPaths, type OpsEndpoints } from './ops-endpoints.ts';

/** A running ops server. */
export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Serves GET /metrics, /healthz and /readyz for a process without an ingress (a worker), so
 * that it can be scraped and probed like one. Nothing else: everything else is a 404, another
 * method a 405. Port 0 picks a free port; the chosen one is in the result.
 */
export async function startOpsServer(options: { host: string; port: number; ops: OpsEndpoints; logger: Logger }): Promise<OpsServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://ops').pathname;
    const route = opsPaths[path as keyof typeof opsPaths];
    if (!route)
      return write(
        res,
        jsonAnswer(404, { error: { code: 'not_found', message: `no endpoint ${path} (GET /metrics, /healthz, /readyz)` } }),
      );
    if (req.method !== 'GET')
      return write(
        res,
        jsonAnswer(405, { error: { code: 'method_not_allowed', message: `${req.method ?? '?'} is not allowed here; use GET` } }),
        { Allow: 'GET' },
      );
    answerOps(route, options.ops).then(
      (answer) => write(res, answer),
      (error: unknown) => {
        options.logger.error({ err: error, route }, 'ops endpoint failed');
        write(res, jsonAnswer(500, { error: { code: 'internal', message: 'internal error (logged)' } }));
      },
    );
  });
  // A scraper keeps its connection open between scrapes; closing must not wait for it.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
