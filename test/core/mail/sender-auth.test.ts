import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { showItem } from '../../../core/inbox/item-detail.ts';
import { RawMailHandoff } from '../../../core/mail/inbound/store/raw-mail-handoff.ts';
import { readAuthenticationResults, type SenderAuth } from '../../../core/mail/sender-auth.ts';
import { updateProperty } from '../../../core/properties/property-store.ts';
import { startSmtpIngress } from '../../../worker/ingress/smtp-ingress.ts';
import { dkimSigned, forwardedWithArc, TestDns, type SigningKey } from '../../support/mail-auth.ts';
import { silentLogger, startPipeline, type Pipeline } from '../../support/pipeline-harness.ts';
import { startSmtpCapture, type SmtpCapture } from '../../support/smtp-capture.ts';
import { waitFor } from '../../support/wait-for.ts';

// Issue 13, item 4: a From address counts for threading only when the sender is
// authenticated. Real messages, signed with generated DKIM keys, go through the real SMTP
// ingress (which verifies them with mailauth against the test's DNS records, answered by a
// resolver handed in as the composition root hands in the system's) and are filed by the real
// worker. The test's SMTP client connects from 127.0.0.1, the IP the SPF records name.

const dns = new TestDns();
// customer.test: SPF allows 127.0.0.1, DKIM key s1, DMARC p=none (failures are not rejected).
dns.txt('customer.test', 'v=spf1 ip4:127.0.0.1 -all').txt('_dmarc.customer.test', 'v=DMARC1; p=none');
// strict.test publishes p=reject, and its mail comes from elsewhere (SPF fails from 127.0.0.1).
dns.txt('strict.test', 'v=spf1 ip4:192.0.2.10 -all').txt('_dmarc.strict.test', 'v=DMARC1; p=reject');
// mailer.test: a bulk sender signing for its customers with its own domain.
dns.txt('mailer.test', 'v=spf1 ip4:127.0.0.1 -all');
// forwarder.test: a mailing list that seals with ARC and sends from 127.0.0.1.
dns.txt('forwarder.test', 'v=spf1 ip4:127.0.0.1 -all');
// away.test: SPF names another server, so its unsigned mail from here fails SPF.
dns.txt('away.test', 'v=spf1 ip4:192.0.2.99 -all').txt('_dmarc.away.test', 'v=DMARC1; p=quarantine');
let customerKey: SigningKey;
let strictKey: SigningKey;
let mailerKey: SigningKey;
let forwarderKey: SigningKey;

let p: Pipeline;
let capture: SmtpCapture;
let ingress: { port: number; close(): Promise<void> };

beforeAll(async () => {
  customerKey = dns.dkimKey('customer.test');
  strictKey = dns.dkimKey('strict.test');
  mailerKey = dns.dkimKey('mailer.test');
  forwarderKey = dns.dkimKey('forwarder.test', 'arc');
  dns.slow.add('slow.test');
  dns.delayMs = 60_000;
  p = await startPipeline({
    trigger_enabled: false,
    inbound_domain: 'in.shop.example',
    support_address: 'help@shop.example',
    name: 'Shop',
  });
  capture = await startSmtpCapture();
  const rawMailHandoff = new RawMailHandoff();
  await p.startWorker({ smtpUrl: capture.url, rawMailHandoff });
  ingress = await startSmtpIngress({
    db: p.t.db,
    jobs: p.jobs,
    logger: silentLogger,
    host: '127.0.0.1',
    port: 0,
    maxMessageBytes: 200_000,
    rawMailHandoff,
    senderVerifier: { resolver: dns.resolver, timeoutMs: 1_500, mta: 'mx.shop.example' },
  });
}, 60_000);

afterAll(async () => {
  await ingress?.close();
  await capture?.close();
  await p?.close();
});

