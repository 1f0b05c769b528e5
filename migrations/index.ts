import type { Migration } from 'kysely';
import * as foundation from './2026-11-25T0001-foundation.ts';
import * as chatPipeline from './2026-11-25T0002-chat-pipeline.ts';
import * as inboxTuning from './2026-11-25T0003-inbox-tuning.ts';
import * as email from './2026-11-25T0004-email.ts';
import * as ticketNumberSequence from './2026-11-25T0005-ticket-number-sequence.ts';
import * as inboundPendingByProperty from './2026-11-25T0006-inbound-pending-by-property.ts';
import * as rawMailLz4 from './2026-11-25T0007-raw-mail-lz4.ts';
import * as contentHashWithoutMessageId from './2026-11-26T0008-content-hash-without-message-id.ts';
import * as senderAuth from './2026-12-06T0009-sender-auth.ts';
import * as responseClocks from './2026-12-07T0010-response-clocks.ts';
import * as breachNotices from './2026-12-07T0011-breach-notices.ts';
import * as internalNotes from './2026-12-07T0012-internal-notes.ts';
import * as dueIndexCovering from './2026-12-07T0013-due-index-covering.ts';
import * as atRiskIndex from './2026-12-07T0014-at-risk-index.ts';
import * as atRiskIndexCovering from './2026-12-07T0015-at-risk-index-covering.ts';

/**
 * Every migration, by name, in order. Listed statically rather than read from the folder at
 * run time, so they load the same way under tsx, vitest and any bundler. A new migration is
 * a new date-prefixed file plus one line here.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-25T0001-foundation': foundation,
  '2026-11-25T0002-chat-pipeline': chatPipeline,
  '2026-11-25T0003-inbox-tuning': inboxTuning,
  '2026-11-25T0004-email': email,
  '2026-11-25T0005-ticket-number-sequence': ticketNumberSequence,
  '2026-11-25T0006-inbound-pending-by-property': inboundPendingByProperty,
  '2026-11-25T0007-raw-mail-lz4': rawMailLz4,
  '2026-11-26T0008-content-hash-without-message-id': contentHashWithoutMessageId,
  '2026-12-06T0009-sender-auth': senderAuth,
  '2026-12-07T0010-response-clocks': responseClocks,
  '2026-12-07T0011-breach-notices': breachNotices,
  '2026-12-07T0012-internal-notes': internalNotes,
  '2026-12-07T0013-due-index-covering': dueIndexCovering,
  '2026-12-07T0014-at-risk-index': atRiskIndex,
  '2026-12-07T0015-at-risk-index-covering': atRiskIndexCovering,
};
