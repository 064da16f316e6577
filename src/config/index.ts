import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

/**
 * Haven's configuration: the only place that reads `process.env`.
 * Every problem is reported at once, each with a hint, so an operator fixes them in one go.
 */
const durationMinutes = z.coerce.number().int().min(1).max(60 * 24 * 14);

const schema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  HAVEN_MASTER_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal characters (32 bytes)')
    .optional(),
  PUBLIC_URL: z.url().optional(),
  HAVEN_SEALED: z.enum(['true', 'false']).default('false'),
  FIRST_RESPONSE_MINUTES: durationMinutes.default(120),
  ESCALATE_LEAD_MINUTES: durationMinutes.default(60),
  ESCALATE_DIRECTOR_MINUTES: durationMinutes.default(90),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(64 * 1024),
  TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  // Intake abuse resistance (ADR 13): requests beyond the hourly budget, or sent sooner than
  // this many seconds after the form was shown, are saved as suspected spam, never refused.
  INTAKE_BUDGET_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(60),
  INTAKE_MIN_FILL_SECONDS: z.coerce.number().int().min(0).max(600).default(3),
  // Files attached to requests, follow-ups and replies (ADR 26): how many per message, how
  // large each may be and all of them together, in MiB.
  ATTACHMENT_MAX_FILES: z.coerce.number().int().min(0).max(20).default(5),
  ATTACHMENT_MAX_FILE_MB: z.coerce.number().int().min(1).max(100).default(10),
  ATTACHMENT_MAX_TOTAL_MB: z.coerce.number().int().min(1).max(500).default(25),
  // Slow clients and connection limits (docs/operations.md, "Timeouts and connection limits").
  // A request, body included, must arrive within 120 s: a ~200 KB form over a bad Tor circuit
  // (or a censored bridge) at 2 KB/s takes about 100 s, while a client trickling a byte every
  // few seconds loses its connection after two minutes instead of holding it for ever.
  REQUEST_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(120),
  // Headers are a few hundred bytes: 30 s covers a Tor circuit's worst latency many times over.
  HEADERS_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
  // Nothing arriving or leaving for this long (a stalled upload, an answer nobody reads).
  IDLE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  // Node's own default; long enough for a page and its stylesheet on one connection.
  KEEP_ALIVE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(5),
  // Well below the common 1,024 open-file limit, which the database and keys also need.
  MAX_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).default(512),
  // How often each process's worker looks for due jobs, tasks and event deliveries.
  WORKER_TICK_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  // Email notifications (ADR 24): unset SMTP_HOST and Haven sends no email at all.
  SMTP_HOST: z.string().regex(/^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$/, 'must be a host name or an address').optional(),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  SMTP_TLS: z.enum(['starttls', 'implicit', 'none']).default('starttls'),
  SMTP_USER: z.string().max(256).optional(),
  SMTP_PASSWORD: z.string().max(1024).optional(),
  SMTP_FROM: z.email('must be an email address').optional(),
});

