import type { PropertyUpdate } from '../db/schema.ts';
import { ValidationError } from '../errors.ts';
import { type BusinessHours } from '../hours/business-hours.ts';
import { parseHolidayText, parseScheduleText } from '../hours/business-hours-text.ts';
import { parseImapUrl } from '../mail/imap-url.ts';
import { newSigningSecret } from './property-store.ts';

/** One settable property field: its name on the command line and how a string becomes a column value. */
interface Setting {
  describe: string;
  /** `name` is the setting's name as the user typed it, for error messages. */
  apply(value: string, update: PropertyUpdate, name: string): void;
}

const text = (column: 'name' | 'trigger_message' | 'trigger_sender_name') => (value: string, update: PropertyUpdate, name: string) => {
  if (!value.trim()) throw new ValidationError(`${name} must not be empty`);
  update[column] = value;
};

const nullableText =
  (column: 'support_address' | 'inbound_domain' | 'callback_url' | 'tawk_webhook_secret', pattern: RegExp) =>
  (value: string, update: PropertyUpdate, name: string) => {
    const v = column === 'support_address' || column === 'inbound_domain' ? value.trim().toLowerCase() : value.trim();
    if (v && !pattern.test(v)) throw new ValidationError(`"${value}" is not a valid ${name}`);
    update[column] = v || null;
  };

const integer =
  (column: 'trigger_delay_seconds' | 'trash_retention_days' | 'inactivity_timeout_seconds', min: number, max: number) =>
  (value: string, update: PropertyUpdate, name: string) => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new ValidationError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
    }
    update[column] = Number(value);
  };

const boolean = (column: 'trigger_enabled' | 'auto_convert') => (value: string, update: PropertyUpdate, name: string) => {
  if (!/^(true|false|on|off|yes|no)$/i.test(value)) throw new ValidationError(`${name} must be true or false, got "${value}"`);
  update[column] = /^(true|on|yes)$/i.test(value);
};

/** The settings `switchboard property set` accepts, by name. */
export const propertySettings: Record<string, Setting> = {
  name: { describe: 'display name', apply: text('name') },
  'support-address': {
    describe: 'address replies are sent from (empty to unset)',
    apply: nullableText('support_address', /^[^\s@]+@[^\s@]+\.[^\s@]+$/),
  },
  'inbound-domain': {
    describe: 'domain whose mail comes to this property (empty to unset)',
    apply: nullableText('inbound_domain', /^[a-z0-9-]+(\.[a-z0-9-]+)+$/),
  },
  'trigger-enabled': { describe: 'chat-recovery trigger on or off (true/false)', apply: boolean('trigger_enabled') },
  'trigger-delay': {
    describe: 'seconds without an agent answer before the trigger fires',
    apply: integer('trigger_delay_seconds', 0, 86400),
  },
  'trigger-message': { describe: 'text the trigger posts to the visitor', apply: text('trigger_message') },
  'trigger-sender': { describe: 'sender name shown on the trigger message', apply: text('trigger_sender_name') },
  'inactivity-timeout': { describe: 'seconds of silence after which a chat ends', apply: integer('inactivity_timeout_seconds', 10, 86400) },
  'auto-convert': {
    describe: 'missed chats and offline messages with an email become tickets (true/false)',
    apply: boolean('auto_convert'),
  },
  'callback-url': {
    describe: 'URL the trigger messages are POSTed to, signed (empty to unset)',
    apply: nullableText('callback_url', /^https?:\/\/\S+$/),
  },
  'tawk-webhook-secret': {
    describe: "secret of the live-chat service's webhooks (empty to turn them off)",
    apply: nullableText('tawk_webhook_secret', /^\S{8,}$/),
  },
  'imap-url': {
    describe: 'mailbox polled for inbound mail, imap[s]://user:password@host:port/INBOX (empty to unset)',
    apply(value, update) {
      const v = value.trim();
      if (v) parseImapUrl(v);
      update.imap_url = v || null;
    },
  },
  'sender-auth': {
    describe:
      'what mail from an unauthenticated sender (no DMARC pass) may do: enforce (its own ticket), ' +
      'flag (threaded, marked "sender not verified"), off',
    apply(value, update) {
      const v = value.trim().toLowerCase();
      if (v !== 'enforce' && v !== 'flag' && v !== 'off')
        throw new ValidationError(`sender-auth must be enforce, flag or off, got "${value}"`);
      update.sender_auth_mode = v;
    },
  },
  'imap-authserv-id': {
    describe: "authserv-id of the IMAP server's Authentication-Results header to trust, e.g. mx.example.com (empty to unset)",
    apply: (value, update) => {
      const v = value.trim().toLowerCase();
      if (v && !/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(v))
        throw new ValidationError(`"${value}" is not a valid imap-authserv-id (a host name)`);
      update.imap_authserv_id = v || null;
    },
  },
  'arc-trusted-sealers': {
    describe: 'comma-separated domains of forwarders whose ARC seal vouches for a DMARC pass before forwarding (empty to unset)',
    apply(value, update) {
      const domains = value
        .split(',')
        .map((d) => d.trim().toLowerCase())
        .filter(Boolean);
      const bad = domains.find((d) => !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(d));
      if (bad !== undefined) throw new ValidationError(`"${bad}" is not a valid domain for arc-trusted-sealers`);
      update.arc_trusted_sealers = [...new Set(domains)];
    },
  },
  'trash-retention-days': { describe: 'days an item stays in the trash before the purge', apply: integer('trash_retention_days', 1, 3650) },
  'signing-secret': {
    describe: '"rotate" to generate a new secret',
    apply(value, update) {
      if (value !== 'rotate') throw new ValidationError('signing-secret accepts only "rotate"');
      update.signing_secret = newSigningSecret();
    },
  },
};

