/** Every key of the dashboard, as the help overlay lists them (grouped by where they work). */
export const keyMap: { section: string; keys: [string, string][] }[] = [
  {
    section: 'Everywhere',
    keys: [
      ['1-5', 'the five tabs (top line)'],
      ['? C-p', 'help (scrolls) / property'],
      ['q C-c', 'quit (under start: asks, stops all)'],
      ['U M', 'pile: unassigned / missed'],
      ['B W L', 'breached / at risk / later'],
      // The dialogs' keys live here: a section of their own would not fit 80×24.
      ['y n', 'confirm / cancel (dialogs)'],
      ['C-s', 'send a reply (esc drops)'],
    ],
  },
  {
    section: 'Inbox list',
    keys: [
      ['j k', 'move (or wheel, click)'],
      ['g G', 'first / last row'],
      ['n p', 'next / previous page'],
      ['tab', 'both, chats, tickets'],
      ['s', 'cycle the status filter'],
      ['a m', 'agent filter / missed only'],
      ['f F', 'filter prompt / clear it'],
      ['o O', 'sort / flip the order'],
      ['/ esc', 'search / clear the search'],
      ['enter', 'open the item (esc back)'],
      ['z', 'quoted email: show / fold'],
    ],
  },
  {
    section: 'Actions (list, item, history)',
    keys: [
      ['c', 'close / reopen'],
      ['A', 'assign (empty unassigns)'],
      ['t T', 'add / remove a tag'],
      ['P', 'next priority'],
      ['C', 'convert to a ticket'],
      ['d', 'move to the trash (asks)'],
      ['r N', 'reply by email / note'],
      ['h', "the contact's history"],
    ],
  },
  {
    // One section for the other tabs: a section of its own for Reports would not fit 80×24.
    section: 'Trash · Agents · Reports · Queues',
    keys: [
      ['R D', 'restore / delete for good'],
      ['enter', "an agent's open items"],
      ['b', 'report: next grouping'],
      ['enter', 'jobs of a queue / a job'],
      ['s n p', 'job state / next, prev page'],
      ['r R', 'retry job / all failed'],
      ['d u', 'remove / promote a job'],
      ['P', 'pause / resume the queue'],
      ['X F', 'clean completed / failed'],
    ],
  },
];

/** How many lines the key map takes in one column (sections, keys and the blank lines between). */
export function keyMapLineCount(): number {
  return keyMap.reduce((n, s) => n + s.keys.length + 1, 0) + keyMap.length - 1;
}