let sequence = 0;
function message(from: string, subject: string, extra = ''): string {
  const n = ++sequence;
  return `From: ${from}\r\nTo: help@in.shop.example\r\nSubject: ${subject}\r\nMessage-ID: <m${n}.${Date.now()}@sender.test>\r\nDate: Sun, 06 Dec 2026 10:00:00 +0000\r\n${extra}\r\nmessage ${n}: ${subject}\r\n`;
}

/** Sends over SMTP to the ingress and returns the stored row once filed. */
async function deliver(raw: string, mailFrom: string) {
  const info = await nodemailer
    .createTransport({ host: '127.0.0.1', port: ingress.port, secure: false, ignoreTLS: true, name: 'mx.sender.test' })
    .sendMail({ envelope: { from: mailFrom, to: ['help@in.shop.example'] }, raw });
  const id = /stored as (\d+)/.exec(info.response)![1]!;
  return waitFor(async () => {
    const row = await p.t.db
      .selectFrom('inbound_emails as e')
      .leftJoin('tickets as t', 't.id', 'e.ticket_id')
      .select(['e.id', 'e.sender_auth', 'e.sender_verified', 'e.reason', 'e.processed_at', 't.number'])
      .where('e.id', '=', id)
      .executeTakeFirstOrThrow();
    return row.processed_at ? row : undefined;
  }, `inbound email ${id} to be filed`);
}

const auth = (row: { sender_auth: SenderAuth | null }) => row.sender_auth!;
const notesOf = async (ticket: number) =>
  (await showItem(p.t.db, p.property.id, `T${ticket}`)).messages.filter((m) => m.sender === 'system').map((m) => m.body);
const setMode = (mode: 'enforce' | 'flag' | 'off', more: { arc_trusted_sealers?: string[] } = {}) =>
  updateProperty(p.t.db, p.property.id, { sender_auth_mode: mode, ...more });

