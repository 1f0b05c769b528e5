// The IMAP poller: one run fetches the mail of one property's mailbox that Switchboard has not
// taken yet, stores each message in Postgres and only then marks it taken on the server.
//
// How a message is "taken" (the choice, and why):
// - keyword mode (preferred, whenever the mailbox's PERMANENTFLAGS has `\*`, i.e. the server
//   keeps custom keywords: dovecot, Gmail, Fastmail, Exchange Online...): the message gets
//   `\Seen` and the keyword `$SwitchboardStored`, and stays where it is. Runs search for
//   messages without the keyword. A person reading the mailbox (and setting `\Seen` before we
//   got there) cannot hide a message from us, and nothing is moved behind their back.
// - move mode (servers without custom keywords): the message is moved to
//   `Switchboard/Processed` (created when missing); everything left in the mailbox is new.
// Either way the mark follows the store, so a crash between the two fetches the message again
// next run and storeInboundEmail's dedupe (Message-ID, else content hash) stores it once.
//
// Follow-up: IDLE. A scheduled poll (every IMAP_POLL_MS, 30 s by default) is what runs now;
// a long-lived IDLE connection per mailbox would cut the latency to seconds but needs its own
// reconnect and leadership logic (one connection per mailbox across worker processes).
import { ImapFlow, type ImapFlowError } from 'imapflow';
import type { Kysely } from 'kysely';
import type { Database } from '../../core/db/schema.ts';
import { ConfigError, NotFoundError, ValidationError } from '../../core/errors.ts';
import type { JobQueue } from '../../core/jobs/job-queue.ts';
import { parseImapUrl, type ImapMailbox } from '../../core/mail/imap-url.ts';
import { readAuthenticationResults } from '../../core/mail/sender-auth.ts';
import { storeInboundEmail } from '../../core/mail/inbound/store/store-inbound-email.ts';
import { findImapSettings } from '../../core/properties/property-store.ts';

/** Keyword of messages Switchboard has stored (keyword mode). */
export const STORED_KEYWORD = '$SwitchboardStored';
/** Keyword of messages left on the server because they exceed the size limit (keyword mode). */
export const TOO_LARGE_KEYWORD = '$SwitchboardTooLarge';
/** Folder stored messages are moved to (move mode). */
export const PROCESSED_FOLDER = ['Switchboard', 'Processed'];
/** Folder messages over the size limit are moved to, unstored (move mode). */
export const TOO_LARGE_FOLDER = ['Switchboard', 'TooLarge'];

/** Limits and choices of one poll; every field has a default. */
export interface ImapPollOptions {
  /** Messages stored per run at most; the rest wait for the next run (default 200). */
  maxMessages?: number;
  /** Larger messages are not fetched: they stay on the server, flagged (default 40 MB, as SMTP). */
  maxMessageBytes?: number;
  /** TCP + TLS + greeting budget (default 15 s). */
  connectionTimeoutMs?: number;
  /** Silence on an open connection after which it is dropped (default 60 s). */
  socketTimeoutMs?: number;
  /** 'auto': keyword mode when the server keeps keywords, else move mode; 'move': always move. */
  mark?: 'auto' | 'move';
}

/** What one poll did. */
export interface ImapPollResult {
  mailbox: string;
  mode: 'keyword' | 'move' | 'skipped';
  /** New messages found on the server this run (before the per-run bound). */
  found: number;
  stored: number;
  duplicates: number;
  tooLarge: number;
  /** New messages left for the next run by the per-run bound. */
  remaining: number;
}

/**
 * Polls the property's IMAP mailbox once: stores every message not taken yet (at most
 * `maxMessages`), marking each one on the server only after it is stored. A property without
 * an imap_url is skipped. Bad credentials, a malformed URL or a missing mailbox are a
 * ConfigError (permanent); connection failures and timeouts are plain errors (the next
 * scheduled run tries again).
 */
