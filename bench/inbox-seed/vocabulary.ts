// The words and names generated text is drawn from, and the SQL that draws from them.
import { type RawBuilder, sql } from 'kysely';

// Support vocabulary, most frequent first: a word's rank decides how often it is drawn.
export const vocabulary = [
  'the', 'i', 'to', 'my', 'you', 'a', 'is', 'it', 'and', 'refund', 'order', 'please', 'help', 'not', 'can',
  'thanks', 'hello', 'account', 'payment', 'with', 'for', 'delivery', 'password', 'login', 'invoice', 'card',
  'shipping', 'package', 'address', 'email', 'problem', 'error', 'cancel', 'subscription', 'price', 'discount',
  'coupon', 'return', 'exchange', 'size', 'color', 'stock', 'tracking', 'number', 'today', 'tomorrow', 'week',
  'still', 'waiting', 'received', 'damaged', 'broken', 'missing', 'wrong', 'item', 'product', 'app', 'website',
  'mobile', 'update', 'install', 'download', 'reset', 'verify', 'code', 'bank', 'transfer', 'paypal', 'charge',
  'twice', 'billing', 'plan', 'upgrade', 'downgrade', 'trial', 'free', 'premium', 'support', 'agent', 'manager',
  'urgent', 'asap', 'warranty', 'repair', 'replacement', 'courier', 'warehouse', 'customs', 'tax', 'receipt',
  'vat', 'company', 'business', 'gift', 'voucher', 'loyalty', 'points', 'newsletter', 'unsubscribe', 'privacy',
  'gdpr', 'delete', 'data', 'export', 'import', 'integration', 'api', 'webhook', 'slow', 'crash', 'timeout',
  'battery', 'charger', 'screen', 'keyboard', 'printer', 'router', 'firmware', 'bluetooth', 'wifi', 'voltage',
];
export const firstNames = [
  'maria', 'john', 'anna', 'luca', 'sofia', 'david', 'emma', 'marco', 'laura', 'james', 'giulia', 'paul',
  'sara', 'peter', 'elena', 'tom', 'chiara', 'mark', 'julia', 'alex', 'nina', 'omar', 'yuki', 'ines',
];
export const lastNames = [
  'rossi', 'smith', 'müller', 'bianchi', 'garcia', 'brown', 'ferrari', 'martin', 'russo', 'jones', 'colombo',
  'lopez', 'ricci', 'taylor', 'marino', 'wilson', 'greco', 'moore', 'bruno', 'dubois', 'conti', 'novak',
];
export const domains = ['gmail.com', 'yahoo.com', 'outlook.com', 'example.com', 'acme.io', 'mail.de', 'libero.it'];

/** How many distinct sentences message bodies and ticket subjects are drawn from. */
export const sentencePool = 100_000;

export function textArray(words: string[]): RawBuilder<unknown> {
  return sql.raw(`(ARRAY[${words.map((w) => `'${w}'`).join(',')}]::text[])`);
}

/** The app's search normalisation (core/inbox/search-text.ts) in SQL: lower-case runs of letters and digits. */
export function searchVectorOf(text: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`strip(to_tsvector('simple', lower(regexp_replace(${text}, '[^[:alnum:]]+', ' ', 'g'))))`;
}
