import type { ClaimedEmail } from '../filing-types.ts';
import { isMail } from './derive.ts';

/**
 * Whether an email that is not a bounce is quarantined, and why: mail that did not parse, or
 * has no usable sender, is kept for a person to look at. Null: it is filed as mail.
 */
export function decideQuarantine(email: ClaimedEmail): { reason: string; subject: string | null } | null {
  if (isMail(email)) return null;
  const { mail, parseFailure } = email;
  const reason = !mail ? `unparseable: ${parseFailure}` : 'no usable sender address (From)';
  // A message that parsed but has no sender keeps its subject: the quarantine list is where
  // a person decides what it was, and the subject is what they recognise it by.
  return { reason, subject: mail?.subject ?? null };
}