const hints: Record<string, string> = {
  PORT: 'set PORT to a number between 0 and 65535, e.g. PORT=8080',
  DATABASE_URL: 'leave DATABASE_URL unset for the embedded SQLite, or set e.g. postgres://haven@127.0.0.1:5432/haven',
  HAVEN_MASTER_KEY: 'generate one with: node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'hex\'))"',
  PUBLIC_URL: 'the address people use to reach Haven, e.g. https://help.example.org',
  HAVEN_SEALED: 'true after `haven seal-init` (see docs/operations.md, "Sealed mode"), otherwise false or unset',
  INTAKE_BUDGET_PER_HOUR: 'a whole number of requests per hour, e.g. INTAKE_BUDGET_PER_HOUR=60',
  INTAKE_MIN_FILL_SECONDS: 'a whole number of seconds from 0 (off) to 600, e.g. INTAKE_MIN_FILL_SECONDS=3',
  ATTACHMENT_MAX_FILES: 'a whole number of files per message from 0 (no files) to 20, e.g. ATTACHMENT_MAX_FILES=5',
  ATTACHMENT_MAX_FILE_MB: 'a whole number of MiB per file from 1 to 100, e.g. ATTACHMENT_MAX_FILE_MB=10',
  ATTACHMENT_MAX_TOTAL_MB: 'a whole number of MiB for all the files of one message from 1 to 500, e.g. ATTACHMENT_MAX_TOTAL_MB=25',
  REQUEST_TIMEOUT_SECONDS: 'a whole number of seconds from 1 to 3600 for a whole request, body included, e.g. REQUEST_TIMEOUT_SECONDS=120',
  HEADERS_TIMEOUT_SECONDS: 'a whole number of seconds from 1 to 600, no more than REQUEST_TIMEOUT_SECONDS, e.g. HEADERS_TIMEOUT_SECONDS=30',
  IDLE_TIMEOUT_SECONDS: 'a whole number of seconds from 1 to 3600 a connection may stay silent mid-request, e.g. IDLE_TIMEOUT_SECONDS=60',
  KEEP_ALIVE_TIMEOUT_SECONDS: 'a whole number of seconds from 1 to 600, longer than any reverse proxy keeps an idle connection to Haven, e.g. KEEP_ALIVE_TIMEOUT_SECONDS=5',
  MAX_CONNECTIONS: 'a whole number of connections from 1 to 1000000, well below the open-file limit (ulimit -n), e.g. MAX_CONNECTIONS=512',
  WORKER_TICK_SECONDS: 'a whole number of seconds from 1 to 3600 between two looks for due background work, e.g. WORKER_TICK_SECONDS=60',
  SMTP_HOST: 'the mail server Haven sends notifications through, e.g. SMTP_HOST=smtp.example.org; leave unset for no email',
  SMTP_PORT: 'a port from 1 to 65535; by default 465 with SMTP_TLS=implicit, else 587',
  SMTP_TLS: 'starttls (the default: the connection must upgrade to TLS), implicit (TLS from the start, port 465) or none (only to a server on this machine)',
  SMTP_USER: 'the mail server account, with SMTP_PASSWORD; leave both unset for a server that needs none',
  SMTP_PASSWORD: 'the password of SMTP_USER',
  SMTP_FROM: 'the sender address of notification emails, e.g. SMTP_FROM=haven@example.org',
};

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  masterKeyHex: string | undefined;
  /** Sealed mode (ADR 10): the key that reads case content is only in memory after an unseal. */
  sealed: boolean;
  publicUrl: string;
  secureCookies: boolean;
  firstResponseMinutes: number;
  escalateLeadMinutes: number;
  escalateDirectorMinutes: number;
  logLevel: string;
  bodyLimitBytes: number;
  trustProxy: boolean;
  /** Accepted public requests per sliding hour before more go to the suspected-spam queue. */
  intakeBudgetPerHour: number;
  /** A request form sent sooner than this after it was shown is suspected spam (0: off). */
  intakeMinFillSeconds: number;
  /** Files per message, bytes per file and for all of them together (ADR 26). */
  attachments: { maxFiles: number; maxFileBytes: number; maxTotalBytes: number };
  /** The longest a whole request (headers and body) may take to arrive. */
  requestTimeoutSeconds: number;
  /** The longest the request line and headers may take to arrive. */
  headersTimeoutSeconds: number;
  /** A connection on which nothing moves this long mid-request or mid-answer is closed. */
  idleTimeoutSeconds: number;
  /** How long an idle connection is kept open for a next request. */
  keepAliveTimeoutSeconds: number;
  /** Connections open at once; beyond it new ones are closed at once, open ones finish. */
  maxConnections: number;
  /** Seconds between two ticks of the worker (due jobs, tasks, event deliveries). */
  workerTickSeconds: number;
  /** Whether PUBLIC_URL was set: emails link to `publicUrl` only then, else give the path alone. */
  publicUrlSet: boolean;
  /** The mail server notifications are sent through; null when none is configured (no email). */
  smtp: SmtpConfig | null;
}

