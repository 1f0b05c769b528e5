// Text as a raw email holds it: encoded words, quoted-printable, base64, CRLF, HTML.
export function ascii(s: string): string {
  return [...s.replace(/ß/g, 'ss').normalize('NFD')].filter((ch) => ch === '\t' || ch === '\n' || (ch >= ' ' && ch <= '~')).join('');
}

/** A header value with non-ASCII text as one RFC 2047 encoded word (UTF-8, base64). */
export function encodeWord(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

/** A display name and address as a From/To value. */
export function mailbox(name: string, address: string): string {
  return `${/^[\x20-\x7e]*$/.test(name) ? `"${name}"` : encodeWord(name)} <${address}>`;
}

/** UTF-8 text as a latin1 string of its bytes (the corpus is assembled byte-wise). */
export function utf8Bytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** Quoted-printable of the given bytes (a latin1 string), soft line breaks at 76. */
export function quotedPrintable(bytes: string): string {
  const out: string[] = [];
  for (const line of bytes.split('\n')) {
    let encoded = '';
    let width = 0;
    for (let i = 0; i < line.length; i++) {
      const code = line.charCodeAt(i);
      const last = i === line.length - 1;
      const piece =
        code === 61 || code > 126 || (code < 32 && code !== 9) || (last && (code === 32 || code === 9))
          ? `=${code.toString(16).toUpperCase().padStart(2, '0')}`
          : line[i]!;
      if (width + piece.length > 75) {
        encoded += '=\r\n';
        width = 0;
      }
      encoded += piece;
      width += piece.length;
    }
    out.push(encoded);
  }
  return out.join('\r\n');
}

export function base64Lines(data: Buffer): string {
  return data.toString('base64').replace(/.{76}/g, '$&\r\n');
}

export function crlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

export function htmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function toHtml(paras: string[], extra = ''): string {
  return `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><style>p{margin:0 0 1em}</style></head><body><div dir="ltr">${paras
    .map((p) => `<p>${htmlEscape(p)}</p>`)
    .join('\n')}${extra}</div></body></html>`;
}

/** Pseudo-random bytes that look like a compressed file (an attachment's content). */
export function fileBytes(size: number, rnd: () => number, magic: string): Buffer {
  const data = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i += 4) data.writeUInt32LE(Math.floor(rnd() * 4294967296), Math.min(i, size - 4));
  data.write(magic, 0, 'latin1');
  return data;
}
