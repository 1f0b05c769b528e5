import { Worker } from 'node:worker_threads';

/** A thread running one of bench/'s TypeScript modules with `data` as its workerData. */
export function typeScriptThread(module: string, data: unknown): Worker {
  // tsx's loader is registered per thread (on Node 20 an --import in execArgv is not applied to the entry).
  const entry = new URL(module, import.meta.url).href;
  return new Worker(`import('tsx/esm/api').then((tsx) => tsx.register()).then(() => import(${JSON.stringify(entry)}))`, {
    eval: true,
    workerData: data,
  });
}
