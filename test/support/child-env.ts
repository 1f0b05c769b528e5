import { inject } from 'vitest';

/**
 * The environment of a `switchboard` process a test starts: PATH, a data dir of the test
 * run's own (made and removed by the global setup), then `env`. A process started without
 * SMTP_URL keeps its outbound mail as .eml files under its data dir (the embedded sink), and
 * the default one is the developer's .data/, which their own `npm start` uses: the global
 * setup fails the run if a test writes mail there.
 */
export function childEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', SWITCHBOARD_DATA_DIR: inject('testDataDir'), ...env };
}
