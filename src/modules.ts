import { checkModules, type HavenModule } from './contracts/module.js';
import { accountsModule } from './modules/accounts/index.js';
import { auditModule } from './modules/audit/index.js';
import { casesModule } from './modules/cases/index.js';
import { demoModule } from './modules/demo/index.js';
import { escalationModule } from './modules/escalation/index.js';
import { intakeModule } from './modules/intake/index.js';
import { jobsModule } from './modules/jobs/index.js';
import { notificationsModule } from './modules/notifications/index.js';
import { referralsModule } from './modules/referrals/index.js';
import { playbooksModule } from './modules/playbooks/index.js';
import { retentionModule } from './modules/retention/index.js';
import { searchModule } from './modules/search/index.js';
import { settingsModule } from './modules/settings/index.js';
import { shiftsModule } from './modules/shifts/index.js';
import { taxonomiesModule } from './modules/taxonomies/index.js';
import { templatesModule } from './modules/templates/index.js';
import { vaultModule } from './modules/vault/index.js';

/**
 * Haven's modules, in the order their routes, jobs and navigation entries are registered.
 * The app (app.ts), the worker (worker.ts) and `haven serve` iterate this list: adding a
 * module is one line here and nothing else central.
 */
export const MODULES: readonly HavenModule[] = [accountsModule, casesModule, intakeModule, vaultModule, retentionModule, taxonomiesModule, settingsModule, templatesModule, playbooksModule, demoModule, jobsModule, auditModule, notificationsModule, escalationModule, searchModule, shiftsModule, referralsModule];

checkModules(MODULES);
