import { type Kysely, sql } from 'kysely';

// Issue 13: a From address counts for threading only once the sender is authenticated. What
// the ingress found (SPF, DKIM, DMARC, ARC; core/mail/sender-auth.ts) is stored with the raw
// mail, in the same INSERT; what a property lets unauthenticated mail do is its sender-auth
// mode. IMAP mail is judged by the receiving server's Authentication-Results, trusted only
// from the authserv-id the property names; ARC results only from the sealers it names.

export async function up(db: Kysely<any>): Promise<void> {
  // sender_verified: what filing concluded from it (null until filed, and for mail filed before).
  await sql`ALTER TABLE inbound_emails ADD COLUMN sender_auth jsonb, ADD COLUMN sender_verified boolean`.execute(db);
  await sql`ALTER TABLE properties
    ADD COLUMN sender_auth_mode text NOT NULL DEFAULT 'flag' CONSTRAINT properties_sender_auth_mode CHECK (sender_auth_mode IN ('enforce', 'flag', 'off')),
    ADD COLUMN imap_authserv_id text,
    ADD COLUMN arc_trusted_sealers text[] NOT NULL DEFAULT '{}'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE properties DROP COLUMN arc_trusted_sealers, DROP COLUMN imap_authserv_id, DROP COLUMN sender_auth_mode`.execute(db);
  await sql`ALTER TABLE inbound_emails DROP COLUMN sender_verified, DROP COLUMN sender_auth`.execute(db);
}
