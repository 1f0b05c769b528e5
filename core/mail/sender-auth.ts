import { createRequire } from 'node:module';
import { authenticate, type AuthenticateOptions, type DNSResolver } from 'mailauth';
import { parseHeaderFields, rawHeaderBlock } from './inbound/content/raw-mime.ts';

// Who sent an inbound email, as far as SPF, DKIM, DMARC and ARC can tell. The SMTP ingress
// verifies them itself with mailauth (it knows the client IP, HELO and MAIL FROM); IMAP mail
// and replayed files are judged by the receiving server's Authentication-Results header,
// trusted only from the authserv-id the property names (anyone can write that header; only
// the server that received the mail writes its own id last). mailauth is pinned to 4.13.x:
// 7.x needs Node >= 22.19 and Switchboard runs on Node 20 (docs/ARCHITECTURE.md, Decisions).
// What a property lets unauthenticated mail do is decided at filing (sender-trust.ts).

/** One check's outcome, as RFC 8601 names them ('unknown': nothing to judge by). */
export type AuthResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror' | 'policy' | 'unknown';

/** What is stored on the inbound email (inbound_emails.sender_auth). */
export interface SenderAuth {
  /** Verified here at SMTP, read from a trusted Authentication-Results header, or neither. */
  source: 'smtp' | 'authentication-results' | 'none';
  /** The header From's domain the DMARC result is about. */
  fromDomain: string | null;
  dmarc: AuthResult;
  /** The policy that domain publishes (sp= for a subdomain), when it publishes one. */
  policy: 'none' | 'quarantine' | 'reject' | null;
  spf: AuthResult;
  /** The best DKIM result, and the domains whose signatures passed. */
  dkim: AuthResult;
  dkimDomains: string[];
  /** The ARC chain: its result, the domain of its last seal, and the DMARC result that sealer recorded. */
  arc: { result: AuthResult; sealer: string | null; dmarc: AuthResult | null } | null;
  /** Why it could not be judged (a DNS timeout, no trusted header...). */
  note?: string;
}

/** How the SMTP ingress verifies: DNS through `resolver` (default: the system's, bounded by timeoutMs). */
export interface SenderVerifier {
  resolver?: DNSResolver;
  /** The whole verification's budget; past it the result is temperror and the mail is stored all the same. */
  timeoutMs?: number;
  /** The name this receiver writes in Authentication-Results. */
  mta?: string;
}

const results = new Set<AuthResult>(['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror', 'policy']);
const asResult = (v: unknown): AuthResult => {
  const s = typeof v === 'string' ? v.toLowerCase() : '';
  // mailauth writes temperror as "temperr" in places.
  if (s === 'temperr') return 'temperror';
  return results.has(s as AuthResult) ? (s as AuthResult) : 'unknown';
};
const asPolicy = (v: unknown): SenderAuth['policy'] => (v === 'none' || v === 'quarantine' || v === 'reject' ? v : null);
/** The best of several results: pass over anything, then the order below. */
const rank: AuthResult[] = ['pass', 'temperror', 'fail', 'permerror', 'softfail', 'neutral', 'policy', 'none', 'unknown'];
const best = (all: AuthResult[]): AuthResult => (all.length ? all.reduce((a, b) => (rank.indexOf(a) <= rank.indexOf(b) ? a : b)) : 'none');

/** Default DNS budget of one verification: a slow resolver must not hold an SMTP session for long. */
export const defaultVerifyTimeoutMs = 8_000;

/** Not judged at all: what a message gets when nothing could be verified. */
export function unverifiedSender(note: string, source: SenderAuth['source'] = 'none'): SenderAuth {
  return { source, fromDomain: null, dmarc: 'unknown', policy: null, spf: 'unknown', dkim: 'unknown', dkimDomains: [], arc: null, note };
}

/**
 * Verifies SPF (for the client's IP, HELO and MAIL FROM), DKIM, DMARC and ARC of a message as
 * the SMTP ingress received it. Never throws: a DNS failure or the time budget running out
 * gives temperror, so the mail is stored and answered all the same.
 */
