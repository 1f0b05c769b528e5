import type { ResponseReport } from '../../core/responses/response-report.ts';
import { reportGroupings } from '../../core/responses/report-groupings.ts';
import type { DashboardState, KeyResult, ReportsState } from './dashboard-types.ts';

export function initialReportsState(): ReportsState {
  return { report: null, by: 'agent', loadSeq: 0, loadedSeq: 0, error: null };
}

const reload = (state: DashboardState, reports: ReportsState): KeyResult => ({
  state: { ...state, tab: 'reports', reports: { ...reports, loadSeq: reports.loadSeq + 1 } },
  effects: [{ type: 'loadReports' }],
});

/** `5`: the tab, read now. */
export const showReports = (state: DashboardState): KeyResult => reload(state, state.reports);

/** Applies the report read under `seq`. */
export function reportsLoaded(state: ReportsState, seq: number, report: ResponseReport): ReportsState {
  if (seq !== state.loadSeq) return state;
  return { ...state, report, loadedSeq: seq, error: null };
}

/** A failed read under `seq`: the report shown stays, with the error. */
export function reportsFailed(state: ReportsState, seq: number, error: string): ReportsState {
  if (seq !== state.loadSeq) return state;
  return { ...state, loadedSeq: seq, error };
}

/** The tab's key: `b` the next grouping, read at once. */
export function reportsKey(state: DashboardState, key: string): KeyResult {
  const r = state.reports;
  if (key === 'b') return reload(state, { ...r, by: reportGroupings[(reportGroupings.indexOf(r.by) + 1) % reportGroupings.length]! });
  return { state, effects: [] };
}
