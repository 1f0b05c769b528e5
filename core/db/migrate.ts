import { type Kysely, type MigrationInfo, type MigrationResultSet, Migrator } from 'kysely';
import { migrations } from '../../migrations/index.ts';

/** The migrator over `migrations/`. Kysely serialises concurrent runs with a lock row, so two
 * processes migrating at once apply each migration exactly once. */
export function createMigrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

/** Applies every pending migration; throws (with the failing migration's name) on error. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  return applied(await createMigrator(db).migrateToLatest());
}

/** Reverts the most recent migration. */
export async function migrateDown(db: Kysely<any>): Promise<string[]> {
  return applied(await createMigrator(db).migrateDown());
}

/** Every known migration with whether and when it ran. */
export async function migrationStatus(db: Kysely<any>): Promise<readonly MigrationInfo[]> {
  return createMigrator(db).getMigrations();
}

function applied({ error, results }: MigrationResultSet): string[] {
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(failed ? `migration ${failed.migrationName} failed: ${reason}` : `migrations failed: ${reason}`);
  }
  return (results ?? []).map((r) => `${r.direction === 'Up' ? 'applied' : 'reverted'} ${r.migrationName}`);
}
