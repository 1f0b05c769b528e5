import type { ItemDetail } from '../../core/inbox/item-detail.ts';
import type { MessageSender } from '../../core/db/schema.ts';
import { foldQuoted } from '../state/quoted-text.ts';
import { shortTime, wrap } from './text-fit.ts';
import { priorityNames } from '../../core/inbox/priority-names.ts';

/** How a line of the detail is shown: the screen maps each kind to a colour. */
export type LineKind = 'heading' | 'meta' | MessageSender | 'body' | 'quote';

export interface DetailLine {
  kind: LineKind;
  text: string;
}

/** The mark before each message: trigger and system messages stand out even without colour. */
const senderMarks: Record<MessageSender, string> = {
  visitor: '<  visitor',
  agent: '>  agent',
  trigger: '** TRIGGER',
  system: '## SYSTEM',
  note: '%% NOTE (internal)',
};

/**
 * An item's header and its transcript or email thread, wrapped to `width`. In a ticket's
 * thread the quoted parts of each email are folded to one marker line unless `showQuoted`.
 */
export function formatDetail(detail: ItemDetail, width: number, showQuoted = false): DetailLine[] {
  const i = detail.item;
  const lines: DetailLine[] = [];
  const add = (kind: LineKind, text: string, indent = '') => {
    for (const l of wrap(text, width - indent.length)) lines.push({ kind, text: indent + l });
  };
  add('heading', `${i.ref}  ${i.title}`);
  add(
    'meta',
    `${i.channel ?? 'ticket'} · ${i.status}${i.missed ? ' (missed)' : ''}${i.trashedAt ? ' · in the trash' : ''}` +
      ` · priority ${priorityNames[i.priority] ?? i.priority} · agent ${i.agent?.name ?? '-'} · department ${i.department?.name ?? '-'}` +
      `${i.tags.length ? ` · tags ${i.tags.join(', ')}` : ''}`,
  );
  const contact = [i.contact.name, i.contact.email && `<${i.contact.email}>`].filter(Boolean).join(' ');
  add('meta', `contact ${contact || '-'} · created ${shortTime(i.createdAt)} · updated ${shortTime(i.updatedAt)}`);
  if (detail.linked) add('meta', i.kind === 'conversation' ? `became ticket ${detail.linked}` : `from conversation ${detail.linked}`);
  lines.push({ kind: 'body', text: '' });
  for (const m of detail.messages) {
    const unverified = m.senderVerified === false ? ' [sender not verified]' : '';
    add(m.sender, `${senderMarks[m.sender]}${m.author ? ` (${m.author})` : ''}${unverified}  ${shortTime(m.createdAt)}`);
    if (i.kind === 'ticket') {
      const { text } = foldQuoted(m.body, showQuoted);
      for (const para of text.split('\n')) add(/^\[… \d+ quoted lines?, z to show\]$/.test(para) ? 'quote' : 'body', para, '   ');
    } else add('body', m.body, '   ');
    lines.push({ kind: 'body', text: '' });
  }
  if (detail.messages.length === 0) add('meta', '(no messages)');
  return lines;
}
