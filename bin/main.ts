// The composition root of the `switchboard` command: the CLI (cli/) with the long-running
// processes its `worker`, `ingress` and `start` commands run (worker/main.ts). Wiring them here
// keeps cli/ from importing worker/; the compiler checks that runProcesses fits the CLI's port.
import { runCli } from '../cli/main.ts';
import { runProcesses } from '../worker/main.ts';

await runCli({ runProcesses });