export async function verifySender(
  raw: Buffer,
  client: { ip: string; helo: string | null; mailFrom: string | null },
  verifier: SenderVerifier = {},
): Promise<SenderAuth> {
  const timeoutMs = verifier.timeoutMs ?? defaultVerifyTimeoutMs;
  const options: AuthenticateOptions = {
    ip: client.ip.replace(/^::ffff:/, ''),
    helo: client.helo ?? undefined,
    // An empty MAIL FROM (a bounce) is checked by HELO, as RFC 7208 says.
    sender: client.mailFrom || undefined,
    mta: verifier.mta,
    resolver: verifier.resolver,
    disableBimi: true,
  };
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
    timer.unref();
  });
  try {
    const outcome = await Promise.race([authenticate(raw, options), timedOut]);
    if (outcome === 'timeout') return { ...unverifiedSender(`DNS look-ups took over ${timeoutMs} ms`, 'smtp'), dmarc: 'temperror' };
    const { dkim, spf, dmarc, arc } = outcome;
    const dkimRows = dkim.results ?? [];
    const sealer = arc ? ((arc as { signature?: { signingDomain?: string } }).signature?.signingDomain ?? null) : null;
    const sealedDmarc = arc
      ? (arc as { authenticationResults?: { dmarc?: { result?: string } } }).authenticationResults?.dmarc?.result
      : undefined;
    return {
      source: 'smtp',
      fromDomain: dmarc ? (dmarc.domain ?? null) : fromDomainOf(raw),
      dmarc: dmarc ? asResult(dmarc.status?.result) : 'none',
      policy: dmarc ? asPolicy(dmarc.policy) : null,
      spf: spf ? asResult(spf.status?.result) : 'none',
      dkim: best(dkimRows.map((r) => asResult(r.status?.result))),
      dkimDomains: dkimRows.filter((r) => r.status?.result === 'pass').map((r) => r.signingDomain),
      arc:
        arc && arc.status?.result !== 'none'
          ? { result: asResult(arc.status?.result), sealer, dmarc: sealedDmarc ? asResult(sealedDmarc) : null }
          : null,
    };
  } catch (error) {
    return {
      ...unverifiedSender(`verification failed: ${error instanceof Error ? error.message : String(error)}`, 'smtp'),
      dmarc: 'temperror',
    };
  } finally {
    clearTimeout(timer);
  }
}

// mailauth's own parser of Authentication-Results (and of DKIM-style tag lists): not part of
// its documented API, but it is what mailauth reads ARC-Authentication-Results with, and it
// handles comments, quoting and folding that a hand-written split would get wrong.
type ParsedResults = { value?: string; spf?: ParsedEntry; dmarc?: ParsedEntry; dkim?: ParsedEntry[]; arc?: ParsedEntry };
type ParsedEntry = { value?: string; comment?: string; header?: Record<string, string> };
const parseHeader = createRequire(import.meta.url)('mailauth/lib/parse-dkim-headers') as (line: string) => { parsed: ParsedResults };

/** The header fields of the message's header block, unfolded, in order. */
const headerFields = (raw: Buffer) => parseHeaderFields(rawHeaderBlock(raw, 0, 256 * 1024));

function fromDomainOf(raw: Buffer): string | null {
  const from = headerFields(raw).find((f) => f.name === 'from')?.value ?? '';
  const address = /<([^>]*)>/.exec(from)?.[1] ?? from;
  const at = address.lastIndexOf('@');
  return at >= 0
    ? address
        .slice(at + 1)
        .trim()
        .toLowerCase() || null
    : null;
}

/**
 * The sender as the server that received the message judged it: the topmost
 * Authentication-Results header whose authserv-id is `authservId` (a receiving server adds
 * its own above what the message carried, and RFC 8601 §5 lets only that one be trusted).
 * No trusted id, or no header of it: not verified, said why.
 */
export function readAuthenticationResults(raw: Buffer, authservId: string | null): SenderAuth {
  if (!authservId) return unverifiedSender('no trusted authserv-id is set for this property (imap-authserv-id)');
  const id = authservId.trim().toLowerCase();
  const header = headerFields(raw)
    .filter((f) => f.name === 'authentication-results')
    .map((f) => parseHeader(`Authentication-Results: ${f.value}`).parsed)
    .find((p) => (p.value ?? '').trim().toLowerCase() === id);
  if (!header) return { ...unverifiedSender(`no Authentication-Results from ${authservId}`), fromDomain: fromDomainOf(raw) };
  const policy = /\bp=(none|quarantine|reject)\b/i.exec(header.dmarc?.comment ?? '')?.[1]?.toLowerCase();
  const dkim = header.dkim ?? [];
  return {
    source: 'authentication-results',
    fromDomain: header.dmarc?.header?.from?.toLowerCase() ?? fromDomainOf(raw),
    dmarc: header.dmarc ? asResult(header.dmarc.value) : 'none',
    policy: asPolicy(policy),
    spf: header.spf ? asResult(header.spf.value) : 'none',
    dkim: best(dkim.map((d) => asResult(d.value))),
    dkimDomains: dkim.filter((d) => asResult(d.value) === 'pass' && d.header?.d).map((d) => d.header!.d!.toLowerCase()),
    // The receiving server's ARC verdict; who sealed is not in this header.
    arc: header.arc ? { result: asResult(header.arc.value), sealer: null, dmarc: null } : null,
  };
}
