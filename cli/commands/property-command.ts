import type { Command } from 'commander';
import type { Property } from '../../core/db/schema.ts';
import { redactImapUrl } from '../../core/mail/imap-url.ts';
import { describeBusinessHours } from '../../core/hours/business-hours-text.ts';
import { hoursSettings, parsePropertyChange, parsePropertySettings, propertySettings } from '../../core/properties/property-settings.ts';
import { changeBusinessHours } from '../../core/responses/response-settings.ts';
import { createProperty, findProperty, listProperties, updateProperty } from '../../core/properties/property-store.ts';
import { action } from '../action.ts';
import { formatTable } from '../format-table.ts';

/** A property as printed in JSON: the mailbox password never leaves the database. */
function shown(p: Property): Property {
  return { ...p, imap_url: p.imap_url ? redactImapUrl(p.imap_url) : null };
}

/** What the SMTP ingress takes for this property, and how mail to its support address gets there. */
function inboundMail(p: Property): { accepts: string; supportMail: string } {
  if (!p.inbound_domain)
    return {
      accepts: '(nothing: set inbound-domain)',
      supportMail: p.imap_url ? 'polled over IMAP (imap-url)' : '(set inbound-domain, or imap-url)',
    };
  const accepts = `any address @${p.inbound_domain} (refuses others with 550)`;
  const supportDomain = p.support_address?.split('@')[1]?.toLowerCase();
  if (!p.support_address) return { accepts, supportMail: '(no support-address)' };
  if (supportDomain === p.inbound_domain)
    return { accepts, supportMail: 'delivered to the ingress directly (its domain is the inbound domain)' };
  const via = [
    `forward ${p.support_address} to an address @${p.inbound_domain}`,
    p.imap_url ? 'polled over IMAP (imap-url)' : 'or poll it with imap-url',
  ];
  return { accepts, supportMail: via.join(', ') };
}

function describe(p: Property): string {
  const mail = inboundMail(p);
  return [
    ['id', p.id],
    ['slug', p.slug],
    ['name', p.name],
    ['support-address', p.support_address ?? '(unset)'],
    ['inbound-domain', p.inbound_domain ?? '(unset)'],
    ['smtp-ingress-takes', mail.accepts],
    ['support-mail', mail.supportMail],
    ['trigger-enabled', String(p.trigger_enabled)],
    ['trigger-delay', `${p.trigger_delay_seconds} s`],
    ['trigger-message', p.trigger_message],
    ['trigger-sender', p.trigger_sender_name],
    ['inactivity-timeout', `${p.inactivity_timeout_seconds} s`],
    ['auto-convert', String(p.auto_convert)],
    ['callback-url', p.callback_url ?? '(unset)'],
    ['tawk-webhook-secret', p.tawk_webhook_secret ? '(set)' : '(unset)'],
    ['imap-url', p.imap_url ? redactImapUrl(p.imap_url) : '(unset)'],
    ['sender-auth', p.sender_auth_mode],
    ['imap-authserv-id', p.imap_authserv_id ?? '(unset: IMAP senders are not verified)'],
    ['arc-trusted-sealers', p.arc_trusted_sealers.length ? p.arc_trusted_sealers.join(', ') : '(none)'],
    ['business-hours', describeBusinessHours(p.business_hours).join('\n'.padEnd(23))],
    ['trash-retention-days', String(p.trash_retention_days)],
    ['signing-secret', p.signing_secret],
  ]
    .map(([k, v]) => `${k!.padEnd(21)} ${v}`)
    .join('\n');
}

/** `switchboard property create|list|show|set`. */
export function registerProperty(program: Command): void {
  const settings = [
    ...Object.entries(propertySettings),
    ...Object.entries(hoursSettings),
    ['business-hours', { describe: 'off: no business hours (targets count around the clock)' }] as const,
  ];
  const settingsHelp = settings.map(([k, s]) => `\n  ${k.padEnd(21)} ${s.describe}`).join('');
  const property = program.command('property').description('the websites whose chats and tickets Switchboard keeps');
  property
    .command('create')
    .argument('<slug>', 'short unique name, e.g. acme-store')
    .option('--name <name>', 'display name')
    .option('--support-address <email>', 'address replies are sent from')
    .option('--inbound-domain <domain>', 'domain whose mail comes to this property')
    .description('create a property (a signing secret is generated)')
    .action(
      action(async (ctx, slug: string, opts: { name?: string; supportAddress?: string; inboundDomain?: string }) => {
        // The addresses are checked and normalised as `property set` does (a domain in capitals would never match a recipient).
        const given = Object.entries({
          name: opts.name,
          'support-address': opts.supportAddress,
          'inbound-domain': opts.inboundDomain,
        }).filter(([, v]) => v !== undefined);
        const checked = given.length ? parsePropertySettings(given.map(([k, v]) => `${k}=${v}`)) : {};
        const created = await createProperty(await ctx.db(), {
          slug,
          name: checked.name,
          supportAddress: checked.support_address,
          inboundDomain: checked.inbound_domain,
        });
        ctx.print(shown(created), () => describe(created));
      }),
    );
  property
    .command('list')
    .description('list the properties')
    .action(
      action(async (ctx) => {
        const all = await listProperties(await ctx.db());
        ctx.print(all.map(shown), () =>
          all.length
            ? formatTable(
                ['ID', 'SLUG', 'NAME', 'SUPPORT ADDRESS', 'INBOUND DOMAIN'],
                all.map((p) => [p.id, p.slug, p.name, p.support_address ?? '', p.inbound_domain ?? '']),
              )
            : 'no properties yet',
        );
      }),
    );
  property
    .command('show')
    .argument('[property]', 'slug or id (default: the current property)')
    .description("show a property's settings")
    .action(
      action(async (ctx, ref?: string) => {
        const found = ref ? await findProperty(await ctx.db(), ref) : await ctx.property();
        ctx.print(shown(found), () => describe(found));
      }),
    );
  property
    .command('set')
    .argument('<property>', 'slug or id')
    .argument('<settings...>', 'key=value pairs')
    .description(`change settings: ${settingsHelp}`)
    .action(
      action(async (ctx, ref: string, pairs: string[]) => {
        const db = await ctx.db();
        const target = await findProperty(db, ref);
        const change = parsePropertyChange(pairs);
        let updated = Object.keys(change.update).length ? await updateProperty(db, target.id, change.update) : target;
        let recomputed: number | null = null;
        if (change.hours) ({ property: updated, recomputed } = await changeBusinessHours(db, target.id, change.hours));
        ctx.print(shown(updated), () =>
          [describe(updated), ...(recomputed === null ? [] : [`(${recomputed} open items recomputed)`])].join('\n'),
        );
      }),
    );
}
