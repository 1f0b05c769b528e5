import { detectBounce } from '../content/bounce.ts';
import { MailParseError } from '../content/mail-parse-error.ts';
import { parseEmail } from '../content/parse-email.ts';
import type { RawMailRow } from '../store/raw-mail-rows.ts';
import type { ClaimedEmail, InboundLimits } from './filing-types.ts';

/** Parses claimed rows; an unexpected failure on another job's email leaves it to that job (and its retries). */
export async function parseBatch(rows: RawMailRow[], ownId: string, limits: InboundLimits): Promise<ClaimedEmail[]> {
  const claimed: ClaimedEmail[] = [];
  for (const row of rows) {
    try {
      claimed.push(await parseClaimed(row, limits));
    } catch (error) {
      if (row.id === ownId) throw error;
    }
  }
  return claimed;
}

/** A row as planning sees it: what parsing found (or why it failed), and whether it is a bounce. */
async function parseClaimed(row: RawMailRow, limits: InboundLimits): Promise<ClaimedEmail> {
  let mail: ClaimedEmail['mail'] = null;
  let parseFailure: string | null = null;
  try {
    mail = await parseEmail(row.raw, limits);
  } catch (error) {
    if (!(error instanceof MailParseError)) throw error;
    parseFailure = error.message;
  }
  return {
    row: { id: row.id, message_id: row.message_id, envelope_to: row.envelope_to, sender_auth: row.sender_auth },
    mail,
    parseFailure,
    bounce: detectBounce(row.raw),
  };
}
