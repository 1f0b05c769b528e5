import { describe, expect, it } from 'vitest';
import { contentHash } from '../../../../../core/mail/inbound/content/content-hash.ts';
import { emlFixture } from './eml-fixture.ts';

const lf = (raw: Buffer) => Buffer.from(raw.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');

describe('contentHash', () => {
  it('ignores trace fields, including folded ones, an mbox envelope line and line endings', () => {
    const raw = emlFixture('gmail-reply-with-quote.eml');
    const stripped = Buffer.from(
      raw.toString('latin1').replace(/^(Received|X-Received|Delivered-To|Return-Path):.*\r\n([ \t].*\r\n)*/gim, ''),
      'latin1',
    );
    const mbox = Buffer.concat([Buffer.from('From anna.rossi@gmail.com Tue Mar  3 09:12:44 2026\n'), lf(raw)]);
    expect(contentHash(stripped)).toBe(contentHash(raw));
    expect(contentHash(mbox)).toBe(contentHash(raw));
  });

  it('keeps the fields the sender wrote: a different DKIM signature is a different message', () => {
    const raw = emlFixture('gmail-reply-with-quote.eml');
    const resigned = Buffer.from(raw.toString('latin1').replace('bh=Yp8cM6', 'bh=Zp8cM6'), 'latin1');
    expect(contentHash(resigned)).not.toBe(contentHash(raw));
  });

  it('normalises a CRLF that straddles two hashing slices of a large body', () => {
    const head = 'Subject: big\r\n\r\n';
    const body = `${'a'.repeat(1024 * 1024 - 1)}\r\n${'b'.repeat(3 * 1024 * 1024)}\r\nend\r\n`;
    const raw = Buffer.from(head + body, 'latin1');
    expect(contentHash(raw)).toBe(contentHash(lf(raw)));
  });

  it('hashes a message that is all header block', () => {
    expect(contentHash(Buffer.from('Subject: x\r\n'))).toBe(contentHash(Buffer.from('Subject: x\n')));
  });
});
