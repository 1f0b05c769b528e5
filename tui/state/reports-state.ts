import { reportGroupings, type ReportGrouping, type ResponseReport } from '../../core/responses/response-report.ts';
import type { DashboardState, KeyResult } from './dashboard-state.ts';

/**
 * The Reports tab (`5`): the response report of the last 7 days (core/responses/response-report.ts)
 * of the property shown, grouped by agent, department or priority (`b` cycles). It is read each
 * time `5` is pressed (as `3` and `4` read theirs) and by `b`, not by the 2 s refresh: a week
 * of messages does not change much in two seconds, and reading it that often would cost the
 * database for nothing.
 */
export interface ReportsState {
  report: ResponseReport | null;
  by: ReportGrouping;
  /** As in the inbox: an answer is applied only if it was asked for under the current number. */
  loadSeq: number;
  loadedSeq: number;
  error: string | null;
}

export function initialReportsState(): ReportsState {
  return { report: null, by: 'agent', loadSeq: 0, loadedSeq: 0, error: null };
}

const reload = (state: DashboardState, reports: ReportsState): KeyResult => ({ state: { ...state, tab: 'reports', reports: { ...reports, loadSeq: reports.loadSeq + 1 } }, effects: [{ type: 'loadReports' }] });

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
