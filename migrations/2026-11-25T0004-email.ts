import { type Kysely, sql } from 'kysely';

// Email both ways: inbound mail stored raw before it is acknowledged, then threaded; the
// outbox learns reply addresses, automatic mail and suppression; messages link to their email.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE properties
      ADD COLUMN smtp_url text,
      ADD COLUMN imap_url text;

    CREATE TABLE inbound_emails (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      property_id bigint NOT NULL REFERENCES properties ON DELETE CASCADE,
      received_via text NOT NULL CHECK (received_via IN ('smtp', 'imap', 'cli')),
      raw bytea NOT NULL,
      raw_size integer NOT NULL,
      content_hash text NOT NULL,
      message_id text,
      envelope_from text,
      envelope_to text[] NOT NULL DEFAULT '{}',
      from_address text,
      subject text,
      status text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'threaded', 'bounce', 'quarantined')),
      reason text,
      automatic boolean NOT NULL DEFAULT false,
      ticket_id bigint REFERENCES tickets ON DELETE SET NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      processed_at timestamptz
    );
    -- The same message delivered twice is stored once: by Message-ID, or by content when it has none.
    CREATE UNIQUE INDEX inbound_emails_message_id ON inbound_emails (property_id, message_id) WHERE message_id IS NOT NULL;
    CREATE UNIQUE INDEX inbound_emails_content ON inbound_emails (property_id, content_hash) WHERE message_id IS NULL;
    CREATE INDEX inbound_emails_pending ON inbound_emails (received_at) WHERE processed_at IS NULL;
    CREATE INDEX inbound_emails_quarantine ON inbound_emails (property_id, received_at) WHERE status = 'quarantined';
    CREATE INDEX inbound_emails_ticket ON inbound_emails (ticket_id) WHERE ticket_id IS NOT NULL;

    CREATE TABLE email_attachments (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      inbound_email_id bigint NOT NULL REFERENCES inbound_emails ON DELETE CASCADE,
      filename text,
      content_type text NOT NULL,
      size integer NOT NULL,
      content bytea,
      skipped boolean NOT NULL DEFAULT false
    );
    CREATE INDEX email_attachments_email ON email_attachments (inbound_email_id);

    ALTER TABLE outbox_emails
      ADD COLUMN reply_to text,
      ADD COLUMN automatic boolean NOT NULL DEFAULT false,
      DROP CONSTRAINT outbox_emails_status_check,
      ADD CONSTRAINT outbox_emails_status_check CHECK (status IN ('queued', 'sent', 'failed', 'bounced', 'suppressed'));
    CREATE INDEX outbox_emails_ticket ON outbox_emails (ticket_id);
    CREATE INDEX outbox_automatic_recipient ON outbox_emails (property_id, to_address, created_at) WHERE automatic;

    ALTER TABLE messages
      ADD COLUMN inbound_email_id bigint REFERENCES inbound_emails ON DELETE SET NULL,
      ADD COLUMN outbox_email_id bigint REFERENCES outbox_emails ON DELETE SET NULL;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE messages DROP COLUMN outbox_email_id, DROP COLUMN inbound_email_id;
    DROP INDEX outbox_automatic_recipient;
    DROP INDEX outbox_emails_ticket;
    ALTER TABLE outbox_emails
      DROP CONSTRAINT outbox_emails_status_check,
      ADD CONSTRAINT outbox_emails_status_check CHECK (status IN ('queued', 'sent', 'failed', 'bounced')),
      DROP COLUMN automatic, DROP COLUMN reply_to;
    DROP TABLE email_attachments, inbound_emails;
    ALTER TABLE properties DROP COLUMN imap_url, DROP COLUMN smtp_url;
  `.execute(db);
}
