import type { Registry } from 'prom-client';
import type { Readiness } from './readiness.ts';

/** What the operational endpoints report on: built once by the composition root. */
export interface OpsEndpoints {
  registry: Registry;
  readiness: () => Promise<Readiness>;
}

/** A complete answer to a request: what the server writes as is. */
export interface Answer {
  status: number;
  contentType: string;
  body: string;
}

/** The operational paths, served on GET by the ingress and by a worker's own small server. */
export const opsPaths = { '/metrics': 'metrics', '/healthz': 'healthz', '/readyz': 'readyz' } as const;
export type OpsRoute = (typeof opsPaths)[keyof typeof opsPaths];

/** A JSON answer. */
export function jsonAnswer(status: number, value: unknown): Answer {
  return { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(value) };
}

/**
 * Answers an operational endpoint. /healthz says only that the process is alive and serving
 * (an orchestrator restarts it otherwise), so it checks nothing it depends on; /readyz checks
 * those (a 503 takes it out of rotation, not restarts it); /metrics is the Prometheus text.
 */
export async function answerOps(route: OpsRoute, ops: OpsEndpoints): Promise<Answer> {
  if (route === 'healthz') return jsonAnswer(200, { status: 'ok' });
  if (route === 'readyz') {
    const readiness = await ops.readiness();
    return jsonAnswer(readiness.ready ? 200 : 503, { status: readiness.ready ? 'ready' : 'not_ready', checks: readiness.checks });
  }
  return { status: 200, contentType: ops.registry.contentType, body: await ops.registry.metrics() };
}
