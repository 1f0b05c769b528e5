import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Property } from '../db/schema.ts';
import { mailDomain, supportAddress } from './message-id.ts';

// Per-ticket reply addresses: <local>+t<number>.<mac>@<inbound domain>. The number says which
// ticket; the mac (HMAC-SHA256 of property and number with the property's secret, first 12
// hex digits = 48 bits) makes addresses impossible to guess or forge for another ticket.

const macLength = 12;

function mac(property: Property, ticketNumber: number): string {
  return createHmac('sha256', property.signing_secret).update(`reply:${property.id}:${ticketNumber}`).digest('hex').slice(0, macLength);
}

/** The signed address a ticket's visitor replies to. */
export function replyAddress(property: Property, ticketNumber: number): string {
  const local = supportAddress(property).split('@')[0]!.split('+')[0]!;
  return `${local}+t${ticketNumber}.${mac(property, ticketNumber)}@${mailDomain(property)}`;
}

/** A token found in a recipient address: which ticket it names, and whether its mac holds. */
export interface ReplyToken {
  ticketNumber: number;
  valid: boolean;
  address: string;
}

/** Finds the reply tokens among recipient addresses of the property's domain. */
export function findReplyTokens(property: Property, addresses: string[]): ReplyToken[] {
  const domain = mailDomain(property).toLowerCase();
  const tokens: ReplyToken[] = [];
  for (const address of addresses) {
    const match = /^[^@+\s]+\+t(\d{1,9})\.([0-9a-f]+)@(.+)$/i.exec(address.trim().toLowerCase());
    if (!match || match[3] !== domain) continue;
    const ticketNumber = Number(match[1]);
    const expected = Buffer.from(mac(property, ticketNumber));
    const given = Buffer.from(match[2]!);
    tokens.push({ ticketNumber, valid: given.length === expected.length && timingSafeEqual(given, expected), address });
  }
  return tokens;
}
