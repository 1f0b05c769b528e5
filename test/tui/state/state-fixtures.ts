import type { InboxItem } from '../../../core/inbox/inbox-item.ts';
import { handleKey } from '../../../tui/state/dashboard-keys.ts';
import type { DashboardState } from '../../../tui/state/dashboard-types.ts';

// Shared by the pure key-handling tests: inbox rows and a way to press keys.

/** An open inbox row for `ref` (C<n> or T<n>), contact Ann, changed by `over`. */
export function inboxItem(ref: string, over: Partial<InboxItem> = {}): InboxItem {
  const at = new Date('2026-01-01T00:00:00Z');
  return {
    ref,
    kind: ref.startsWith('C') ? 'conversation' : 'ticket',
    id: ref.slice(1),
    channel: ref.startsWith('C') ? 'chat' : null,
    ticketNumber: ref.startsWith('T') ? Number(ref.slice(1)) : null,
    status: 'open',
    missed: false,
    priority: 1,
    title: `item ${ref}`,
    agent: null,
    department: null,
    tags: [],
    contact: { id: '1', email: 'ann@example.com', name: 'Ann' },
    createdAt: at,
    updatedAt: at,
    statusChangedAt: at,
    lastMessageAt: null,
    trashedAt: null,
    waitingSince: null,
    dueAt: null,
    atRiskAt: null,
    ...over,
  };
}

/** Presses keys in order; returns the final state and every effect. */
export function press(state: DashboardState, ...keys: string[]) {
  const effects = [];
  for (const key of keys) {
    const result = handleKey(state, key);
    state = result.state;
    effects.push(...result.effects);
  }
  return { state, effects };
}
