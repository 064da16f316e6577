import { engines } from '../engines.js';
import { describeIntakeCrash } from './intake-crash.js';

// SIGKILL during a flood of public requests, on SQLite (test/crash/intake-crash.ts). The
// PostgreSQL run is a file of its own so that the two run side by side.
describeIntakeCrash(engines.find((e) => e.name === 'sqlite'));
