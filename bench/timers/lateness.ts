// How late timers fired: per-item lateness, its percentiles, and waiting for the stragglers.
export interface Lateness {
  /** Lateness in ms of each item that fired at least once. */
  samples: number[];
  fired: number;
  missed: number;
  twice: number;
}

export interface Figures {
  p50: number;
  p99: number;
  max: number;
  min: number;
}

export function figures(samples: number[]): Figures {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN, min: sorted[0] ?? Number.NaN };
}

/** Lateness of each item's first record against its due time; items without one are missed. */
export function tally(ids: string[], due: Map<string, number>, records: { id: string; at: number }[]): Lateness {
  const byItem = new Map<string, number[]>();
  for (const r of records) byItem.set(r.id, [...(byItem.get(r.id) ?? []), r.at]);
  const samples: number[] = [];
  let twice = 0;
  for (const id of ids) {
    const ats = byItem.get(id);
    if (!ats) continue;
    if (ats.length > 1) twice++;
    samples.push(Math.min(...ats) - due.get(id)!);
  }
  return { samples, fired: samples.length, missed: ids.length - samples.length, twice };
}

/** Waits until `done` says so or `deadline` (epoch ms) passes, polling every `everyMs`. */
export async function waitUntil(deadline: number, done: () => Promise<boolean>, everyMs = 1000): Promise<void> {
  while (Date.now() < deadline) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(everyMs, Math.max(0, deadline - Date.now()))));
  }
}
