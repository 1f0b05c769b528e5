import { describe, expect, it } from 'vitest';
import type { InboxItem } from '../../../core/inbox/inbox-item.ts';
import { initialDashboardState } from '../../../tui/state/dashboard-state.ts';
import { pageLoaded } from '../../../tui/state/inbox-state.ts';
import { actionDone, actionFailed, replyFailed, replySent } from '../../../tui/state/item-keys.ts';
import { trashLoaded } from '../../../tui/state/trash-state.ts';
import { helpLines } from '../../../tui/screens/help-text.ts';
import { inboxItem, press } from './state-fixtures.ts';
import type { DashboardState } from '../../../tui/state/dashboard-types.ts';

// Item actions, dialogs, the trash tab and the contact history, as pure key handling.

const item = inboxItem;

function loaded(items: InboxItem[]): DashboardState {
  const s = initialDashboardState();
  return { ...s, inbox: pageLoaded(s.inbox, s.inbox.loadSeq, { items, nextCursor: null }) };
}

describe('item action keys', () => {
  it('toggles close / reopen, cycles the priority and converts', () => {
    const s = loaded([item('C1'), item('T2', { status: 'closed', priority: 3 })]);
    expect(press(s, 'c').effects).toEqual([{ type: 'act', action: { kind: 'close', ref: 'C1' } }]);
    expect(press(s, 'c').state.message).toEqual({ text: 'closing C1…', kind: 'info' });
    expect(press(s, 'j', 'c').effects).toEqual([{ type: 'act', action: { kind: 'reopen', ref: 'T2' } }]);
    expect(press(s, 'P').effects).toEqual([{ type: 'act', action: { kind: 'priority', ref: 'C1', priority: 'high' } }]);
    expect(press(s, 'j', 'P').effects).toEqual([{ type: 'act', action: { kind: 'priority', ref: 'T2', priority: 'low' } }]);
    expect(press(s, 'C').effects).toEqual([{ type: 'act', action: { kind: 'convert', ref: 'C1' } }]);
    expect(press(initialDashboardState(), 'c').effects).toEqual([]); // nothing selected
  });

  it('asks before the trash: y acts, n and esc change nothing, other keys wait', () => {
    const s = loaded([item('C1')]);
    const asking = press(s, 'd');
    expect(asking.effects).toEqual([]);
    expect(asking.state.overlay).toMatchObject({ type: 'confirm', action: { kind: 'trash', ref: 'C1' } });
    expect(press(asking.state, 'j', 'x', 'enter').state.overlay?.type).toBe('confirm');
    expect(press(asking.state, 'y').effects).toEqual([{ type: 'act', action: { kind: 'trash', ref: 'C1' } }]);
    expect(press(asking.state, 'y').state.overlay).toBeNull();
    for (const no of ['n', 'escape']) {
      const r = press(asking.state, no);
      expect(r.effects).toEqual([]);
      expect(r.state.overlay).toBeNull();
      expect(r.state.message?.text).toBe('nothing changed');
    }
  });

  it('prompts for an agent (empty unassigns) and for tags', () => {
    const s = loaded([item('T5')]);
    expect(press(s, 'A', 'a', 'n', 'x', 'backspace', 'n', 'enter').effects).toEqual([
      { type: 'act', action: { kind: 'assign', ref: 'T5', agent: 'ann' } },
    ]);
    expect(press(s, 'A', 'enter').effects).toEqual([{ type: 'act', action: { kind: 'assign', ref: 'T5', agent: null } }]);
    // q, ? and digits are text inside a prompt.
    expect(press(s, 't', 'q', '?', '1', 'enter').effects).toEqual([{ type: 'act', action: { kind: 'tag', ref: 'T5', tag: 'q?1' } }]);
    expect(press(s, 'T', 'v', 'i', 'p', 'enter').effects).toEqual([{ type: 'act', action: { kind: 'untag', ref: 'T5', tag: 'vip' } }]);
    expect(press(s, 't', 'enter').effects).toEqual([]); // an empty tag does nothing
    expect(press(s, 't', 'x', 'escape').state.overlay).toBeNull();
  });

  it('opens the editor only on a ticket with an email; C-s sends once, esc discards', () => {
    const s = loaded([item('C1'), item('T2'), item('T3', { contact: { id: null, email: null, name: null } })]);
    expect(press(s, 'r').state.message).toMatchObject({ kind: 'error', text: expect.stringContaining('convert it to a ticket') });
    expect(press(s, 'r').effects).toEqual([]);
    expect(press(s, 'j', 'j', 'r').state.message?.kind).toBe('error');
    const editing = press(s, 'j', 'r');
    expect(editing.effects).toEqual([{ type: 'edit', ref: 'T2' }]);
    const sending = press(editing.state, 'q', 'C-s', 'C-s', 'escape');
    expect(sending.effects).toEqual([{ type: 'reply', ref: 'T2' }]); // q is the editor's; a second C-s waits
    expect(sending.state.overlay).toEqual({ type: 'editor', ref: 'T2', sending: true });
    const failed = replyFailed(sending.state, 'the reply is empty');
    expect(failed.overlay).toEqual({ type: 'editor', ref: 'T2', sending: false });
    expect(failed.message).toEqual({ text: 'the reply is empty', kind: 'error' });
    expect(press(failed, 'escape').effects).toEqual([{ type: 'closeEditor' }]);
    const sent = replySent(sending.state, 'T2', 'ann@example.com');
    expect(sent.state.overlay).toBeNull();
    expect(sent.effects).toContainEqual({ type: 'closeEditor' });
    expect(sent.state.message?.text).toBe('reply to T2 queued for ann@example.com');
  });

  it('works inside an item; after the trash the item closes and everything reloads', () => {
    const s = loaded([item('C1'), item('T2')]);
    const open = press(s, 'j', 'enter').state;
    const withData = {
      ...open,
      inbox: {
        ...open.inbox,
        detail: { ...open.inbox.detail!, data: { item: item('T2', { status: 'closed' }), messages: [], linked: null, visitor: null } },
      },
    };
    expect(press(withData, 'c').effects).toEqual([{ type: 'act', action: { kind: 'reopen', ref: 'T2' } }]);
    const closedDone = actionDone(withData, { kind: 'reopen', ref: 'T2' });
    expect(closedDone.effects).toEqual([{ type: 'load' }, { type: 'open', ref: 'T2' }]);
    expect(closedDone.state.inbox.loadSeq).toBe(withData.inbox.loadSeq + 1);
    const trashed = actionDone(withData, { kind: 'trash', ref: 'T2' });
    expect(trashed.state.inbox.mode).toBe('list');
    expect(trashed.effects).toEqual([{ type: 'load' }]);
    expect(trashed.state.message?.text).toContain('moved to the trash');
    const failed = actionFailed(withData, 'T2 is already open');
    expect(failed.message).toEqual({ text: 'T2 is already open', kind: 'error' });
    expect(press(failed, 'j').state.message).toBeNull(); // the next key clears it
  });

  it('shows a contact history, opens an item from it and comes back', () => {
    const s = loaded([item('C1'), item('C2', { contact: { id: null, email: null, name: null } })]);
    expect(press(s, 'j', 'h').state.message?.kind).toBe('error');
    const h = press(s, 'h');
    expect(h.effects).toEqual([{ type: 'history', email: 'ann@example.com' }]);
    expect(h.state.inbox.mode).toBe('history');
    const inbox = { ...h.state.inbox, history: { ...h.state.inbox.history!, items: [item('C1'), item('T7')], loaded: true } };
    const opened = press({ ...h.state, inbox }, 'j', 'enter');
    expect(opened.effects).toEqual([{ type: 'open', ref: 'T7' }]);
    const back = press(opened.state, 'escape');
    expect(back.state.inbox.mode).toBe('history');
    expect(back.state.inbox.history?.selected).toBe(1);
    expect(press(back.state, 'escape').state.inbox).toMatchObject({ mode: 'list', history: null });
  });

  it('lists the trash on tab 3: R restores, D asks and says it cannot be undone', () => {
    const s = loaded([item('C1')]);
    const tab = press(s, '3');
    expect(tab.effects).toEqual([{ type: 'loadTrash' }]);
    const t = { ...tab.state, trash: trashLoaded(tab.state.trash, tab.state.trash.loadSeq, [item('C8'), item('T9')]) };
    expect(press(t, 'j', 'R').effects).toEqual([{ type: 'act', action: { kind: 'restore', ref: 'T9' } }]);
    const asking = press(t, 'D');
    expect(asking.state.overlay).toMatchObject({ type: 'confirm', question: expect.stringContaining('cannot be undone') });
    expect(press(asking.state, 'y').effects).toEqual([{ type: 'act', action: { kind: 'delete', ref: 'C8' } }]);
    // A finished action reloads the trash too.
    expect(actionDone(t, { kind: 'restore', ref: 'C8' }).effects).toContainEqual({ type: 'loadTrash' });
  });

  it('lays the help out in two columns that fit 80×24, and scrolls it', () => {
    const lines = helpLines(74);
    expect(lines.length).toBeLessThanOrEqual(21);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(74);
    for (const key of ['close / reopen', 'reply by email', 'delete for good', "contact's history"]) expect(lines.join('\n')).toContain(key);
    const help = press(loaded([]), '?', 'down', 'down', 'up');
    expect(help.state).toMatchObject({ help: true, helpScroll: 1 });
    expect(press(help.state, 'x').state.help).toBe(false);
  });
});
