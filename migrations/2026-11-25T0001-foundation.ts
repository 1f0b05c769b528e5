import { type Kysely, sql } from 'kysely';

// The foundation schema: properties and their settings, the people and labels of a property,
// contacts, and the inbox (conversations, tickets, messages).
//
// Index policy: the inbox lists one property's items, never trashed, sorted by one of four
// keys with `id` as tie-break, and pages by keyset. Each sort key gets one partial b-tree
// index (property_id, key, id) WHERE trashed_at IS NULL that serves the first page and every
// deep page in the same number of reads; filters (status, agent, department, tag, text) are
// checked while walking it, or, when very selective, answered by their own index.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE properties (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
      name text NOT NULL,
      support_address text,
      inbound_domain text UNIQUE,
      signing_secret text NOT NULL,
      trigger_enabled boolean NOT NULL DEFAULT true,
      trigger_delay_seconds integer NOT NULL DEFAULT 60 CHECK (trigger_delay_seconds BETWEEN 0 AND 86400),
      trigger_message text NOT NULL DEFAULT 'Sorry for the wait! Leave us your email and we will get back to you as soon as possible.',
      trigger_sender_name text NOT NULL DEFAULT 'Support',
      trash_retention_days integer NOT NULL DEFAULT 30 CHECK (trash_retention_days BETWEEN 1 AND 3650),
      next_ticket_number integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE agents (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      property_id bigint NOT NULL REFERENCES properties ON DELETE CASCADE,
      email text NOT NULL,
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (property_id, email)
    );

    CREATE TABLE departments (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      property_id bigint NOT NULL REFERENCES properties ON DELETE CASCADE,
      name text NOT NULL,
      UNIQUE (property_id, name)
    );

    CREATE TABLE tags (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      property_id bigint NOT NULL REFERENCES properties ON DELETE CASCADE,
      name text NOT NULL,
      UNIQUE (property_id, name)
    );

    CREATE TABLE contacts (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      property_id bigint NOT NULL REFERENCES properties ON DELETE CASCADE,
      email text NOT NULL CHECK (email = lower(email)),
      name text,
      bouncing boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (property_id, email)
    );

    CREATE TABLE conversations (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      property_id bigint NOT NULL REFERENCES properties ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('chat', 'offline')),
      external_id text,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
      missed boolean NOT NULL DEFAULT false,
      agent_id bigint REFERENCES agents ON DELETE SET NULL,
      department_id bigint REFERENCES departments ON DELETE SET NULL,
      priority smallint NOT NULL DEFAULT 1 CHECK (priority BETWEEN 0 AND 3),
      tag_ids bigint[] NOT NULL DEFAULT '{}',
      contact_id bigint REFERENCES contacts ON DELETE SET NULL,
      visitor_id text,
      visitor_name text,
      visitor_email text,
      prechat jsonb,
      preview text,
      search tsvector NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      status_changed_at timestamptz NOT NULL DEFAULT now(),
      last_message_at timestamptz,
      ended_at timestamptz,
      trashed_at timestamptz,
      UNIQUE (property_id, external_id)
    );

    CREATE TABLE tickets (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      property_id bigint NOT NULL REFERENCES properties ON DELETE CASCADE,
      number integer NOT NULL,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'closed')),
      subject text NOT NULL,
      contact_id bigint NOT NULL REFERENCES contacts ON DELETE RESTRICT,
      -- A conversation becomes at most one ticket: the unique constraint makes conversion
      -- idempotent however often it is triggered.
      conversation_id bigint UNIQUE REFERENCES conversations ON DELETE SET NULL,
      agent_id bigint REFERENCES agents ON DELETE SET NULL,
      department_id bigint REFERENCES departments ON DELETE SET NULL,
      priority smallint NOT NULL DEFAULT 1 CHECK (priority BETWEEN 0 AND 3),
      tag_ids bigint[] NOT NULL DEFAULT '{}',
      search tsvector NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      status_changed_at timestamptz NOT NULL DEFAULT now(),
      last_message_at timestamptz,
      trashed_at timestamptz,
      UNIQUE (property_id, number)
    );

    CREATE TABLE messages (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      property_id bigint NOT NULL REFERENCES properties ON DELETE CASCADE,
      conversation_id bigint REFERENCES conversations ON DELETE CASCADE,
      ticket_id bigint REFERENCES tickets ON DELETE CASCADE,
      sender text NOT NULL CHECK (sender IN ('visitor', 'agent', 'system', 'trigger')),
      agent_id bigint REFERENCES agents ON DELETE SET NULL,
      author_name text,
      body text NOT NULL,
      external_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((conversation_id IS NULL) <> (ticket_id IS NULL)),
      UNIQUE (property_id, external_id)
    );
    CREATE INDEX messages_conversation ON messages (conversation_id, created_at, id) WHERE conversation_id IS NOT NULL;
    CREATE INDEX messages_ticket ON messages (ticket_id, created_at, id) WHERE ticket_id IS NOT NULL;
  `.execute(db);

  for (const table of ['conversations', 'tickets']) {
    const t = sql.raw(table);
    for (const key of ['created_at', 'updated_at', 'status_changed_at', 'priority']) {
      const name = sql.raw(`${table}_inbox_${key}`);
      await sql`CREATE INDEX ${name} ON ${t} (property_id, ${sql.raw(key)}, id) WHERE trashed_at IS NULL`.execute(db);
    }
    await sql`CREATE INDEX ${sql.raw(`${table}_trash`)} ON ${t} (property_id, trashed_at, id) WHERE trashed_at IS NOT NULL`.execute(db);
    await sql`CREATE INDEX ${sql.raw(`${table}_tags`)} ON ${t} USING gin (tag_ids)`.execute(db);
    await sql`CREATE INDEX ${sql.raw(`${table}_search`)} ON ${t} USING gin (search)`.execute(db);
    await sql`CREATE INDEX ${sql.raw(`${table}_contact`)} ON ${t} (contact_id, created_at) WHERE contact_id IS NOT NULL`.execute(db);
    await sql`CREATE INDEX ${sql.raw(`${table}_agent`)} ON ${t} (agent_id) WHERE agent_id IS NOT NULL`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE messages, tickets, conversations, contacts, tags, departments, agents, properties`.execute(db);
}
