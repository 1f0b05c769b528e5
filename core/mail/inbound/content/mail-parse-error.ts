import { SwitchboardError } from '../../../errors.ts';

/**
 * Raw bytes that are not an email at all: empty input, binary garbage without a header block,
 * or input the MIME parser gives up on. The caller quarantines the raw message with this
 * message as its reason; retrying cannot help, the bytes will not change.
 */
export class MailParseError extends SwitchboardError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('unparseable', message);
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}
