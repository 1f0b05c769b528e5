// What the response report groups by and which clocks it measures: the words of its options,
// shared by the report, its reads and the dashboard's Reports tab.

export type ReportGrouping = 'agent' | 'department' | 'priority';
export const reportGroupings: readonly ReportGrouping[] = ['agent', 'department', 'priority'];

export type ReportClock = 'first' | 'next';
