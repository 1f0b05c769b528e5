/*
 * trimReply: the new text of a reply, for display. Quoted history and signatures are removed;
 * the full text is kept elsewhere (ParsedEmail.text), so a wrong guess hides text, never loses it.
 * Line-based; a line "is quoted" when it starts with ">". Rules, in order:
 *
 * 1. Quote header: the first unquoted line that starts a previous message.
 *    a. An attribution: "On … wrote:" (Gmail, Apple Mail, Thunderbird, Yahoo) and the localized
 *       forms "Il … ha scritto:", "Le … a écrit :", "Am … schrieb …:", "El … escribió:",
 *       "Em … escreveu:", "Op … schreef …:". Clients wrap long ones, so up to three adjacent
 *       lines are joined; it must contain a digit (every client writes the date or time), which
 *       keeps ordinary sentences that start with "On" from matching.
 *    b. An "-----Original Message-----" separator (Outlook; Yahoo writes "----- Original
 *       Message -----"), also localized.
 *    c. An Outlook header block: a "From:" line (Da:, De :, Von:, Van:) followed within six
 *       lines by two more of Sent:/Date:/To:/Subject:/Cc: (Inviato:/A:/Oggetto:, Envoyé :/À :/
 *       Objet :, Gesendet:/An:/Betreff:, Enviado:/Para:/Asunto:, ...). A rule of underscores
 *       or dashes just above it ("________________________________") goes with it.
 *    With new text above the header (top-posting), everything from the header down is history.
 *    With the header first (bottom-posting, Thunderbird's default), the header and the quoted
 *    block under it are dropped and the text below is the reply. When quotes and answers are
 *    interleaved nothing is dropped here: the answers make no sense without the questions.
 * 2. A quoted block at the end (">" lines, blank lines inside allowed) is dropped, with an
 *    attribution-like line just above it ("Anna <a@b> wrote:", or any line ending in ":" that
 *    holds an address), e.g. iOS Mail, which quotes its own attribution.
 * 3. Signature: from the first "-- " delimiter line (also "--", as many clients strip the space)
 *    or app signature ("Sent from my iPhone", "Inviato da iPhone", "Envoyé de mon iPhone", "Von
 *    meinem iPhone gesendet", "Sent from Outlook for Android", "Get Outlook for iOS", ...) to the end.
 * 4. The result is trimmed. If nothing is left, the original text (trimmed) is returned: a
 *    message that is all quote or all signature is shown whole rather than as nothing.
 */

const ATTRIBUTIONS = [
  /^On\b.*\bwrote\s*:$/i,
  /^Il\b.*\bha scritto\s*:$/i,
  /^Le\b.*\ba écrit\s*:$/i,
  /^Am\b.*\bschrieb\b.*:$/i,
  /^El\b.*\bescribió\s*:$/i,
  /^Em\b.*\bescreveu\s*:$/i,
  /^Op\b.*\bschreef\b.*:$/i,
];
const ATTRIBUTION_VERB = /\b(wrote|ha scritto|a écrit|schrieb|escribió|escreveu|schreef)\b.*:$/i;
const ATTRIBUTION_MAX_LINES = 3;
const ATTRIBUTION_MAX_LENGTH = 300;

