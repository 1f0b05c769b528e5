import { Resolver } from 'node:dns/promises';
import type { DNSResolver } from 'mailauth';

/**
 * The production resolver of sender verification: the system's DNS servers, each query
 * bounded (c-ares's timeout per try, and tries), so that one slow name server cannot hold an
 * SMTP session; verifySender bounds the whole verification besides. Tests pass a resolver
 * that answers from their own records instead (SmtpIngressOptions.senderVerifier).
 */
export function systemDnsResolver({ timeoutMs = 2_000, tries = 2 }: { timeoutMs?: number; tries?: number } = {}): DNSResolver {
  const resolver = new Resolver({ timeout: timeoutMs, tries });
  return (domain, rrtype) => resolver.resolve(domain, rrtype) as Promise<string[][] | string[]>;
}
