import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { gracefulStop, type GracefulStop } from '../../worker/graceful-stop.ts';

// The signal rules of a draining process, on this process's own listeners (process.emit runs
// them as a delivered signal would; nothing is sent to the test runner). The real spawned
// `npm start` is test/cli/start-stop.test.ts.

const logger = pino({ level: 'silent' });
let stop: GracefulStop | undefined;
afterEach(() => stop?.done());

describe('gracefulStop', () => {
  it('starts one drain on the first signal, takes a repeat within the echo window as the same stop, and exits at once on a later one', async () => {
    const exits: number[] = [];
    stop = gracefulStop(logger, 60_000, (code) => exits.push(code), 200);
    process.emit('SIGINT', 'SIGINT');
    expect(await stop.requested).toBe('SIGINT');
    expect(stop.signal.aborted).toBe(true);
    process.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([]);
    await new Promise((r) => setTimeout(r, 250));
    process.emit('SIGTERM', 'SIGTERM');
    expect(exits).toEqual([128 + 15]);
  });

  it('exits with 1 when the drain outlasts its timeout, and not once the drain is done', async () => {
    const exits: number[] = [];
    stop = gracefulStop(logger, 100, (code) => exits.push(code));
    stop.request('dashboard quit');
    await new Promise((r) => setTimeout(r, 150));
    expect(exits).toEqual([1]);
    const quick: number[] = [];
    const second = gracefulStop(logger, 100, (code) => quick.push(code));
    second.request('dashboard quit');
    second.done();
    await new Promise((r) => setTimeout(r, 150));
    expect(quick).toEqual([]);
  });
});