const ORIGINAL_MESSAGE =
  /^-{2,}\s*(original message|messaggio originale|message d'origine|ursprüngliche nachricht|mensaje original|mensagem original|oorspronkelijk bericht)\s*-{2,}$/i;

const FROM_LABEL = /^\*?(from|da|de|von|van|fra|från)\*?\s*:/i;
const HEADER_LABEL =
  /^\*?(sent|date|to|subject|cc|inviato|data|a|oggetto|envoyé|à|objet|gesendet|datum|an|betreff|enviado|enviada|fecha|para|asunto|assunto|verzonden|aan|onderwerp)\*?\s*:/i;
const HEADER_BLOCK_SPAN = 6;
const RULE_LINE = /^\s*(_{8,}|-{8,})\s*$/;

const APP_SIGNATURE =
  /^(sent (from|with|via)|get outlook for|inviato (da|dal|dalla)|envoyé (de|depuis)|von meinem|gesendet (von|mit)|enviado (desde|de|do)|verzonden (met|vanaf)|verstuurd (met|vanaf))\b/i;
const APP_SIGNATURE_DEVICE =
  /(iphone|ipad|android|outlook|mail|galaxy|samsung|mobile|smartphone|blackberry|huawei|pixel|ios\b|windows|cellulare|handy)/i;

/** The new text of a reply, without quoted previous messages and signatures; never empty when the text is not. */
export function trimReply(text: string): string {
  const original = text.replace(/\r\n?/g, '\n');
  let lines = original.split('\n');
  lines = dropQuoteHeader(lines);
  lines = dropTrailingQuote(lines);
  lines = dropSignature(lines);
  const trimmed = lines.join('\n').trim();
  return trimmed === '' ? original.trim() : trimmed;
}

const isBlank = (line: string): boolean => line.trim() === '';
const isQuoted = (line: string): boolean => line.trimStart().startsWith('>');

/** Rule 1. */
function dropQuoteHeader(lines: string[]): string[] {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (isBlank(line) || isQuoted(line)) continue;
    const attribution = attributionLength(lines, i);
    const start = attribution > 0 || ORIGINAL_MESSAGE.test(line.trim()) ? i : headerBlockStart(lines, i);
    if (start < 0) continue;
    const before = lines.slice(0, start);
    if (before.some((l) => !isBlank(l))) return before;
    // Bottom-posting: only an attribution followed by a ">" block can be skipped over.
    if (attribution === 0) return lines;
    let k = i + attribution;
    while (k < lines.length && (isBlank(lines[k] ?? '') || isQuoted(lines[k] ?? ''))) k++;
    const rest = lines.slice(k);
    return isInterleaved(rest) ? lines : rest;
  }
  return lines;
}

/** How many lines (1–3) form an attribution starting at line i, or 0. */
function attributionLength(lines: string[], i: number): number {
  let joined = '';
  for (let n = 1; n <= ATTRIBUTION_MAX_LINES && i + n - 1 < lines.length; n++) {
    const line = lines[i + n - 1] ?? '';
    if (isBlank(line) || (n > 1 && isQuoted(line))) return 0;
    joined = `${joined} ${line.trim()}`.trim();
    if (joined.length > ATTRIBUTION_MAX_LENGTH) return 0;
    if (/\d/.test(joined) && ATTRIBUTIONS.some((re) => re.test(joined))) return n;
  }
  return 0;
}

/** The first line of an Outlook header block starting at line i (its rule line, if any), or -1. */
function headerBlockStart(lines: string[], i: number): number {
  if (!FROM_LABEL.test((lines[i] ?? '').trim())) return -1;
  const following = lines.slice(i + 1, i + 1 + HEADER_BLOCK_SPAN).filter((l) => HEADER_LABEL.test(l.trim()));
  if (following.length < 2) return -1;
  let above = i - 1;
  while (above >= 0 && isBlank(lines[above] ?? '')) above--;
  return above >= 0 && RULE_LINE.test(lines[above] ?? '') ? above : i;
}

/** True when quoted lines are followed by more unquoted text: answers between quotes. */
function isInterleaved(lines: string[]): boolean {
  let lastQuoted = lines.length - 1;
  while (lastQuoted >= 0 && !isQuoted(lines[lastQuoted] ?? '')) lastQuoted--;
  return lastQuoted >= 0 && lines.slice(lastQuoted + 1).some((l) => !isBlank(l));
}

/** Rule 2. */
function dropTrailingQuote(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && isBlank(lines[end - 1] ?? '')) end--;
  let start = end;
  while (start > 0 && (isQuoted(lines[start - 1] ?? '') || isBlank(lines[start - 1] ?? ''))) start--;
  while (start < end && isBlank(lines[start] ?? '')) start++;
  if (start >= end) return lines;
  let above = start - 1;
  while (above >= 0 && isBlank(lines[above] ?? '')) above--;
  const candidate = (lines[above] ?? '').trim();
  const isAttribution = above >= 0 && candidate.endsWith(':') && (ATTRIBUTION_VERB.test(candidate) || candidate.includes('@'));
  return lines.slice(0, isAttribution ? above : start);
}

/** Rule 3. */
function dropSignature(lines: string[]): string[] {
  const at = lines.findIndex((line) => {
    const trimmed = line.trim();
    if (trimmed === '--' && line.trimStart() === line) return true;
    return trimmed.length <= 80 && APP_SIGNATURE.test(trimmed) && APP_SIGNATURE_DEVICE.test(trimmed);
  });
  return at < 0 ? lines : lines.slice(0, at);
}
