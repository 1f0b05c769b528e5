import type { Kysely } from 'kysely';
import type { Database } from '../../core/db/schema.ts';
import { lastDays, reportZone, responseReport, type ResponseReport } from '../../core/responses/response-report.ts';
import type { ReportGrouping } from '../../core/responses/report-groupings.ts';
import { getPropertyById } from '../../core/properties/property-store.ts';

/** What the Reports tab reads, for one property. */
export interface ReportsLoader {
  /** The response report of the last 7 days (today so far included), in the property's zone. */
  responses(by: ReportGrouping): Promise<ResponseReport>;
}

export function reportsLoader(db: Kysely<Database>, propertyId: string): ReportsLoader {
  return {
    async responses(by) {
      // The days are the property's local days (its business hours' zone), as in the CLI.
      const property = await getPropertyById(db, propertyId);
      const { from, to } = lastDays(new Date(), reportZone(property.business_hours));
      return responseReport(db, propertyId, from, to, { by });
    },
  };
}
