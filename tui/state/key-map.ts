/** Every key of the dashboard, as the help overlay lists them (grouped by where they work). */
export const keyMap: { section: string; keys: [string, string][] }[] = [
  {
    section: 'Everywhere',
    keys: [
      ['1 / 2', 'Inbox / Queues tab'],
      ['?', 'this help (any key closes it)'],
      ['q, C-c', 'quit'],
    ],
  },
  {
    section: 'Inbox list',
    keys: [
      ['j k, down up', 'move the selection'],
      ['g / G', 'first / last row of the page'],
      ['n p, pgdn pgup', 'next / previous page'],
      ['tab', 'view: both, conversations, tickets'],
      ['s', 'status: all, open, pending, closed'],
      ['a', 'agent: any, unassigned, assigned'],
      ['o', 'sort: created, updated, status changed, priority'],
      ['O', 'flip the order (newest or oldest first)'],
      ['/', 'search (enter applies, esc cancels)'],
      ['esc', 'clear the search'],
      ['enter', 'open the item'],
    ],
  },
  {
    section: 'Item',
    keys: [
      ['j k, down up', 'scroll'],
      ['pgdn pgup', 'scroll a page'],
      ['esc, h, left', 'back to the list'],
    ],
  },
];
