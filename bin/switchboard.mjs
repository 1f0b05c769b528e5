#!/usr/bin/env node
// Entry point of the `switchboard` command. The sources are TypeScript, run through tsx's
// loader so that `npx switchboard ...` works straight after `npm install`, with no build step.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
