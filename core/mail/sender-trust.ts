import type { Property } from '../db/schema.ts';
import type { SenderAuth } from './sender-auth.ts';

/**
 * Whether an email's From address may count: verified (DMARC passed, or a trusted ARC sealer
 * recorded that it passed before forwarding broke it), unverified (anything else, including
 * a DNS temperror and mail stored before senders were checked), or rejected (DMARC failed for
 * a domain that publishes p=reject: its owner says such mail is forged, so it never joins a
 * ticket, whatever it carries). What each may do is the property's sender-auth mode
 * (core/mail/inbound/filing/plan/decide-thread.ts).
 */
export type SenderStanding = { standing: 'verified' | 'unverified' | 'rejected'; why: string };

export function senderStanding(auth: SenderAuth | null, property: Pick<Property, 'arc_trusted_sealers'>): SenderStanding {
  if (!auth) return { standing: 'unverified', why: 'the sender was not checked' };
  if (auth.dmarc === 'pass') return { standing: 'verified', why: `DMARC passed for ${auth.fromDomain}` };
  const arc = auth.arc;
  if (arc?.result === 'pass' && arc.dmarc === 'pass' && arc.sealer && property.arc_trusted_sealers.includes(arc.sealer.toLowerCase())) {
    return { standing: 'verified', why: `DMARC passed at ${arc.sealer} before forwarding (ARC)` };
  }
  if (auth.dmarc === 'fail' && auth.policy === 'reject')
    return { standing: 'rejected', why: `DMARC failed for ${auth.fromDomain}, which publishes p=reject` };
  const detail =
    auth.dmarc === 'unknown'
      ? (auth.note ?? 'not checked')
      : `DMARC ${auth.dmarc}${auth.fromDomain ? ` for ${auth.fromDomain}` : ''}${auth.note ? `, ${auth.note}` : ''}`;
  return { standing: 'unverified', why: detail };
}
