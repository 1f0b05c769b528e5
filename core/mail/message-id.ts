import { randomUUID } from 'node:crypto';
import type { Property } from '../db/schema.ts';

/** The domain of our Message-IDs and default addresses: the property's inbound domain when set. */
export function mailDomain(property: Property): string {
  return property.inbound_domain ?? `${property.slug}.switchboard.invalid`;
}

/** A new Message-ID in our own domain, with its angle brackets, naming what it belongs to. */
export function newMessageId(property: Property, purpose: string): string {
  return `<${purpose}.${randomUUID()}@${mailDomain(property)}>`;
}

/** The address mail from a property is sent from. */
export function supportAddress(property: Property): string {
  return property.support_address ?? `support@${mailDomain(property)}`;
}