export async function pollImapMailbox(
  db: Kysely<Database>,
  jobs: JobQueue,
  propertyId: string,
  options: ImapPollOptions = {},
): Promise<ImapPollResult> {
  const property = await findImapSettings(db, propertyId);
  if (!property) throw new NotFoundError(`no property ${propertyId}`);
  if (!property.imap_url) return { mailbox: '', mode: 'skipped', found: 0, stored: 0, duplicates: 0, tooLarge: 0, remaining: 0 };
  let target: ImapMailbox;
  try {
    target = parseImapUrl(property.imap_url);
  } catch (error) {
    if (error instanceof ValidationError) throw new ConfigError(`property ${property.slug}: ${error.message}`);
    throw error;
  }
  const where = `${target.secure ? 'imaps' : 'imap'}://${target.user}@${target.host}:${target.port}/${target.mailbox}`;
  const client = new ImapFlow({
    host: target.host,
    port: target.port,
    secure: target.secure,
    auth: { user: target.user, pass: target.pass },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: options.connectionTimeoutMs ?? 15_000,
    greetingTimeout: options.connectionTimeoutMs ?? 15_000,
    socketTimeout: options.socketTimeoutMs ?? 60_000,
  });
  // ImapFlow emits 'error' for socket failures; unheard, that event would kill the process.
  // The failing command rejects as well, which is where the error is reported.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    throw describeImapError(error, `property ${property.slug}: IMAP login to ${where}`);
  }
  try {
    return await pollOpenClient(client, db, jobs, propertyId, target.mailbox, property.imap_authserv_id, options);
  } catch (error) {
    throw describeImapError(error, `property ${property.slug}: IMAP poll of ${where}`);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

async function pollOpenClient(
  client: ImapFlow,
  db: Kysely<Database>,
  jobs: JobQueue,
  propertyId: string,
  mailbox: string,
  authservId: string | null,
  options: ImapPollOptions,
): Promise<ImapPollResult> {
  const maxMessages = options.maxMessages ?? 200;
  const maxBytes = options.maxMessageBytes ?? 40 * 1024 * 1024;
  const lock = await client.getMailboxLock(mailbox);
  try {
    const opened = client.mailbox;
    const keywords = options.mark !== 'move' && opened !== false && (opened.permanentFlags?.has('\\*') ?? false);
    const mode = keywords ? 'keyword' : 'move';
    if (mode === 'move') {
      // mailboxCreate reports an existing folder as created: false, no error.
      await client.mailboxCreate(PROCESSED_FOLDER);
      await client.mailboxCreate(TOO_LARGE_FOLDER);
    }
    // Keyword mode: UNDELETED UNKEYWORD $SwitchboardStored NOT KEYWORD $SwitchboardTooLarge.
    // Move mode: everything left in the mailbox is new.
    const query = keywords ? { deleted: false, unKeyword: STORED_KEYWORD, not: { keyword: TOO_LARGE_KEYWORD } } : { deleted: false };
    const found = (await client.search(query, { uid: true })) || [];
    const uids = [...found].sort((a, b) => a - b).slice(0, maxMessages);
    const result: ImapPollResult = {
      mailbox,
      mode,
      found: found.length,
      stored: 0,
      duplicates: 0,
      tooLarge: 0,
      remaining: found.length - uids.length,
    };
    if (uids.length === 0) return result;
    const sizes = new Map<number, number>();
    for await (const m of client.fetch(uids.join(','), { uid: true, size: true }, { uid: true })) sizes.set(m.uid, m.size ?? 0);
    for (const uid of uids) {
      const size = sizes.get(uid);
      if (size === undefined) continue; // expunged since the search
      const range = String(uid);
      if (size > maxBytes) {
        // Not ours to store: leave it for a person, flagged, and out of later runs.
        if (keywords) await client.messageFlagsAdd(range, ['\\Flagged', TOO_LARGE_KEYWORD], { uid: true });
        else await client.messageMove(range, TOO_LARGE_FOLDER, { uid: true });
        result.tooLarge++;
        continue;
      }
      const message = await client.fetchOne(range, { uid: true, source: true }, { uid: true });
      if (!message || !message.source) continue;
      // Store first, mark second: the mark tells the server we have it.
      // The server that took the mail checked its sender: its Authentication-Results, from the
      // authserv-id the property trusts, is stored with it (no id set: not verified).
      const senderAuth = readAuthenticationResults(message.source, authservId);
      const { duplicate } = await storeInboundEmail(db, jobs, message.source, { propertyId, via: 'imap', senderAuth });
      if (duplicate) result.duplicates++;
      else result.stored++;
      if (keywords) await client.messageFlagsAdd(range, ['\\Seen', STORED_KEYWORD], { uid: true });
      else await client.messageMove(range, PROCESSED_FOLDER, { uid: true });
    }
    return result;
  } finally {
    lock.release();
  }
}

/** An IMAP failure as an error that says what failed; permanent (ConfigError) when retrying cannot help. */
function describeImapError(error: unknown, what: string): Error {
  if (!(error instanceof Error)) return new Error(`${what} failed: ${String(error)}`);
  if (error instanceof ConfigError || error instanceof NotFoundError) return error;
  const e = error as ImapFlowError;
  if (e.authenticationFailed) {
    return new ConfigError(
      `${what} refused: bad credentials (${e.serverResponseCode ?? 'AUTHENTICATIONFAILED'}: ${e.responseText ?? e.message}); ` +
        "fix the property's imap-url",
    );
  }
  if (e.mailboxMissing || e.serverResponseCode === 'NONEXISTENT') {
    return new ConfigError(
      `${what} failed: the mailbox does not exist on the server (${e.responseText ?? e.message}); fix the property's imap-url`,
    );
  }
  const detail = [e.code, e.serverResponseCode, e.responseText ?? e.message].filter(Boolean).join(': ');
  return new Error(`${what} failed: ${detail}`, { cause: error });
}
