import { createHmac, timingSafeEqual } from 'node:crypto';
import { SwitchboardError } from '../errors.ts';

// Signed requests between the chat side and Switchboard, both ways:
//   X-Switchboard-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">
// The timestamp bounds replays to a window; comparison is constant-time.

/** A signature that does not verify: missing, malformed, stale or wrong. */
export class SignatureError extends SwitchboardError {
  constructor(message: string) {
    super('bad_signature', message);
  }
}

export const signatureToleranceSeconds = 300;

/** The header value that signs `body` with `secret` at `now`. */
export function signBody(secret: string, body: string | Buffer, now = new Date()): string {
  const t = Math.floor(now.getTime() / 1000);
  return `t=${t},v1=${hmac(secret, t, body)}`;
}

function hmac(secret: string, t: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
}

/** Checks a signature header against the raw body; throws SignatureError saying why not. */
export function verifySignature(header: string | undefined, body: Buffer, secret: string, now = new Date()): void {
  if (!header) throw new SignatureError('missing X-Switchboard-Signature header');
  const parts = new Map<string, string[]>();
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) parts.set(part.slice(0, eq).trim(), [...(parts.get(part.slice(0, eq).trim()) ?? []), part.slice(eq + 1).trim()]);
  }
  const t = Number(parts.get('t')?.[0]);
  const candidates = parts.get('v1') ?? [];
  if (!Number.isInteger(t) || candidates.length === 0)
    throw new SignatureError('malformed X-Switchboard-Signature header: expected t=<unix seconds>,v1=<hex>');
  if (Math.abs(now.getTime() / 1000 - t) > signatureToleranceSeconds) {
    throw new SignatureError(
      `signature timestamp is outside the ${signatureToleranceSeconds / 60}-minute window (check the sender's clock)`,
    );
  }
  const expected = Buffer.from(hmac(secret, t, body), 'hex');
  // Several v1 values are allowed so a sender can sign with old and new secret while rotating.
  const ok = candidates.some((c) => /^[0-9a-f]{64}$/i.test(c) && timingSafeEqual(Buffer.from(c, 'hex'), expected));
  if (!ok) throw new SignatureError('signature does not match the body');
}

/** Checks a hex HMAC-SHA1 of the raw body (the live-chat service's X-Tawk-Signature). */
export function verifyTawkSignature(header: string | undefined, body: Buffer, secret: string): void {
  if (!header) throw new SignatureError('missing X-Tawk-Signature header');
  const expected = createHmac('sha1', secret).update(body).digest();
  if (!/^[0-9a-f]{40}$/i.test(header.trim()) || !timingSafeEqual(Buffer.from(header.trim(), 'hex'), expected)) {
    throw new SignatureError('X-Tawk-Signature does not match the body');
  }
}
