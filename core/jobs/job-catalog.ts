// The typed catalog of background work: one queue per kind of work, each job name mapped to
// its payload, its deterministic id and its retry policy. Ids never contain ":" and are never
// all digits (BullMQ's rules); being deterministic, a job added twice exists once.

/** Every job: name → payload. */
export interface JobPayloads {
  /** Apply a stored chat event (chat_events row) and those before it in the same chat. */
  'chat-event': { eventRowId: string };
  /** Post the chat-recovery trigger message if no agent has answered. */
  recovery: { conversationId: string };
  /** End a chat that has been silent for the property's inactivity timeout. */
  inactivity: { conversationId: string };
  /** Deliver a message (e.g. a trigger) to the chat side's callback URL. */
  'deliver-message': { messageId: string };
  /** Turn a missed chat or offline message into a ticket. */
  convert: { conversationId: string };
  /** Delete trashed items past their property's retention. */
  'trash-purge': Record<string, never>;
  /** Queue again stored work that has no live job (e.g. after Redis lost data). */
  reconcile: Record<string, never>;
  /** Send one outbox email over SMTP. */
  'send-email': { outboxId: string };
  /**
   * Parse, thread and file a stored inbound email, and the others stored in the same commit
   * (`alsoIds`, which have no job of their own: core/mail/inbound/store/inbound-group-commit.ts).
   */
  'inbound-email': { inboundEmailId: string; alsoIds?: string[] };
  /** Fetch new mail from a property's IMAP mailbox, store it, then mark it taken on the server. */
  'imap-poll': { propertyId: string };
  /** Record the at-risk and breached response clocks of an item (`ticket-12`) that are now due; one job per item and time. */
  'response-check': { item: string };
  /** POST a breach (response_alerts row) to the property's callback URL. */
  'deliver-alert': { alertId: string };
}

export type JobName = keyof JobPayloads;

/** Queue of each job. */
export const jobQueues = {
  'chat-event': 'chat-events',
  recovery: 'chat-timers',
  inactivity: 'chat-timers',
  'deliver-message': 'chat-callbacks',
  convert: 'conversions',
  'trash-purge': 'maintenance',
  reconcile: 'maintenance',
  'send-email': 'mail-outbound',
  'inbound-email': 'mail-inbound',
  'imap-poll': 'mail-inbound',
  'response-check': 'response-timers',
  'deliver-alert': 'chat-callbacks',
} as const satisfies Record<JobName, string>;

export type QueueName = (typeof jobQueues)[JobName];

/** Every queue, in the order the dashboard lists them. */
export const queueNames: QueueName[] = [
  'chat-events',
  'chat-timers',
  'conversions',
  'chat-callbacks',
  'mail-outbound',
  'mail-inbound',
  'response-timers',
  'maintenance',
];

/**
 * The payload fields that name each job's subject, in the order its id joins them: the id
 * depends on these values only, never on the payload's key order (inbound-email's alsoIds
 * ride along with it, and are no part of it). A job with none has the id `<name>-scheduled`.
 */
export const jobIdFields = {
  'chat-event': ['eventRowId'],
  recovery: ['conversationId'],
  inactivity: ['conversationId'],
  'deliver-message': ['messageId'],
  convert: ['conversationId'],
  'trash-purge': [],
  reconcile: [],
  'send-email': ['outboxId'],
  'inbound-email': ['inboundEmailId'],
  'imap-poll': ['propertyId'],
  'response-check': ['item'],
  'deliver-alert': ['alertId'],
} as const satisfies { [N in JobName]: readonly (keyof JobPayloads[N] & string)[] };

/** The deterministic id of a job: `<name>-<id fields' values joined by "-">[-<suffix>]`. */
export function jobId<N extends JobName>(name: N, data: JobPayloads[N], suffix?: string): string {
  const fields: readonly string[] = jobIdFields[name];
  const values = data as Record<string, unknown>;
  const key = fields.length === 0 ? 'scheduled' : fields.map((field) => String(values[field])).join('-');
  return `${name}-${key}${suffix ? `-${suffix}` : ''}`;
}

/**
 * Retry policy: attempts with exponential backoff and jitter, or a fixed delay where noted
 * (transient errors only; permanent ones are not retried).
 */
export const jobRetries: Record<JobName, { attempts: number; backoffMs: number; fixed?: boolean }> = {
  // A chat's timers wait on its events: after a database restart, an exponential backoff (8 s,
  // then 16 s) applied them after the visitor had left, and their trigger stood down (the fault
  // suite's Postgres-restart case). Every second for a minute, then reconcile retries the failed job.
  'chat-event': { attempts: 60, backoffMs: 1000, fixed: true },
  // A trigger is worth firing only while the visitor waits: retried every second for two
  // minutes (the chat's events to be applied first, a database back from a restart), not after
  // doubling waits that outlast the chat (a fault run lost a trigger to a 16 s wait). Past the
  // chat's inactivity timeout it does not fire anyway.
  recovery: { attempts: 120, backoffMs: 1000, fixed: true },
  inactivity: { attempts: 10, backoffMs: 1000 },
  'deliver-message': { attempts: 8, backoffMs: 2000 },
  convert: { attempts: 10, backoffMs: 1000 },
  'trash-purge': { attempts: 3, backoffMs: 10_000 },
  reconcile: { attempts: 1, backoffMs: 1000 },
  // SMTP outages last minutes: 12 attempts from 5 s doubling reach about 3 hours.
  'send-email': { attempts: 12, backoffMs: 5000 },
  'inbound-email': { attempts: 10, backoffMs: 1000 },
  // Scheduled every few seconds: the next tick is the retry.
  'imap-poll': { attempts: 1, backoffMs: 1000 },
  'response-check': { attempts: 10, backoffMs: 1000 },
  'deliver-alert': { attempts: 8, backoffMs: 2000 },
};