describe('sender authentication at the SMTP ingress', () => {
  let annTicket: number;
  let bobTicket: number;

  it('aligned pass: a signed reply with the subject tag joins the contact ticket, verified', async () => {
    await setMode('flag');
    const first = await deliver(await dkimSigned(message('Ann <ann@customer.test>', 'my order'), customerKey), 'ann@customer.test');
    expect(auth(first)).toMatchObject({
      source: 'smtp',
      dmarc: 'pass',
      spf: 'pass',
      dkim: 'pass',
      dkimDomains: ['customer.test'],
      fromDomain: 'customer.test',
    });
    expect(first.sender_verified).toBe(true);
    annTicket = first.number!;
    const reply = await deliver(
      await dkimSigned(message('Ann <ann@customer.test>', `Re: my order [#${annTicket}]`), customerKey),
      'ann@customer.test',
    );
    expect(reply.number).toBe(annTicket);
    expect(reply.sender_verified).toBe(true);
    const shown = await showItem(p.t.db, p.property.id, `T${annTicket}`);
    expect(shown.messages.filter((m) => m.sender === 'visitor').map((m) => m.senderVerified)).toEqual([true, true]);
  });

  it('DKIM pass without alignment: DMARC fails; flag files it on the ticket marked "sender not verified"', async () => {
    await setMode('flag');
    const row = await deliver(
      await dkimSigned(message('Ann <ann@customer.test>', `Re: [#${annTicket}] from the newsletter tool`), mailerKey),
      'bounce@mailer.test',
    );
    expect(auth(row)).toMatchObject({ dkim: 'pass', dkimDomains: ['mailer.test'], spf: 'pass', dmarc: 'fail', policy: 'none' });
    expect(row.sender_verified).toBe(false);
    expect(row.number).toBe(annTicket);
    expect(row.reason).toContain('sender not verified');
    const last = (await showItem(p.t.db, p.property.id, `T${annTicket}`)).messages.at(-1)!;
    expect(last).toMatchObject({ sender: 'visitor', senderVerified: false });
  });

  it('SPF fail, unsigned: not verified; enforce files it as the sender’s own ticket with notes on both', async () => {
    await setMode('enforce');
    const first = await deliver(message('Carl <carl@away.test>', 'hello'), 'carl@away.test');
    expect(auth(first)).toMatchObject({ spf: 'fail', dkim: 'none', dmarc: 'fail', policy: 'quarantine' });
    const carlTicket = first.number!;
    const reply = await deliver(message('Carl <carl@away.test>', `Re: hello [#${carlTicket}]`), 'carl@away.test');
    expect(reply.number).not.toBe(carlTicket);
    expect((await notesOf(carlTicket)).join('\n')).toContain(
      `whose sender could not be verified (DMARC fail for away.test), referred to this ticket (by subject-tag); it was filed as its own ticket T${reply.number}.`,
    );
    expect((await notesOf(reply.number!)).join('\n')).toContain(`it referred to T${carlTicket} (by subject-tag)`);
  });

  it('a forged From of the contact: flag threads it only with the mark; enforce opens a new ticket and notes both', async () => {
    await setMode('flag');
    const flagged = await deliver(
      message('Ann <ann@customer.test>', `Re: my order [#${annTicket}] please refund to my new card`),
      'attacker@evil.test',
    );
    expect(auth(flagged).dmarc).toBe('fail');
    expect(flagged.number).toBe(annTicket);
    expect(flagged.sender_verified).toBe(false);

    await setMode('enforce');
    const refused = await deliver(message('Ann <ann@customer.test>', `Re: my order [#${annTicket}] again`), 'attacker@evil.test');
    expect(refused.number).not.toBe(annTicket);
    expect((await notesOf(annTicket)).join('\n')).toContain(
      `An email claiming to be from ann@customer.test, whose sender could not be verified (DMARC fail for customer.test), referred to this ticket (by subject-tag); it was filed as its own ticket T${refused.number}.`,
    );
    // A valid signed reply token is still the strongest signal, even from an unverified sender.
    const [ack] = await p.t.db.selectFrom('outbox_emails').select('reply_to').where('to_address', '=', 'ann@customer.test').execute();
    const token = (ack as { reply_to: string }).reply_to;
    const raw = message('Ann <ann@customer.test>', 'no tag, but the reply address').replace('To: help@in.shop.example', `To: ${token}`);
    const info = await nodemailer
      .createTransport({ host: '127.0.0.1', port: ingress.port, secure: false, ignoreTLS: true })
      .sendMail({ envelope: { from: 'someone@evil.test', to: [token] }, raw });
    const id = /stored as (\d+)/.exec(info.response)![1]!;
    const byToken = await waitFor(
      async () =>
        (
          await p.t.db
            .selectFrom('inbound_emails as e')
            .innerJoin('tickets as t', 't.id', 'e.ticket_id')
            .select('t.number')
            .where('e.id', '=', id)
            .executeTakeFirst()
        )?.number,
      'the token reply',
    );
    expect(byToken).toBe(annTicket);
  });

  it('a p=reject domain: a DMARC failure is never threaded, whatever the mode short of off', async () => {
    await setMode('flag');
    const first = await deliver(await dkimSigned(message('Bob <bob@strict.test>', 'strict question'), strictKey), 'bob@strict.test');
    expect(auth(first)).toMatchObject({ dmarc: 'pass', policy: 'reject', spf: 'fail', dkim: 'pass' });
    bobTicket = first.number!;
    const forged = await deliver(message('Bob <bob@strict.test>', `Re: strict question [#${bobTicket}]`), 'bob@strict.test');
    expect(auth(forged)).toMatchObject({ dmarc: 'fail', policy: 'reject' });
    expect(forged.number).not.toBe(bobTicket);
    expect((await notesOf(bobTicket)).join('\n')).toContain('DMARC failed for strict.test, which publishes p=reject');
  });

  it('through a forwarder with ARC: unverified unless the sealer is trusted, then verified', async () => {
    await setMode('enforce');
    const original = await dkimSigned(message('Ann <ann@customer.test>', `Re: my order [#${annTicket}] via the list`), customerKey);
    const forwarded = await forwardedWithArc(
      original,
      { ip: '127.0.0.1', mailFrom: 'ann@customer.test', helo: 'mx.customer.test' },
      forwarderKey,
      dns.resolver,
    );
    const untrusted = await deliver(forwarded, 'list-bounces@forwarder.test');
    // The footer broke Ann's signature (a body hash mismatch, which mailauth reports as
    // neutral); SPF passes for the forwarder, not aligned: DMARC fails.
    expect(auth(untrusted)).toMatchObject({
      dmarc: 'fail',
      dkim: 'neutral',
      arc: { result: 'pass', sealer: 'forwarder.test', dmarc: 'pass' },
    });
    expect(untrusted.number).not.toBe(annTicket);

    await setMode('enforce', { arc_trusted_sealers: ['forwarder.test'] });
    const again = await forwardedWithArc(
      await dkimSigned(message('Ann <ann@customer.test>', `Re: my order [#${annTicket}] via the list, again`), customerKey),
      { ip: '127.0.0.1', mailFrom: 'ann@customer.test', helo: 'mx.customer.test' },
      forwarderKey,
      dns.resolver,
    );
    const trusted = await deliver(again, 'list-bounces@forwarder.test');
    expect(trusted.sender_verified).toBe(true);
    expect(trusted.number).toBe(annTicket);
  });

  it('off: threading ignores authentication, and no message is marked', async () => {
    await setMode('off');
    const row = await deliver(message('Ann <ann@customer.test>', `Re: [#${annTicket}] unchecked`), 'attacker@evil.test');
    expect(row.number).toBe(annTicket);
    expect(row.sender_verified).toBeNull();
    expect(auth(row).dmarc).toBe('fail');
  });

  it('a DNS server that does not answer costs the budget, not the mail: temperror, stored and filed', async () => {
    await setMode('flag');
    const started = Date.now();
    const row = await deliver(message('Dee <dee@slow.test>', 'are you there?'), 'dee@slow.test');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(auth(row)).toMatchObject({ dmarc: 'temperror' });
    expect(row.sender_verified).toBe(false);
    expect(row.number).not.toBeNull();
  });
});

