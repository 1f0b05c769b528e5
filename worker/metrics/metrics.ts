import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

// The metric contract of Switchboard's processes. Dashboards and alerts are written against
// these names and labels: rename nothing, add with care. Every label has a small, fixed set of
// values (never an id, an address or an error message), so series stay few.

/** Every metric a process can export, on a registry of its own. */
export interface SwitchboardMetrics {
  registry: Registry;
  /** Job attempts that succeeded. */
  jobsCompleted: Counter<'queue' | 'job'>;
  /** Job attempts that threw: reason permanent | not_visible_yet | transient (a retried job counts once per failed attempt). */
  jobsFailed: Counter<'queue' | 'job' | 'reason'>;
  jobDuration: Histogram<'queue' | 'job'>;
  httpRequests: Counter<'route' | 'status'>;
  chatEventsReceived: Counter<'source' | 'outcome'>;
  emailsReceived: Counter<'via' | 'outcome'>;
  emailsRefused: Counter<'reason'>;
  emailsFiled: Counter<'status'>;
  emailsSent: Counter<'kind'>;
  emailsSendFailed: Counter<'kind' | 'reason'>;
  triggersFired: Counter;
  triggersCancelled: Counter;
  ticketsConverted: Counter;
  responseBreaches: Counter<'property' | 'clock'>;
  itemsPurged: Counter<'kind'>;
  reconcileRequeued: Counter<'kind'>;
}

/**
 * Builds the metrics on a new registry (never prom-client's global one: a test may run several
 * ingresses and workers in one process, each with counters of its own), with Node's process
 * metrics prefixed `switchboard_`. The composition root calls this once per process.
 */
export function createMetrics(): SwitchboardMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'switchboard_' });
  const registers = [registry];
  return { registry, ...jobMetrics(registers), ...intakeMetrics(registers), ...mailMetrics(registers), ...effectMetrics(registers) };
}

/** Job attempts: outcomes and durations, counted by worker/run-job.ts. */
function jobMetrics(registers: Registry[]): Pick<SwitchboardMetrics, 'jobsCompleted' | 'jobsFailed' | 'jobDuration'> {
  return {
    jobsCompleted: new Counter({
      name: 'switchboard_jobs_completed_total',
      help: 'Job attempts that succeeded, by queue and job name.',
      labelNames: ['queue', 'job'],
      registers,
    }),
    jobsFailed: new Counter({
      name: 'switchboard_jobs_failed_total',
      help:
        'Job attempts that failed, by queue, job name and reason (permanent: not retried; ' +
        'not_visible_yet: its row was not committed yet; transient: retried with backoff).',
      labelNames: ['queue', 'job', 'reason'],
      registers,
    }),
    jobDuration: new Histogram({
      name: 'switchboard_job_duration_seconds',
      help: 'How long job attempts ran, successful or not, by queue and job name.',
      labelNames: ['queue', 'job'],
      // Chat events take milliseconds; IMAP polls, purges and sends to a slow SMTP server take seconds.
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
  };
}

/** What the ingress was sent and what it took or refused. */
function intakeMetrics(
  registers: Registry[],
): Pick<SwitchboardMetrics, 'httpRequests' | 'chatEventsReceived' | 'emailsReceived' | 'emailsRefused'> {
  return {
    httpRequests: new Counter({
      name: 'switchboard_http_requests_total',
      help: 'HTTP requests answered, by route (unknown for no route) and status.',
      labelNames: ['route', 'status'],
      registers,
    }),
    chatEventsReceived: new Counter({
      name: 'switchboard_chat_events_received_total',
      help:
        'Chat events accepted by the ingress, by source (api, tawk) and outcome (stored; duplicate: ' + 'stored by an earlier delivery).',
      labelNames: ['source', 'outcome'],
      registers,
    }),
    emailsReceived: new Counter({
      name: 'switchboard_emails_received_total',
      help:
        'Inbound emails taken, by way (smtp, imap) and outcome (stored; duplicate: stored before). ' +
        'An SMTP message for several properties counts once per property.',
      labelNames: ['via', 'outcome'],
      registers,
    }),
    emailsRefused: new Counter({
      name: 'switchboard_emails_refused_total',
      help: 'SMTP refusals by reason: unknown_domain (550), too_big (552), lookup_failed (451 at RCPT), ' + 'storage_down (451 at DATA).',
      labelNames: ['reason'],
      registers,
    }),
  };
}

/** Inbound filing and outbound sending. */
function mailMetrics(registers: Registry[]): Pick<SwitchboardMetrics, 'emailsFiled' | 'emailsSent' | 'emailsSendFailed'> {
  return {
    emailsFiled: new Counter({
      name: 'switchboard_emails_filed_total',
      help: 'Inbound emails filed, by status (threaded, bounce, quarantined).',
      labelNames: ['status'],
      registers,
    }),
    emailsSent: new Counter({
      name: 'switchboard_emails_sent_total',
      help: 'Outbox emails sent, by kind (ticket_ack, agent_reply, breach_notice).',
      labelNames: ['kind'],
      registers,
    }),
    emailsSendFailed: new Counter({
      name: 'switchboard_emails_send_failed_total',
      help: 'Failed send attempts of outbox emails, by kind and reason (refused: SMTP 5xx, marked ' + 'failed; transient: retried).',
      labelNames: ['kind', 'reason'],
      registers,
    }),
  };
}

/** The effects of jobs, counted once each (worker/metrics/job-outcomes.ts). */
function effectMetrics(
  registers: Registry[],
): Pick<
  SwitchboardMetrics,
  'triggersFired' | 'triggersCancelled' | 'responseBreaches' | 'ticketsConverted' | 'itemsPurged' | 'reconcileRequeued'
> {
  return {
    triggersFired: new Counter({ name: 'switchboard_triggers_fired_total', help: 'Chat-recovery messages posted.', registers }),
    triggersCancelled: new Counter({
      name: 'switchboard_triggers_cancelled_total',
      help: 'Chat-recovery triggers made pointless before they fired: an agent answered, or the chat ended.',
      registers,
    }),
    responseBreaches: new Counter({
      name: 'switchboard_response_breaches_total',
      help: 'Response targets breached, by property and clock (first, next, resolution); each breach ' + 'counts once.',
      labelNames: ['property', 'clock'],
      registers,
    }),
    ticketsConverted: new Counter({
      name: 'switchboard_tickets_converted_total',
      help: 'Tickets made from missed chats and offline messages by the convert job.',
      registers,
    }),
    itemsPurged: new Counter({
      name: 'switchboard_items_purged_total',
      help: 'Trashed items deleted for good by the purge, by kind (conversation, ticket).',
      labelNames: ['kind'],
      registers,
    }),
    reconcileRequeued: new Counter({
      name: 'switchboard_reconcile_requeued_total',
      help: 'Stored work the reconcile pass queued again, by kind (chat_events, conversions, ' + 'inbound_emails, outbox_emails, ...).',
      labelNames: ['kind'],
      registers,
    }),
  };
}
