import type { CorpusEmail } from './corpus.ts';
import type { IngressThreadData, IngressThreadReport, IngressThreadRequest } from './ingress-thread.ts';
import { typeScriptThread } from './threads.ts';

/** Where the pipelined runs store: in this process, or in a thread of its own (as production's ingress process). */
export interface Ingress {
  name: string;
  /** Takes the corpus to store with `sessions` at once (before the clock starts). */
  load(emails: CorpusEmail[], sessions: number): Promise<void>;
  /**
   * Stores it; reports each email's index, row id and store start (epoch ms) as soon as it is stored; resolves with the ingress
   * thread's busy share, if it has one.
   */
  run(stored: (index: number, id: string, startedAt: number) => void): Promise<number | null>;
  close(): Promise<void>;
}

export function inProcessIngress(store: (email: CorpusEmail) => Promise<{ id: string; duplicate: boolean }>): Ingress {
  let emails: CorpusEmail[] = [];
  let sessions = 1;
  return {
    name: 'in this process',
    async load(e, s) {
      emails = e;
      sessions = s;
    },
    async run(stored) {
      let next = 0;
      await Promise.all(
        Array.from({ length: sessions }, async () => {
          while (next < emails.length) {
            const index = next++;
            const startedAt = performance.timeOrigin + performance.now();
            const { id, duplicate } = await store(emails[index]!);
            if (duplicate) throw new Error('corpus message stored as a duplicate');
            stored(index, id, startedAt);
          }
        }),
      );
      return null;
    },
    async close() {},
  };
}

export function threadIngress(data: IngressThreadData): Ingress {
  const thread = typeScriptThread('./ingress-thread.ts', data);
  let listener: ((m: IngressThreadReport) => void) | null = null;
  thread.on('message', (m: IngressThreadReport) => listener?.(m));
  const until = (kind: IngressThreadReport['kind'], each?: (m: IngressThreadReport) => void) =>
    new Promise<IngressThreadReport>((resolve, reject) => {
      listener = (m) => {
        if (m.kind === 'error') reject(new Error(`ingress thread: ${m.message}`));
        else if (m.kind === kind) resolve(m);
        else each?.(m);
      };
    });
  return {
    name: 'in a thread of its own',
    async load(emails, sessions) {
      const ready = until('ready');
      thread.postMessage({
        kind: 'emails',
        sessions,
        emails: emails.map((e) => ({ raw: e.raw, from: e.envelopeFrom, to: e.rcptTo })),
      } satisfies IngressThreadRequest);
      await ready;
    },
    async run(stored) {
      const done = until('done', (m) => {
        if (m.kind === 'stored') for (const e of m.emails) stored(e.index, e.id, e.startedAt);
      });
      thread.postMessage({ kind: 'go' } satisfies IngressThreadRequest);
      const report = await done;
      return report.kind === 'done' ? report.busy : null;
    },
    async close() {
      thread.postMessage({ kind: 'close' } satisfies IngressThreadRequest);
      await new Promise((resolve) => thread.once('exit', resolve));
    },
  };
}
