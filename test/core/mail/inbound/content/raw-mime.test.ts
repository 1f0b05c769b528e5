import { describe, expect, it } from 'vitest';
import { firstFieldValue, headerValue, parseHeaderFields } from '../../../../../core/mail/inbound/content/raw-mime.ts';

describe('firstFieldValue', () => {
  // It must read a field exactly as headerValue(parseHeaderFields(head), name) does.
  const heads = [
    'Message-ID: <a@example.com>\r\nSubject: hi',
    'Subject: hi\nmessage-id:\n  <folded@example.com>\n\t(comment)\nFrom: x',
    'MESSAGE-ID : <spaced@example.com> \r\nMessage-ID: <second@example.com>',
    ' <continuation before any field@example.com>\r\nMessage-ID: <a@b>',
    'Message-ID: <a@b>\r\nnot a field line\r\n  <still ours@b>\r\nX: y',
    'From: a\rb\r\nMessage-ID:\r\n\r\n <after blank@b>',
    'Message-ID: <ends with cr@b>\r',
    'Subject: no id here',
    '',
  ];
  it.each(heads)('reads %j as parseHeaderFields does', (head) => {
    for (const name of ['message-id', 'subject', 'from', 'x'])
      expect(firstFieldValue(head, name)).toBe(headerValue(parseHeaderFields(head), name));
  });

  it('unfolds a folded value and takes the first of repeated fields', () => {
    expect(firstFieldValue('Message-ID:\r\n <folded@example.com>\r\nMessage-ID: <b@c>', 'message-id')).toBe('<folded@example.com>');
  });
});
