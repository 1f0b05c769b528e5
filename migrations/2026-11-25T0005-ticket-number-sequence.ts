import { type Kysely, sql } from 'kysely';

// Ticket numbers come from one sequence instead of a counter on the property row. Taking the
// counter locked the property until the transaction ended, so every conversion and every
// new-ticket email of a property waited for the one before (bench/mail saw 82% of sessions
// waiting there). Numbers stay unique per property (they are unique overall) and increase;
// they may skip values, as sequences do when a transaction rolls back.

export async function up(db: Kysely<any>): Promise<void> {
  const { rows } = await sql<{ next: string }>`SELECT (coalesce(max(number), 0) + 1)::text AS next FROM tickets`.execute(db);
  await sql`CREATE SEQUENCE ticket_numbers AS integer START WITH ${sql.lit(Number(rows[0]!.next))}`.execute(db);
  await sql`ALTER TABLE tickets ALTER COLUMN number SET DEFAULT nextval('ticket_numbers')`.execute(db);
  await sql`ALTER SEQUENCE ticket_numbers OWNED BY tickets.number`.execute(db);
  await sql`ALTER TABLE properties DROP COLUMN next_ticket_number`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE properties ADD COLUMN next_ticket_number integer NOT NULL DEFAULT 1`.execute(db);
  await sql`UPDATE properties p SET next_ticket_number = coalesce((SELECT max(number) + 1 FROM tickets t WHERE t.property_id = p.id), 1)`.execute(
    db,
  );
  await sql`ALTER TABLE tickets ALTER COLUMN number DROP DEFAULT`.execute(db);
  await sql`DROP SEQUENCE ticket_numbers`.execute(db);
}
