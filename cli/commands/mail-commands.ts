import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.ts';
import { listQuarantine, reprocessInboundEmail } from '../../core/mail/inbound/quarantine.ts';
import { readAuthenticationResults } from '../../core/mail/sender-auth.ts';
import { storeInboundEmail } from '../../core/mail/inbound/store/store-inbound-email.ts';
import { replyToTicket } from '../../core/tickets/reply-to-ticket.ts';
import { action } from '../action.ts';
import { formatTable, shortTime } from '../format-table.ts';
import { readInput } from '../read-input.ts';

/** `switchboard ticket reply` and `switchboard mail ingest|reprocess|quarantine`. */
export function registerMail(program: Command): void {
  const ticket = program.command('ticket').description('tickets answered by email');
  ticket
    .command('reply')
    .argument('<id>', 'T<n>')
    .option('--body <text>', 'the reply')
    .option('--file <file>', 'read the reply from a file (- for stdin)')
    .option('--agent <agent>', 'who answers (email, name or id)')
    .description('answer a ticket by email: the message and its outgoing email are stored together, then sent')
    .action(
      action(async (ctx, ref: string, opts: { body?: string; file?: string; agent?: string }) => {
        if ((opts.body === undefined) === (opts.file === undefined))
          throw new ValidationError('give exactly one of --body TEXT or --file FILE');
        const body = opts.body ?? (await readInput(opts.file)).toString('utf8');
        const property = await ctx.property();
        const { outbox } = await replyToTicket(await ctx.db(), await ctx.jobs(), property.id, ref, { body, agent: opts.agent });
        ctx.print(outbox, () => `reply to ${ref} queued for ${outbox.to_address} (${outbox.message_id})`);
      }),
    );

  const mail = program.command('mail').description('inbound email: replays and quarantine');
  mail
    .command('ingest')
    .argument('[file]', 'an .eml file (default or -: stdin)')
    .description(
      'store a raw email as if it had arrived, and process it ' +
        "(its sender counts as verified only by the Authentication-Results of the property's imap-authserv-id)",
    )
    .action(
      action(async (ctx, file?: string) => {
        const raw = await readInput(file);
        if (raw.length === 0) throw new ValidationError('the message is empty');
        const property = await ctx.property();
        // A replayed file has no client IP to check SPF against: like IMAP mail, its sender is
        // judged by the receiving server's Authentication-Results, if the property trusts one.
        const senderAuth = readAuthenticationResults(raw, property.imap_authserv_id);
        const stored = await storeInboundEmail(await ctx.db(), await ctx.jobs(), raw, { propertyId: property.id, via: 'cli', senderAuth });
        ctx.print(stored, () =>
          stored.duplicate
            ? `already stored as inbound email ${stored.id}: not filed again`
            : `stored as inbound email ${stored.id}; the workers file it`,
        );
      }),
    );
  mail
    .command('reprocess')
    .argument('<id>', 'inbound email id (from mail quarantine)')
    .description('process a quarantined email again')
    .action(
      action(async (ctx, id: string) => {
        const property = await ctx.property();
        await reprocessInboundEmail(await ctx.db(), await ctx.jobs(), property.id, id);
        ctx.print({ reprocessing: id }, () => `inbound email ${id} queued for processing again`);
      }),
    );
  mail
    .command('quarantine')
    .description('mail that could not be parsed, routed or stored within limits, with the reason')
    .action(
      action(async (ctx) => {
        const property = await ctx.property();
        const rows = await listQuarantine(await ctx.db(), property.id);
        ctx.print(rows, () =>
          rows.length
            ? formatTable(
                ['ID', 'RECEIVED', 'VIA', 'FROM', 'BYTES', 'SUBJECT', 'REASON'],
                rows.map((r) => [r.id, shortTime(r.receivedAt), r.via, r.from ?? '-', String(r.size), r.subject ?? '', r.reason ?? '']),
              )
            : 'the quarantine is empty',
        );
      }),
    );
}
