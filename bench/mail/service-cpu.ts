import { existsSync, readdirSync, readFileSync } from 'node:fs';

/**
 * CPU milliseconds used so far by each of the machine's postgres and redis-server processes, by pid (from /proc; null where there is
 * none).
 */
export function serviceCpuMs(): Map<string, { key: 'postgres' | 'redis'; ms: number }> | null {
  if (!existsSync('/proc/self/stat')) return null;
  const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux
  const byPid = new Map<string, { key: 'postgres' | 'redis'; ms: number }>();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const key = name === 'postgres' ? 'postgres' : name === 'redis-server' ? 'redis' : null;
    if (!key) continue;
    // Fields after the name: state is the first; utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    byPid.set(pid, { key, ms: (Number(fields[11]) + Number(fields[12])) / ticksPerMs });
  }
  return byPid;
}

/**
 * CPU used between two readings by the processes alive at the second (a backend started
 * meanwhile counts from zero). A backend that exited meanwhile (an idle pool connection
 * closing) takes its CPU with it: it is left out rather than counted as negative.
 */
export function serviceCpuDelta(
  before: NonNullable<ReturnType<typeof serviceCpuMs>>,
  after: NonNullable<ReturnType<typeof serviceCpuMs>>,
): { postgres: number; redis: number } {
  const total = { postgres: 0, redis: 0 };
  for (const [pid, { key, ms }] of after) total[key] += ms - (before.get(pid)?.ms ?? 0);
  return total;
}
