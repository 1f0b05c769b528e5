import { ValidationError } from '../errors.ts';

/** Where and how to reach a property's IMAP mailbox, from its `imap_url`. */
export interface ImapMailbox {
  host: string;
  port: number;
  /** imaps:// → TLS from the first byte (certificates verified); imap:// → STARTTLS when offered. */
  secure: boolean;
  user: string;
  pass: string;
  /** Mailbox path, e.g. INBOX or Support/Incoming. */
  mailbox: string;
}

/**
 * Parses `imap://user:pass@host[:port][/mailbox]` (or `imaps://`, default ports 143 / 993,
 * default mailbox INBOX). User, password and mailbox are percent-decoded, so a password with
 * `@` or `/` is written `%40` / `%2F`. A malformed URL is a ValidationError that never repeats
 * the password.
 */
export function parseImapUrl(value: string): ImapMailbox {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ValidationError(`"${redactImapUrl(value)}" is not a valid imap-url: use imap://user:password@host:port/INBOX (or imaps://)`);
  }
  if (url.protocol !== 'imap:' && url.protocol !== 'imaps:') {
    throw new ValidationError(`imap-url must start with imap:// or imaps://, got "${url.protocol}"`);
  }
  if (!url.hostname) throw new ValidationError('imap-url has no host');
  if (!url.username || !url.password) throw new ValidationError('imap-url needs a user and a password: imap://user:password@host/INBOX');
  const secure = url.protocol === 'imaps:';
  let mailbox: string;
  try {
    mailbox = decodeURIComponent(url.pathname.replace(/^\/+/, '')) || 'INBOX';
  } catch {
    throw new ValidationError('imap-url has a badly percent-encoded mailbox');
  }
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 993 : 143,
    secure,
    user: decodeURIComponent(url.username),
    pass: decodeURIComponent(url.password),
    mailbox,
  };
}

/** The URL with its password replaced by `***`, for display and error messages. */
export function redactImapUrl(value: string): string {
  // Works on strings URL() rejects too: everything between "user:" and the last "@" of the
  // authority is the password.
  return value.trim().replace(/^([a-z]+:\/\/[^:/@]*):[^/]*@/i, '$1:***@');
}
