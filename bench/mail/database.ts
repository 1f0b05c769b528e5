import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { upsertContact } from '../../core/contacts/contacts.ts';
import { migrateToLatest } from '../../core/db/migrate.ts';
import type { Database, Property } from '../../core/db/schema.ts';
import type { JobQueue } from '../../core/jobs/job-queue.ts';
import { replyAddress } from '../../core/mail/reply-address.ts';
import { createProperty } from '../../core/properties/property-store.ts';
import { replyToTicket } from '../../core/tickets/reply-to-ticket.ts';
import { createTicket } from '../../core/tickets/ticket-store.ts';
import { recreateDatabase } from '../bench-database.ts';
import { databaseUrlFor } from '../inbox-seed.ts';
import type { ThreadTarget } from './corpus.ts';
import { benchDatabase, threadTargets } from './options.ts';

export async function freshDatabase(serverUrl: string): Promise<string> {
  return recreateDatabase(serverUrl, benchDatabase);
}

export async function dropDatabase(serverUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: databaseUrlFor(serverUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${benchDatabase} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Tickets with an agent's emailed reply (outbox row, Message-ID, signed Reply-To) for the corpus to answer. */
export async function seedThreads(db: Kysely<Database>, jobs: JobQueue, property: Property): Promise<ThreadTarget[]> {
  const names = ['Maria Rossi', 'Jürgen Weiß', 'Chloé Dubois', 'Tom Jones', 'Yuki Tanaka', 'Inès García', 'Peter Novak', 'Sara Bianchi'];
  const subjects = [
    'Parcel never arrived',
    'Refund for order 48213',
    'Wrong size delivered',
    'Invoice address change',
    'Charger missing from box',
    'Login code not received',
  ];
  const targets: ThreadTarget[] = [];
  for (let i = 0; i < threadTargets; i++) {
    const name = names[i % names.length]!;
    const email = `${name
      .split(' ')[0]!
      .normalize('NFD')
      .replace(/[^a-z]/gi, '')
      .toLowerCase()}.customer${i}@mail${i % 5}.example`;
    const contact = await upsertContact(db, property.id, { email, name });
    const subject = subjects[i % subjects.length]!;
    const ticket = await createTicket(db, { propertyId: property.id, subject, contact });
    const { outbox } = await replyToTicket(db, jobs, property.id, `T${ticket.number}`, {
      body: `Hello ${name.split(' ')[0]},\n\nthank you for your patience. We have checked with the courier and a replacement is on its way; you should have it within three working days.\n\nPlease reply to this email if anything else is wrong.`,
    });
    targets.push({
      ticketNumber: ticket.number,
      subject,
      contactEmail: email,
      contactName: name,
      outboxMessageId: outbox.message_id,
      replyAddress: replyAddress(property, ticket.number),
      agentText: outbox.text_body,
    });
  }
  return targets;
}

/** The bench's schema, its property and the tickets the corpus replies to. */
export async function seedBench(db: Kysely<Database>, jobs: JobQueue): Promise<{ property: Property; targets: ThreadTarget[] }> {
  await migrateToLatest(db);
  const property = await createProperty(db, {
    slug: 'bench-mail',
    name: 'Bench Shop',
    supportAddress: 'help@bench-shop.example',
    inboundDomain: 'in.bench-shop.example',
  });
  const targets = await seedThreads(db, jobs, property);
  return { property, targets };
}

/** The server's version and the settings the figures depend on, by name. */
export async function postgresSettings(db: Kysely<Database>): Promise<Record<string, string>> {
  const settings = await sql<{ name: string; setting: string }>`
    SELECT name, setting FROM pg_settings WHERE name IN ('synchronous_commit', 'fsync', 'shared_buffers', 'server_version')`.execute(db);
  return Object.fromEntries(settings.rows.map((r) => [r.name, r.setting]));
}