/**
 * A change of business hours given with `property set`: each part replaces the same part of
 * the hours set (the others are kept), or `off` clears them. Applied by changeBusinessHours
 * (core/responses/response-settings.ts), which recomputes the open items' due times.
 */
export type HoursChange =
  { off: true } | { off?: false; zone?: string; week?: BusinessHours['week']; holidays?: BusinessHours['holidays'] };

/** The business-hours settings: parts of one jsonb value, so they are merged rather than set. */
export const hoursSettings: Record<
  string,
  {
    describe: string;
    apply(value: string, change: { off?: false; zone?: string; week?: BusinessHours['week']; holidays?: BusinessHours['holidays'] }): void;
  }
> = {
  'hours-zone': {
    describe: 'IANA time zone of the business hours, e.g. Europe/Rome',
    apply: (value, change) => void (change.zone = value.trim()),
  },
  'hours-week': {
    describe: 'weekly business hours, e.g. "mon-fri 09:00-13:00,14:00-18:00; sat 10:00-14:00" (22:00-06:00 runs overnight)',
    apply: (value, change) => void (change.week = parseScheduleText(value)),
  },
  'hours-holidays': {
    describe: 'closed dates, comma-separated: 2026-12-25, or 12-25 every year (empty: none)',
    apply: (value, change) =>
      void (change.holidays = value
        .split(',')
        .map((h) => h.trim())
        .filter(Boolean)
        .map(parseHolidayText)),
  },
};

/** Every key `property set` accepts. */
const knownKeys = () => [...Object.keys(propertySettings), ...Object.keys(hoursSettings), 'business-hours'].join(', ');

/**
 * Turns `key=value` pairs into a property update and a change of business hours (null: none); an unknown key or bad value is a
 * ValidationError.
 */
export function parsePropertyChange(pairs: string[]): { update: PropertyUpdate; hours: HoursChange | null } {
  const update: PropertyUpdate = {};
  if (pairs.length === 0) throw new ValidationError(`nothing to set; settings: ${knownKeys()}`);
  const parts: { off?: false; zone?: string; week?: BusinessHours['week']; holidays?: BusinessHours['holidays'] } = {};
  let off = false;
  let hoursGiven = false;
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    const setting = propertySettings[key];
    const hoursSetting = hoursSettings[key];
    if (eq >= 0 && key === 'business-hours') {
      if (value.trim().toLowerCase() !== 'off')
        throw new ValidationError('business-hours accepts only "off" (always open); set hours-zone, hours-week and hours-holidays instead');
      off = hoursGiven = true;
    } else if (eq >= 0 && hoursSetting) {
      hoursSetting.apply(value, parts);
      hoursGiven = true;
    } else if (eq >= 0 && setting) {
      setting.apply(value, update, key);
    } else {
      throw new ValidationError(`"${pair}" is not key=value with a known key; settings: ${knownKeys()}`);
    }
  }
  if (off && Object.keys(parts).length)
    throw new ValidationError('business-hours=off clears the hours: give it without hours-zone, hours-week or hours-holidays');
  return { update, hours: hoursGiven ? (off ? { off: true } : parts) : null };
}

/** Turns `key=value` pairs into one property update (business hours are refused: see parsePropertyChange). */
export function parsePropertySettings(pairs: string[]): PropertyUpdate {
  const { update, hours } = parsePropertyChange(pairs);
  if (hours)
    throw new ValidationError('set business hours once the property exists: switchboard property set SLUG hours-zone=… hours-week=…');
  return update;
}