describe('Authentication-Results of IMAP mail and replays', () => {
  const raw = (headers: string) => Buffer.from(`${headers}From: Ann <ann@customer.test>\r\nSubject: hi\r\n\r\nbody\r\n`);

  it('trusts only the topmost header of the authserv-id the property names', () => {
    const forgedBelow = 'Authentication-Results: mx.example.com; dmarc=pass (p=REJECT) header.from=customer.test\r\n';
    const server =
      'Authentication-Results: mx.example.com;\r\n spf=fail smtp.mailfrom=ann@customer.test;\r\n dkim=none;\r\n dmarc=fail (p=REJECT sp=REJECT) header.from=customer.test\r\n';
    const other = 'Authentication-Results: evil.example; dmarc=pass header.from=customer.test\r\n';
    expect(readAuthenticationResults(raw(server + forgedBelow + other), 'mx.example.com')).toMatchObject({
      source: 'authentication-results',
      dmarc: 'fail',
      policy: 'reject',
      spf: 'fail',
      dkim: 'none',
      fromDomain: 'customer.test',
    });
    expect(readAuthenticationResults(raw(other), 'mx.example.com')).toMatchObject({ source: 'none', dmarc: 'unknown' });
    expect(readAuthenticationResults(raw(other), null)).toMatchObject({
      source: 'none',
      dmarc: 'unknown',
      note: expect.stringContaining('imap-authserv-id'),
    });
    const pass =
      'Authentication-Results: MX.Example.com; dkim=pass header.d=customer.test header.s=s1; dmarc=pass header.from=customer.test\r\n';
    expect(readAuthenticationResults(raw(pass), 'mx.example.com')).toMatchObject({
      dmarc: 'pass',
      dkim: 'pass',
      dkimDomains: ['customer.test'],
    });
  });
});
