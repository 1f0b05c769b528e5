import type { IncomingMessage } from 'node:http';
import { MIMEType } from 'node:util';
import { boundText } from '../../core/text/bounded-text.ts';
import { HttpError } from './http-error.ts';

function unsupported(detail: string): HttpError {
  return new HttpError(415, 'unsupported_media_type', `Content-Type must be application/json (${detail}); nothing was read`);
}

/**
 * Refuses with 415, before the body is read, a request whose Content-Type is not
 * application/json. The media type is compared case-insensitively (node:util's MIMEType, the
 * WHATWG parser); a charset parameter is fine when it says UTF-8, the only encoding JSON has
 * (RFC 8259) and the one the body is decoded with.
 */
export function requireJsonContentType(req: IncomingMessage): void {
  const header = req.headers['content-type']?.trim();
  if (!header) throw unsupported('the request has none');
  const shown = JSON.stringify(boundText(header, 100).text);
  let type: MIMEType;
  try {
    type = new MIMEType(header);
  } catch {
    throw unsupported(`${shown} is not a media type`);
  }
  if (type.essence !== 'application/json') throw unsupported(`got ${shown}`);
  const charset = type.params.get('charset');
  if (charset !== null && !/^utf-?8$/i.test(charset))
    throw unsupported(`JSON is UTF-8; got charset=${JSON.stringify(boundText(charset, 40).text)}`);
}
