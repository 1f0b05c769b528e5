/** The subject of mail on a ticket: its tag, then its subject once, without stacked "Re:"s. */
export function ticketSubject(number: number, subject: string, reply: boolean): string {
  const bare = subject.replace(/^\s*((re|aw|sv|fw|fwd|r|rif|tr)\s*:\s*)+/i, '').replace(`[#${number}]`, '').trim();
  return `${reply ? 'Re: ' : ''}[#${number}] ${bare}`;
}
