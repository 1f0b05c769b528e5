import { formatDuration } from '../../core/hours/business-duration.ts';
import type { AgentLoad } from '../../core/inbox/agent-load.ts';
import { fit, fitRight, padTo } from './text-fit.ts';

/**
 * The Agents tab as fixed-width lines `width` long: AGENT, OPEN, OLDEST WAITING, BREACHES TODAY
 * and, where there is room, the email. `breached` marks the rows the screen shows in red.
 */
export function formatAgentsTable(
  rows: AgentLoad[],
  width: number,
  now: number = Date.now(),
): { header: string; rows: string[]; breached: boolean[] } {
  const withEmail = width >= 100;
  const nameWidth = Math.max(8, Math.min(30, width - (withEmail ? 70 : 40)));
  const cells = (name: string, email: string, open: string, oldest: string, breaches: string) =>
    padTo(
      `${fit(name, nameWidth)} ${withEmail ? `${fit(email, 30)} ` : ''}${fitRight(open, 6)}  ${fit(oldest, 15)} ${fitRight(breaches, 14)}`,
      width,
    );
  return {
    header: cells('AGENT', 'EMAIL', 'OPEN', 'OLDEST WAITING', 'BREACHES TODAY'),
    rows: rows.map((r) =>
      cells(
        r.agent.name,
        r.agent.email,
        String(r.open),
        r.oldestWaitingSince ? formatDuration(now - r.oldestWaitingSince.getTime()) : '-',
        String(r.breaches),
      ),
    ),
    breached: rows.map((r) => r.breaches > 0),
  };
}
