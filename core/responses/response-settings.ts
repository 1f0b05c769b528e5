import type { Kysely } from 'kysely';
import type { Database, Property } from '../db/schema.ts';
import { ValidationError } from '../errors.ts';
import { parseBusinessHours, type BusinessHours } from '../hours/business-hours.ts';
import type { HoursChange } from '../properties/property-settings.ts';
import { checkTargets, readTargets, type ResponseTargets } from './response-targets.ts';
import { refreshResponseClocks } from './response-clock-store.ts';
import { businessHoursOf, updateProperty } from '../properties/property-store.ts';

// Changing a property's business hours or targets moves the due times of its open items: they
// are recomputed at once, in batches (a transaction each), so the inbox and the timers agree
// with the new settings. The checks at the new times come from reconcile as they near.

const batch = 500;

async function recomputeOpenItems(db: Kysely<Database>, propertyId: string): Promise<number> {
  let count = 0;
  for (const kind of ['conversation', 'ticket'] as const) {
    const table = kind === 'conversation' ? 'conversations' : 'tickets';
    let after = '0';
    for (;;) {
      const rows = await db
        .selectFrom(table)
        .select('id')
        .where('property_id', '=', propertyId)
        .where('status', '!=', 'closed')
        .where('trashed_at', 'is', null)
        .where('id', '>', after)
        .orderBy('id')
        .limit(batch)
        .execute();
      if (!rows.length) break;
      await db.transaction().execute((trx) =>
        refreshResponseClocks(
          trx,
          null,
          rows.map((r) => ({ kind, id: r.id })),
        ),
      );
      count += rows.length;
      after = rows[rows.length - 1]!.id;
    }
  }
  return count;
}

/** Sets (or with null clears: always open) the property's business hours, validated; returns how many open items were recomputed. */
export async function setBusinessHours(
  db: Kysely<Database>,
  propertyId: string,
  hours: BusinessHours | null,
): Promise<{ property: Property; recomputed: number }> {
  const valid = hours === null ? null : parseBusinessHours(hours);
  const property = await updateProperty(db, propertyId, { business_hours: valid === null ? null : JSON.stringify(valid) });
  return { property, recomputed: await recomputeOpenItems(db, propertyId) };
}

/**
 * Applies a change of business hours made of parts (`property set hours-zone=…`): each part
 * given replaces that part of the hours set, the others are kept. Hours that do not exist yet
 * need both a zone and a week, said in the error.
 */
export async function changeBusinessHours(
  db: Kysely<Database>,
  propertyId: string,
  change: HoursChange,
): Promise<{ property: Property; recomputed: number }> {
  if (change.off) return setBusinessHours(db, propertyId, null);
  const current = (await businessHoursOf(db, propertyId)) ?? null;
  const zone = change.zone ?? current?.zone;
  const week = change.week ?? current?.week;
  if (!zone || !week) {
    const missing = [!zone && 'hours-zone', !week && 'hours-week'].filter(Boolean).join(' and ');
    throw new ValidationError(
      `no business hours are set yet: give ${missing} too (e.g. hours-zone=Europe/Rome hours-week="mon-fri 09:00-18:00")`,
    );
  }
  return setBusinessHours(db, propertyId, { zone, week, holidays: change.holidays ?? current?.holidays ?? [] });
}

/** Sets the property's response targets; returns how many open items were recomputed. */
export async function setResponseTargets(
  db: Kysely<Database>,
  propertyId: string,
  targets: ResponseTargets,
): Promise<{ property: Property; recomputed: number }> {
  const property = await updateProperty(db, propertyId, { response_targets: JSON.stringify(checkTargets(targets)) });
  return { property, recomputed: await recomputeOpenItems(db, propertyId) };
}

/** The property's targets (none set: no targets). */
export const targetsOf = (property: Pick<Property, 'response_targets'>): ResponseTargets => readTargets(property.response_targets);
