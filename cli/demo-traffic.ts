import { randomUUID } from 'node:crypto';
import { signBody } from '../core/chats/event-signature.ts';
import type { Property } from '../core/db/schema.ts';

// Realistic chat traffic for the demo property, sent to a running ingress exactly as a chat
// server would: signed, batched per chat, with the timing of real visitors compressed.

type Event = Record<string, unknown>;

const agents = [
  { id: 'agent-giulia', email: 'giulia.rossi@acme.example', name: 'Giulia Rossi' },
  { id: 'agent-marco', email: 'marco.bianchi@acme.example', name: 'Marco Bianchi' },
];

/** The scripted chats: each a list of events, meant to be sent in order. */
function scenarios(property: string): { label: string; events: Event[] }[] {
  const run = randomUUID().slice(0, 8);
  const at = () => new Date().toISOString();
  const chat = (n: number) => `demo-${run}-${n}`;
  const base = (type: string, extra: Event): Event => ({ id: randomUUID(), type, property, at: at(), ...extra });
  const started = (n: number, visitor: Event, prechat?: Event, department?: string) =>
    base('chat.started', {
      chat: { id: chat(n) },
      visitor: { id: `visitor-${run}-${n}`, ...visitor },
      ...(prechat ? { prechat } : {}),
      ...(department ? { department } : {}),
    });
  const say = (n: number, sender: 'visitor' | 'agent', text: string, agent?: Event) =>
    base('chat.message', { chat: { id: chat(n) }, message: { id: randomUUID(), sender, text, ...(agent ? { agent } : {}) } });
  const ended = (n: number, reason: string) => base('chat.ended', { chat: { id: chat(n) }, reason });
  return [
    {
      label: 'answered chat (closed)',
      events: [
        started(
          1,
          { name: 'Paolo Greco' },
          { name: 'Paolo Greco', email: 'paolo.greco@example.it', fields: { order: '#20931' } },
          'Support',
        ),
        say(1, 'visitor', 'Hi! My order #20931 has not shipped yet, any news?'),
        say(1, 'agent', 'Hello Paolo, it left our warehouse this morning: you will get the tracking link by email.', agents[0]),
        say(1, 'visitor', 'Great, thank you!'),
        ended(1, 'agent_closed'),
      ],
    },
    {
      label: 'missed chat with a pre-chat email (becomes a ticket)',
      events: [
        started(2, { name: 'Sofia Marino' }, { name: 'Sofia Marino', email: 'sofia.marino@example.com' }, 'Billing'),
        say(2, 'visitor', 'I was charged twice for the same invoice, can someone check?'),
        ended(2, 'visitor_left'),
      ],
    },
    {
      label: 'missed chat, email typed in a message (becomes a ticket)',
      events: [
        started(3, { name: 'Tom Becker' }),
        say(3, 'visitor', 'Do you have the blue model in size 42?'),
        say(3, 'visitor', 'I have to go, please write me at tom.becker@example.de'),
        ended(3, 'visitor_left'),
      ],
    },
    {
      label: 'missed chat without an email (stays open, missed)',
      events: [started(4, { name: 'Visitor 4312' }), say(4, 'visitor', 'hello? is anyone there?'), ended(4, 'visitor_left')],
    },
    {
      label: 'Sales chat waiting for an agent (the recovery trigger fires after the delay; unanswered, it breaches its one-minute target)',
      events: [
        started(5, { name: 'Lena Fischer' }, undefined, 'Sales'),
        say(5, 'visitor', 'Before I order: can I change the delivery address later?'),
      ],
    },
    {
      label: 'chat assigned and answered',
      events: [
        started(6, { name: 'Omar Haddad', email: 'omar.haddad@example.net' }),
        base('chat.assigned', { chat: { id: chat(6) }, agent: agents[1] }),
        say(6, 'visitor', 'Is the 30-day return free?'),
        say(6, 'agent', 'Yes, returns within 30 days are free of charge.', agents[1]),
      ],
    },
    {
      label: 'offline message (becomes a ticket)',
      events: [
        base('offline.submitted', {
          visitor: { name: 'Chloé Dubois', email: 'chloe.dubois@example.fr' },
          message: { text: 'Bonjour, do you ship to France? What are the costs?' },
        }),
      ],
    },
  ];
}

/** Sends the demo scenarios to the ingress at `url`; returns one line per scenario. */
export async function sendDemoTraffic(url: string, property: Property): Promise<string[]> {
  const lines: string[] = [];
  for (const scenario of scenarios(property.slug)) {
    const body = JSON.stringify({ events: scenario.events });
    const response = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-switchboard-signature': signBody(property.signing_secret, body) },
      body,
    });
    const answer = await response.text();
    if (response.status !== 202) throw new Error(`the ingress refused the demo traffic (${response.status}): ${answer}`);
    lines.push(`${scenario.label}: ${scenario.events.length} events accepted`);
  }
  return lines;
}
