// Real sender authentication for tests without the internet: generated DKIM keys, a DNS
// "zone" the test writes (TXT records for SPF, DKIM and DMARC), a resolver that answers from
// it as node:dns would (ENOTFOUND / ENODATA for what it lacks), and messages signed with
// mailauth and forwarded with an ARC seal as a mailing list or forwarder does.
import { generateKeyPairSync } from 'node:crypto';
import { authenticate, dkimSign, sealMessage, type DKIMSignOptions, type DNSResolver } from 'mailauth';
import type { SenderVerifier } from '../../core/mail/sender-auth.ts';

export interface SigningKey {
  domain: string;
  selector: string;
  privateKey: string;
}

/** A DNS zone the test fills; `resolver` answers from it, after `delayMs` for names in `slow`. */
export class TestDns {
  private readonly records = new Map<string, string[][]>();
  readonly slow = new Set<string>();
  delayMs = 0;

  txt(name: string, value: string): this {
    this.records.set(`TXT ${name.toLowerCase()}`, [[value]]);
    return this;
  }

  /** A 2048-bit RSA key published at selector._domainkey.domain. */
  dkimKey(domain: string, selector = 's1'): SigningKey {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.txt(
      `${selector}._domainkey.${domain}`,
      `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`,
    );
    return { domain, selector, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
  }

  readonly resolver: DNSResolver = async (domain, rrtype) => {
    const name = domain.toLowerCase();
    if ([...this.slow].some((s) => name === s || name.endsWith(`.${s}`))) await new Promise((r) => setTimeout(r, this.delayMs));
    const found = this.records.get(`${rrtype} ${name}`);
    if (found) return found;
    const known = [...this.records.keys()].some((k) => k.endsWith(` ${name}`));
    throw Object.assign(new Error(`${known ? 'ENODATA' : 'ENOTFOUND'} ${name}`), { code: known ? 'ENODATA' : 'ENOTFOUND' });
  };
}

/** The message with a DKIM-Signature of `key` prepended. */
export async function dkimSigned(raw: string, key: SigningKey): Promise<string> {
  // mailauth signs with signatureData's keys (its typings also list them at the top level, which it ignores).
  const options = {
    signatureData: [{ signingDomain: key.domain, selector: key.selector, privateKey: key.privateKey }],
  } as unknown as DKIMSignOptions;
  const { signatures, errors } = await dkimSign(Buffer.from(raw), options);
  if (errors.length) throw new Error(`cannot sign: ${JSON.stringify(errors)}`);
  return signatures.replace(/(\r\n)+$/, '\r\n') + raw;
}

/**
 * What a forwarder (a mailing list) sends on: it received `raw` from `from` (the IP and MAIL
 * FROM the original sender used), recorded its authentication results, appended a footer to
 * the body (which breaks the original DKIM signature) and sealed the result with ARC.
 */
export async function forwardedWithArc(
  raw: string,
  from: { ip: string; mailFrom: string; helo: string },
  sealer: SigningKey,
  resolver: DNSResolver,
): Promise<string> {
  const checked = await authenticate(Buffer.from(raw), {
    ...from,
    sender: from.mailFrom,
    mta: `mx.${sealer.domain}`,
    resolver,
    disableBimi: true,
  });
  const authResults = checked.arc ? checked.arc.authResults : undefined;
  if (!authResults) throw new Error('the forwarder could not record its authentication results');
  const modified = `${raw.replace(/(\r\n)*$/, '')}\r\n-- \r\nSent through the list at ${sealer.domain}\r\n`;
  const seal = await sealMessage(Buffer.from(modified), {
    signingDomain: sealer.domain,
    selector: sealer.selector,
    privateKey: sealer.privateKey,
    authResults,
    cv: 'none',
  } as never);
  return seal.toString() + modified;
}

/** For SMTP ingress tests that do not check senders: a DNS with no records (every sender unverified), never the network. */
export const noDnsVerifier: SenderVerifier = {
  resolver: async (domain) => {
    throw Object.assign(new Error(`ENOTFOUND ${domain}`), { code: 'ENOTFOUND' });
  },
};
