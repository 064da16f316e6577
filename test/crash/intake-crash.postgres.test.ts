import { engines } from '../engines.js';
import { describeIntakeCrash } from './intake-crash.js';

// SIGKILL during a flood of public requests, on PostgreSQL (test/crash/intake-crash.ts).
describeIntakeCrash(engines.find((e) => e.name === 'postgres'));
