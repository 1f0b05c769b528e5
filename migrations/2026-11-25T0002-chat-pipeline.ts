import { type Kysely, sql } from 'kysely';

// The chat pipeline: chat events stored before they are acknowledged, the settings the
// triggers and conversions read, the outbox that the email sender drains, and the record of
// trash purges.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE properties
      ADD COLUMN callback_url text,
      ADD COLUMN inactivity_timeout_seconds integer NOT NULL DEFAULT 900 CHECK (inactivity_timeout_seconds BETWEEN 10 AND 86400),
      ADD COLUMN auto_convert boolean NOT NULL DEFAULT true,
      ADD COLUMN tawk_webhook_secret text;

    ALTER TABLE agents ADD COLUMN external_id text, ADD CONSTRAINT agents_external UNIQUE (property_id, external_id);

    ALTER TABLE conversations
      ADD COLUMN first_agent_reply_at timestamptz,
      ADD COLUMN trigger_fired_at timestamptz;

    -- Every event as received, de-duplicated by the sender's event id. processed_at is set in
    -- the same transaction as the event's effects, so an event is applied exactly once.
    CREATE TABLE chat_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      property_id bigint NOT NULL REFERENCES properties ON DELETE CASCADE,
      event_id text NOT NULL,
      type text NOT NULL,
      chat_id text,
      occurred_at timestamptz NOT NULL,
      payload jsonb NOT NULL,
      source text NOT NULL DEFAULT 'api',
      received_at timestamptz NOT NULL DEFAULT now(),
      processed_at timestamptz,
      error text,
      UNIQUE (property_id, event_id)
    );
    CREATE INDEX chat_events_pending ON chat_events (received_at) WHERE processed_at IS NULL;
    CREATE INDEX chat_events_chat ON chat_events (property_id, chat_id, id) WHERE processed_at IS NULL;

    -- Emails to send. The Message-ID is fixed when the row is written, so a resend is
    -- recognisable downstream; one acknowledgement per ticket, whatever retries happen.
    CREATE TABLE outbox_emails (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      property_id bigint NOT NULL REFERENCES properties ON DELETE CASCADE,
      ticket_id bigint REFERENCES tickets ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('ticket_ack', 'agent_reply')),
      message_id text NOT NULL UNIQUE,
      from_address text NOT NULL,
      to_address text NOT NULL,
      subject text NOT NULL,
      text_body text NOT NULL,
      html_body text,
      in_reply_to text,
      "references" text[] NOT NULL DEFAULT '{}',
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed', 'bounced')),
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz
    );
    CREATE UNIQUE INDEX outbox_one_ack_per_ticket ON outbox_emails (ticket_id) WHERE kind = 'ticket_ack';
    CREATE INDEX outbox_queued ON outbox_emails (created_at) WHERE status = 'queued';

    -- One row per scheduled purge (its BullMQ job id), with what it removed.
    CREATE TABLE purge_runs (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      job_id text NOT NULL UNIQUE,
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      conversations_removed integer NOT NULL DEFAULT 0,
      tickets_removed integer NOT NULL DEFAULT 0
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TABLE purge_runs, outbox_emails, chat_events;
    ALTER TABLE conversations DROP COLUMN trigger_fired_at, DROP COLUMN first_agent_reply_at;
    ALTER TABLE agents DROP CONSTRAINT agents_external, DROP COLUMN external_id;
    ALTER TABLE properties DROP COLUMN tawk_webhook_secret, DROP COLUMN auto_convert, DROP COLUMN inactivity_timeout_seconds, DROP COLUMN callback_url;
  `.execute(db);
}
