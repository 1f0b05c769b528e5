import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.ts';

/** The 413 answer for a body over `limit` bytes. */
function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'payload_too_large', `request body is larger than the limit of ${limit} bytes`);
}

/** Throws the 413 when the request's declared Content-Length is over `limit` (nothing read). */
export function refuseDeclaredOversize(req: IncomingMessage, limit: number): void {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
}

/**
 * Reads a request's raw body (signatures are over the exact bytes) up to `limit` bytes. A
 * declared Content-Length over the limit is refused before reading anything; a body that
 * grows over it while streaming is refused at the chunk that crosses it. Either way the rest
 * is never buffered: the stream keeps flowing with no listener, so Node discards it while
 * the caller answers 413 (with `Connection: close`, see http-ingress.ts).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  try {
    refuseDeclaredOversize(req, limit);
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        // Keep the stream flowing (data is dropped) so the client can finish sending and
        // read the 413, instead of stalling on a full TCP window.
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      cleanup();
      reject(new HttpError(400, 'aborted', 'the client closed the connection before the body was complete'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
