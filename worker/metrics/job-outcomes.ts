import type { RecoveryOutcome } from '../../core/chats/recovery-trigger.ts';
import type { PurgeResult } from '../../core/inbox/purge-trash.ts';
import type { JobName } from '../../core/jobs/job-catalog.ts';
import type { ReconcileResult } from '../../core/jobs/reconcile.ts';
import type { SendOutcome } from '../../core/mail/outbound/send-outbox-email.ts';
import type { FiredAlert } from '../../core/responses/response-alerts.ts';
import type { ImapPollResult } from '../ingress/imap-poll.ts';
import type { InboundJobResult } from '../processors/inbound-job-result.ts';
import type { SwitchboardMetrics } from './metrics.ts';

// What the domain did, read from what each processor returned: core reports outcomes in its
// return values and never hears of metrics. Only first-time effects count, so a redelivered
// job that finds its work done (sent: false, filed: false, created: false) adds nothing.

type Counting = { [N in JobName]?: (metrics: SwitchboardMetrics, result: never) => void };

const counting: Counting = {
  'chat-event': (m, result: { triggersCancelled?: number }) => m.triggersCancelled.inc(result.triggersCancelled ?? 0),
  inactivity: (m, result: { triggerCancelled?: boolean }) => {
    if (result.triggerCancelled) m.triggersCancelled.inc();
  },
  recovery: (m, result: RecoveryOutcome) => {
    // 'answered' and 'ended' are cancellations already counted by the event that caused them.
    if (result === 'fired') m.triggersFired.inc();
  },
  convert: (m, result: { created?: boolean }) => {
    if (result.created) m.ticketsConverted.inc();
  },
  'trash-purge': (m, result: PurgeResult) => {
    m.itemsPurged.inc({ kind: 'conversation' }, result.conversations);
    m.itemsPurged.inc({ kind: 'ticket' }, result.tickets);
  },
  reconcile: (m, result: ReconcileResult) => {
    // Every count of the pass, whatever kinds it grows: chatEvents → chat_events.
    for (const [key, n] of Object.entries(result)) {
      if (typeof n === 'number' && n > 0) m.reconcileRequeued.inc({ kind: key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) }, n);
    }
  },
  'send-email': (m, result: SendOutcome) => {
    if (result.sent) m.emailsSent.inc({ kind: result.kind });
  },
  'inbound-email': (m, result: InboundJobResult) => {
    // A job files a batch: every email it filed counts here, once; the jobs of those emails
    // then find them filed and count nothing.
    for (const [status, n] of Object.entries(result.filedByStatus)) m.emailsFiled.inc({ status }, n);
  },
  'response-check': (m, result: FiredAlert[]) => {
    for (const alert of result) if (alert.kind === 'breach') m.responseBreaches.inc({ property: alert.property, clock: alert.clock });
  },
  'imap-poll': (m, result: ImapPollResult) => {
    m.emailsReceived.inc({ via: 'imap', outcome: 'stored' }, result.stored);
    m.emailsReceived.inc({ via: 'imap', outcome: 'duplicate' }, result.duplicates);
  },
};

/** Counts the domain outcome of a job that succeeded, from its return value. */
export function countJobOutcome(metrics: SwitchboardMetrics, name: JobName, result: unknown): void {
  if (result === null || result === undefined) return;
  (counting[name] as ((m: SwitchboardMetrics, r: unknown) => void) | undefined)?.(metrics, result);
}
