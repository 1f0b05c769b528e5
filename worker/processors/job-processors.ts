import type { Job } from 'bullmq';
import type { Kysely } from 'kysely';
import { deliverMessage } from '../../core/chats/deliver-message.ts';
import { checkInactivity } from '../../core/chats/inactivity.ts';
import { processChatEvent } from '../../core/chats/process-chat-event.ts';
import { fireRecoveryTrigger } from '../../core/chats/recovery-trigger.ts';
import type { Database } from '../../core/db/schema.ts';
import { purgeTrash } from '../../core/inbox/purge-trash.ts';
import type { JobName, JobPayloads } from '../../core/jobs/job-catalog.ts';
import type { JobQueue } from '../../core/jobs/job-queue.ts';
import { reconcileAlone } from '../../core/jobs/reconcile.ts';
import { fileInboundEmails } from '../../core/mail/inbound/filing/file-inbound-emails.ts';
import type { RawMailHandoff } from '../../core/mail/inbound/store/raw-mail-handoff.ts';
import type { InboundLimits } from '../../core/mail/inbound/filing/filing-types.ts';
import { sendOutboxEmail, type TransportFor } from '../../core/mail/outbound/send-outbox-email.ts';
import { deliverAlert } from '../../core/responses/deliver-alert.ts';
import { checkResponseClocks } from '../../core/responses/response-alerts.ts';
import { convertConversation } from '../../core/tickets/convert-conversation.ts';
import { pollImapMailbox, type ImapPollOptions } from '../ingress/imap-poll.ts';
import { inboundJobResult } from './inbound-job-result.ts';

/** What processors get: built once by the worker's composition root. */
export interface ProcessorDeps {
  db: Kysely<Database>;
  jobs: JobQueue;
  transportFor: TransportFor;
  inboundLimits: InboundLimits;
  /** Raw mail this process's SMTP ingress stored, when it runs one (filing reads it from here, not Postgres). */
  rawMailHandoff?: RawMailHandoff;
  /** Limits of IMAP polls (defaults in worker/ingress/imap-poll.ts). */
  imap?: ImapPollOptions;
  /** Reconcile's grace: stored work younger than this may still have its job on the way. */
  reconcileGraceSeconds?: number;
}

type Processor<N extends JobName> = (data: JobPayloads[N], job: Job, deps: ProcessorDeps) => Promise<unknown>;

/** Each job of the catalog → the core call that does its work. Processors only delegate. */
export const jobProcessors: { [N in JobName]: Processor<N> } = {
  'chat-event': (data, _job, { db, jobs }) => processChatEvent(db, jobs, data.eventRowId),
  recovery: (data, _job, { db, jobs }) => fireRecoveryTrigger(db, jobs, data.conversationId),
  inactivity: (data, _job, { db, jobs }) => checkInactivity(db, jobs, data.conversationId),
  'deliver-message': (data, _job, { db }) => deliverMessage(db, data.messageId),
  convert: async (data, _job, { db, jobs }) => {
    const { ticket, created } = await convertConversation(db, jobs, data.conversationId, { automatic: true });
    return { ticket: `T${ticket.number}`, created };
  },
  'trash-purge': (_data, job, { db }) => purgeTrash(db, job.id ?? `purge-${job.timestamp}`),
  reconcile: (_data, _job, { db, jobs, reconcileGraceSeconds }) => reconcileAlone(db, jobs, { graceSeconds: reconcileGraceSeconds }),
  'send-email': (data, _job, { db, transportFor }) => sendOutboxEmail(db, transportFor, data.outboxId),
  // Files its email and those stored with it, in batches with other waiting ones of the property.
  'inbound-email': async (data, _job, { db, jobs, inboundLimits, rawMailHandoff }) =>
    inboundJobResult(
      await fileInboundEmails(db, jobs, [data.inboundEmailId, ...(data.alsoIds ?? [])], inboundLimits, { handoff: rawMailHandoff }),
    ),
  'imap-poll': (data, _job, { db, jobs, imap }) => pollImapMailbox(db, jobs, data.propertyId, imap),
  'response-check': (data, _job, { db, jobs }) => checkResponseClocks(db, jobs, data.item),
  'deliver-alert': (data, _job, { db }) => deliverAlert(db, data.alertId),
};
