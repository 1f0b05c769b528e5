import { initialAgentsState } from './agents-state.ts';
import { initialAttentionState } from './attention-state.ts';
import { initialInboxState } from './inbox-state.ts';
import { initialQueuesState } from './queues-state.ts';
import { initialReportsState } from './reports-state.ts';
import { initialTrashState } from './trash-state.ts';
import type { DashboardState, Tab } from './dashboard-types.ts';

/** The tabs of the header, in order. */
export const tabs: readonly Tab[] = ['inbox', 'queues', 'trash', 'agents', 'reports'];

/** The first state of the dashboard. */
export function initialDashboardState(pageSize = 20, quitStopsBackOffice = false): DashboardState {
  return {
    tab: 'inbox',
    help: false,
    helpScroll: 0,
    inbox: initialInboxState(pageSize),
    trash: initialTrashState(),
    attention: initialAttentionState(),
    agents: initialAgentsState(),
    reports: initialReportsState(),
    queues: initialQueuesState(pageSize - 1),
    overlay: null,
    message: null,
    quitStopsBackOffice,
  };
}