/** How Haven reaches its mail server (notifications by email, ADR 24). */
export interface SmtpConfig {
  host: string;
  port: number;
  /** starttls: plain connection that must upgrade; implicit: TLS from the start; none: loopback only. */
  tls: 'starttls' | 'implicit' | 'none';
  auth: { user: string; pass: string } | null;
  from: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Haven cannot start; fix the configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the configuration from an environment (process.env by default). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(
    Object.keys(schema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const parsed = schema.safeParse(cleaned);
  const problems = parsed.success
    ? relatedProblems(parsed.data)
    : parsed.error.issues.map((issue) => {
        const key = String(issue.path[0] ?? '');
        const hint = hints[key] ? ` (${hints[key]})` : '';
        return `${key}: ${issue.message}${hint}`;
      });
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const c = parsed.data;
  const dataDir = isAbsolute(c.DATA_DIR) ? c.DATA_DIR : resolve(process.cwd(), c.DATA_DIR);
  const shownHost = c.HOST === '0.0.0.0' || c.HOST === '::' ? 'localhost' : c.HOST;
  const publicUrl = (c.PUBLIC_URL ?? `http://${shownHost}:${c.PORT}`).replace(/\/$/, '');
  return {
    host: c.HOST,
    port: c.PORT,
    dataDir,
    databaseUrl: c.DATABASE_URL,
    masterKeyHex: c.HAVEN_MASTER_KEY,
    sealed: c.HAVEN_SEALED === 'true',
    publicUrl,
    secureCookies: publicUrl.startsWith('https://'),
    firstResponseMinutes: c.FIRST_RESPONSE_MINUTES,
    escalateLeadMinutes: c.ESCALATE_LEAD_MINUTES,
    escalateDirectorMinutes: c.ESCALATE_DIRECTOR_MINUTES,
    logLevel: c.LOG_LEVEL,
    bodyLimitBytes: c.BODY_LIMIT_BYTES,
    trustProxy: c.TRUST_PROXY === 'true',
    intakeBudgetPerHour: c.INTAKE_BUDGET_PER_HOUR,
    intakeMinFillSeconds: c.INTAKE_MIN_FILL_SECONDS,
    attachments: {
      maxFiles: c.ATTACHMENT_MAX_FILES,
      maxFileBytes: c.ATTACHMENT_MAX_FILE_MB * 1024 * 1024,
      maxTotalBytes: c.ATTACHMENT_MAX_TOTAL_MB * 1024 * 1024,
    },
    requestTimeoutSeconds: c.REQUEST_TIMEOUT_SECONDS,
    headersTimeoutSeconds: c.HEADERS_TIMEOUT_SECONDS,
    idleTimeoutSeconds: c.IDLE_TIMEOUT_SECONDS,
    keepAliveTimeoutSeconds: c.KEEP_ALIVE_TIMEOUT_SECONDS,
    maxConnections: c.MAX_CONNECTIONS,
    workerTickSeconds: c.WORKER_TICK_SECONDS,
    publicUrlSet: c.PUBLIC_URL !== undefined,
    smtp:
      c.SMTP_HOST === undefined
        ? null
        : {
            host: c.SMTP_HOST,
            port: c.SMTP_PORT ?? (c.SMTP_TLS === 'implicit' ? 465 : 587),
            tls: c.SMTP_TLS,
            auth: c.SMTP_USER === undefined ? null : { user: c.SMTP_USER, pass: c.SMTP_PASSWORD ?? '' },
            from: c.SMTP_FROM!,
          },
  };
}

/** Problems between settings that are each valid alone. */
function relatedProblems(c: z.infer<typeof schema>): string[] {
  const problems: string[] = [];
  // Node refuses a headers timeout longer than the whole request's.
  if (c.HEADERS_TIMEOUT_SECONDS > c.REQUEST_TIMEOUT_SECONDS) {
    problems.push(
      `HEADERS_TIMEOUT_SECONDS: must not be longer than REQUEST_TIMEOUT_SECONDS (${c.REQUEST_TIMEOUT_SECONDS}) (${hints.HEADERS_TIMEOUT_SECONDS})`,
    );
  }
  problems.push(...smtpProblems(c));
  return problems;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The SMTP settings that are each valid but do not make a mail server together. */
function smtpProblems(c: z.infer<typeof schema>): string[] {
  const problems: string[] = [];
  const given = [c.SMTP_PORT, c.SMTP_USER, c.SMTP_PASSWORD, c.SMTP_FROM].some((v) => v !== undefined);
  if (c.SMTP_HOST === undefined) {
    if (given) problems.push(`SMTP_HOST: must be set when any other SMTP_ setting is (${hints.SMTP_HOST})`);
    return problems;
  }
  if (c.SMTP_FROM === undefined) problems.push(`SMTP_FROM: must be set with SMTP_HOST (${hints.SMTP_FROM})`);
  if ((c.SMTP_USER === undefined) !== (c.SMTP_PASSWORD === undefined))
    problems.push(`SMTP_USER, SMTP_PASSWORD: set both or neither (${hints.SMTP_USER})`);
  // A staff address and a case number in clear over the network: only to this machine.
  if (c.SMTP_TLS === 'none' && !LOOPBACK.has(c.SMTP_HOST.toLowerCase()))
    problems.push(`SMTP_TLS: none is allowed only for a server on this machine (${hints.SMTP_TLS})`);
  return problems;
}
