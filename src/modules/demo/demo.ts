import type { CaseStatus, ContactMethod, Urgency } from '../../contracts/case.js';
import type { DemoCaseRecord, DemoMessageRecord } from '../cases/index.js';
import { Rng, weighted, weightedSpec, type Weighted } from './demo.random.js';
import {
  CONTACT_WORDS,
  DEMO_TEXT,
  NOTES,
  type IncidentCode,
  type LanguageText,
} from './demo.text.js';

// The demo year as pure data: a seeded generator that yields synthetic cases in the order
// they arrived, one at a time, so a million of them never sit in memory together. No I/O.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The share of requests that are reactive (an incident unfolding), from the helpline's 2023 figures. */
export const REACTIVE_SHARE = 0.82;
/** Requests the helpline received in 2023: the default size of the demo year. */
export const DEMO_DEFAULT_REQUESTS = 3709;

/** One message of a synthetic case: the shape the cases module's bulk load writes. */
export type DemoMessage = DemoMessageRecord;

/** One synthetic case, with everything needed to write it as a real one (the cases module's record). */
export interface DemoCase extends DemoCaseRecord {
  incidentType: IncidentCode | null;
  messages: DemoMessage[];
}

export interface DemoPlanOptions {
  requests: number;
  seed: string;
  /** Requests arrive in [from, to); cases are aged as seen at `to`. */
  from: number;
  to: number;
  firstResponseMinutes: number;
  /**
   * The retention rules in force. When given, a case they would already have emptied by `to`
   * is written as a live helpline holds it by then: purged when it fell due, under its rule,
   * without messages, contact, country or key (what a purge deletes), its structured data kept
   * for reports. Its other values are unchanged.
   */
  retention?: readonly DemoRetentionRule[];
  /**
   * `to` is a live helpline's now (the default window, not a calendar year): the requests of
   * its last hours wait longer for their first answer (see LIVE_BACKLOG), so the queue holds
   * a backlog at `to`. Off, the cases are exactly those of a past year.
   */
  live?: boolean;
}

/**
 * The backlog of a live helpline at now. Without it, 89 % of requests are answered within two
 * hours and the queue at now is all but empty (about 0.05 overdue cases). With it, the shift
 * fell behind over the last `hours`: a request that arrived then waits its usual delay plus a
 * lag that grows from nothing `hours` before now to `lagMinutes` at now. The requests of the
 * last hours are still new at now, most of them past their first-response deadline (the
 * deadline is two hours, the lag longer), and those before were answered late. The lag adds
 * to the drawn delay without drawing anything, so every earlier case is the same as without it.
 */
export const LIVE_BACKLOG = { hours: 36, lagMinutes: 12 * 60 } as const;

/** A retention rule as the demo needs it (the retention module owns the rules). */
export interface DemoRetentionRule {
  status: string;
  /** null for the status's general rule. */
  incidentType: string | null;
  basis: 'closed_at' | 'last_activity_at';
  days: number;
  enabled: boolean;
}

/** When the demo's requests arrive: [from, to). */
export interface DemoWindow {
  from: number;
  to: number;
}

/**
 * The demo's window at `now`: by default the 12 months up to `now` (from midnight UTC on the
 * same date a year before), so the workspace looks like a live helpline's; with `year`, that
 * calendar year, ending at `now` when it is still under way. Null when `year` has not started.
 */
export function demoWindow(now: number, year?: number): DemoWindow | null {
  if (year === undefined) {
    const d = new Date(now);
    return { from: Date.UTC(d.getUTCFullYear() - 1, d.getUTCMonth(), d.getUTCDate()), to: now };
  }
  const from = Date.UTC(year, 0, 1);
  const to = Math.min(Date.UTC(year + 1, 0, 1), now);
  return to > from ? { from, to } : null;
}

/**
 * True when the rules would already have deleted this case's personal data at `now`: the rule
 * for its status and incident type, else its status's general rule, is enabled and the case's
 * basis time is at least the rule's period old (the retention module's precedence and cutoff).
 */
export function dueUnderRetention(
  rules: readonly DemoRetentionRule[],
  c: Pick<DemoCaseRecord, 'status' | 'incidentType' | 'closedAt' | 'lastActivityAt'>,
  now: number,
): boolean {
  return retentionPurge(rules, c, now) !== null;
}

/**
 * The purge the rules would already have made of this case by `now` (when it became due, and
 * under which rule), or null: see `dueUnderRetention`.
 */
export function retentionPurge(
  rules: readonly DemoRetentionRule[],
  c: Pick<DemoCaseRecord, 'status' | 'incidentType' | 'closedAt' | 'lastActivityAt'>,
  now: number,
): NonNullable<DemoCaseRecord['purged']> | null {
  const ofStatus = rules.filter((r) => r.status === c.status);
  const rule =
    (c.incidentType !== null
      ? ofStatus.find((r) => r.incidentType === c.incidentType)
      : undefined) ?? ofStatus.find((r) => r.incidentType === null);
  if (!rule?.enabled) return null;
  const since = rule.basis === 'closed_at' ? c.closedAt : c.lastActivityAt;
  if (since === null || since > now - rule.days * DAY) return null;
  return {
    at: since + rule.days * DAY,
    rule: { status: rule.status, incidentType: rule.incidentType, basis: rule.basis, days: rule.days },
  };
}

// Countries per region with a relative weight and the languages requests from there come in.
// Uneven on purpose: a few countries in each region send most of the requests.
const COUNTRIES: Record<string, readonly (readonly [string, number, string])[]> = {
  americas: [
    ['MX', 14, 'es:9 en:1'],
    ['CO', 12, 'es:9 en:1'],
    ['BR', 12, 'pt:9 es:1'],
    ['VE', 9, 'es'],
    ['GT', 8, 'es'],
    ['NI', 7, 'es'],
    ['HN', 7, 'es'],
    ['CU', 5, 'es'],
    ['SV', 5, 'es'],
    ['PE', 5, 'es'],
    ['EC', 4, 'es'],
    ['BO', 4, 'es'],
    ['HT', 3, 'fr:7 en:3'],
    ['US', 3, 'en:7 es:3'],
    ['AR', 2, 'es'],
  ],
  europe_central_asia: [
    ['RU', 12, 'ru:9 en:1'],
    ['BY', 10, 'ru:6 be:3 en:1'],
    ['UA', 10, 'uk:6 ru:3 en:1'],
    ['TR', 10, 'tr:8 ku:1 en:1'],
    ['AZ', 5, 'az:6 ru:3 en:1'],
    ['KZ', 5, 'ru:6 kk:3 en:1'],
    ['KG', 4, 'ru:5 ky:4 en:1'],
    ['GE', 4, 'ka:7 en:3'],
    ['TJ', 3, 'tg:5 ru:5'],
    ['UZ', 3, 'uz:5 ru:5'],
    ['AM', 3, 'hy:7 ru:2 en:1'],
    ['RS', 4, 'sr:8 en:2'],
    ['HU', 3, 'en'],
    ['PL', 2, 'pl:8 en:2'],
  ],
  mena: [
    ['EG', 12, 'ar:9 en:1'],
    ['IR', 12, 'fa:9 en:1'],
    ['SY', 10, 'ar:8 ku:1 en:1'],
    ['IQ', 8, 'ar:7 ku:3'],
    ['LB', 8, 'ar:7 fr:2 en:1'],
    ['PS', 8, 'ar:9 en:1'],
    ['YE', 6, 'ar'],
    ['TN', 6, 'ar:6 fr:4'],
    ['MA', 5, 'ar:6 fr:4'],
    ['DZ', 5, 'ar:5 fr:5'],
    ['SA', 4, 'ar:9 en:1'],
    ['JO', 4, 'ar:9 en:1'],
    ['LY', 3, 'ar'],
    ['BH', 3, 'ar:8 en:2'],
  ],
  asia_pacific: [
    ['MM', 12, 'my:8 en:2'],
    ['PH', 10, 'en:6 tl:4'],
    ['IN', 10, 'en:5 hi:4 ta:1'],
    ['PK', 8, 'ur:6 en:4'],
    ['BD', 8, 'bn:8 en:2'],
    ['ID', 7, 'id:9 en:1'],
    ['TH', 6, 'th:8 en:2'],
    ['AF', 6, 'fa:5 ps:4 en:1'],
    ['KH', 5, 'km:8 en:2'],
    ['VN', 5, 'vi:9 en:1'],
    ['HK', 4, 'zh:6 en:4'],
    ['LK', 4, 'si:5 ta:3 en:2'],
    ['NP', 3, 'ne:7 en:3'],
    ['MY', 3, 'ms:6 en:4'],
  ],
  africa: [
    ['SD', 8, 'ar:9 en:1'],
    ['ET', 8, 'am:7 en:3'],
    ['KE', 8, 'en:6 sw:4'],
    ['UG', 7, 'en:8 sw:2'],
    ['NG', 7, 'en:9 ha:1'],
    ['ZW', 6, 'en'],
    ['CD', 6, 'fr'],
    ['CM', 5, 'fr:7 en:3'],
    ['TZ', 5, 'sw:6 en:4'],
    ['SO', 4, 'so:7 ar:1 en:2'],
    ['RW', 3, 'en:5 fr:5'],
    ['BI', 3, 'fr'],
    ['ML', 3, 'fr'],
    ['SN', 3, 'fr'],
    ['ZA', 3, 'en'],
    ['BF', 3, 'fr'],
    ['ER', 2, 'ti:8 en:2'],
  ],
};

const REGION_WEIGHTS: readonly (readonly [string, number])[] = [
  ['americas', 22],
  ['europe_central_asia', 21],
  ['mena', 20],
  ['asia_pacific', 20],
  ['africa', 17],
];

const NO_COUNTRY_LANGUAGES = weightedSpec('en:6 es:2 fr:1 ar:1 ru:1');

// The demo plans requests whose urgency is known; 'unknown' (the requester did not say) is left out.
const INCIDENTS: Record<Exclude<Urgency, 'unknown'>, Weighted<IncidentCode>> = {
  reactive: weighted<IncidentCode>([
    ['harassment', 18],
    ['account_access', 17],
    ['suspicious_message', 14],
    ['device_suspicious', 12],
    ['impersonation', 7],
    ['website_down', 6],
    ['device_lost', 6],
    ['doxing', 5],
    ['surveillance', 5],
    ['ncii', 3],
    ['data_lost', 3],
    ['connectivity', 3],
    ['other', 1],
  ]),
  preventive: weighted<IncidentCode>([
    ['security_review', 55],
    ['surveillance', 10],
    ['suspicious_message', 8],
    ['device_suspicious', 8],
    ['account_access', 6],
    ['website_down', 5],
    ['other', 8],
  ]),
};

const SEVERITY: Record<Exclude<Urgency, 'unknown'>, Weighted<string>> = {
  reactive: weightedSpec('low:15 medium:40 high:35 critical:10'),
  preventive: weightedSpec('low:45 medium:45 high:10'),
};

// The requester's optional "who you are"; empty means they did not say.
const BENEFICIARY = weightedSpec(
  'journalist:28 activist:24 hrd:22 marginalised:12 organisation:11 other:2 -:5',
);
const CONTACT = weighted<ContactMethod>([
  ['email', 45],
  ['signal', 25],
  ['none', 20],
  ['phone', 5],
  ['other', 5],
]);
// Requests arrive around the clock but follow the waking hours of most requesters (UTC).
const HOUR_OF_DAY = weighted(
  Array.from({ length: 24 }, (_, h) => [h, h >= 6 && h <= 21 ? 6 : 2] as const),
);
const EXCHANGES = weighted([
  [0, 25],
  [1, 35],
  [2, 25],
  [3, 10],
  [4, 5],
] as const);

/** A local crisis: for a few days one region sends many more requests of one kind. */
interface Crisis {
  region: string;
  incident: IncidentCode;
  startDay: number;
  days: number;
  boost: number;
}

function planCrises(rng: Rng, dayCount: number): Crisis[] {
  const incidents: IncidentCode[] = [
    'connectivity',
    'website_down',
    'harassment',
    'suspicious_message',
    'device_lost',
  ];
  const out: Crisis[] = [];
  const n = Math.max(1, Math.round(dayCount / 60));
  for (let i = 0; i < n; i++) {
    out.push({
      region: rng.choose(weighted(REGION_WEIGHTS)),
      incident: rng.pick(incidents),
      startDay: rng.int(0, Math.max(0, dayCount - 1)),
      days: rng.int(3, 10),
      boost: 0.4 + rng.next() * 0.8,
    });
  }
  return out;
}

function fill(template: string, rng: Rng): string {
  return template.replace('{days}', String(rng.int(2, 9)));
}

function textFor(language: string): LanguageText {
  return DEMO_TEXT[language] ?? DEMO_TEXT.en!;
}

function contactFor(method: ContactMethod, rng: Rng): string | null {
  const word = rng.pick(CONTACT_WORDS);
  const n = rng.int(10, 999);
  switch (method) {
    case 'none':
      return null;
    case 'email':
      return `${word}${n}@example.org`;
    case 'signal':
      return `${word}.${String(n).padStart(2, '0')}`;
    case 'phone':
      // 555-01xx numbers are reserved for fiction.
      return `+1 555 01${String(rng.int(0, 99)).padStart(2, '0')}`;
    case 'other':
      return `@${word}${n}:example.org`;
  }
}

/**
 * How many requests arrive on each day of the window: weekday rhythm, slow drift and a few
 * regional crises, rounded so the days add up to exactly `requests`.
 */
function dailyCounts(rng: Rng, opts: DemoPlanOptions, crises: readonly Crisis[]): number[] {
  const dayCount = Math.ceil((opts.to - opts.from) / DAY);
  const weights: number[] = [];
  let total = 0;
  for (let d = 0; d < dayCount; d++) {
    const start = opts.from + d * DAY;
    const dow = new Date(start).getUTCDay();
    let w = dow === 0 || dow === 6 ? 0.7 : 1;
    w *= 1 + 0.15 * Math.sin((2 * Math.PI * d) / 365) + 0.1 * (rng.next() - 0.5);
    for (const c of crises) if (d >= c.startDay && d < c.startDay + c.days) w *= 1 + c.boost;
    w *= Math.min(1, (opts.to - start) / DAY); // a last partial day gets its share
    weights.push(w);
    total += w;
  }
  const counts: number[] = [];
  let cum = 0;
  let prev = 0;
  for (const w of weights) {
    cum += w;
    const upto = Math.round((cum / total) * opts.requests);
    counts.push(upto - prev);
    prev = upto;
  }
  return counts;
}

/**
 * The demo year, case by case in order of arrival. The same options give the same cases.
 * Exactly round(requests × 0.82) of them are reactive: each case is drawn reactive with
 * probability (reactive left / cases left), which spreads them evenly and hits the total.
 */
export function* demoPlan(opts: DemoPlanOptions): Generator<DemoCase> {
  const rng = new Rng(`haven-demo:${opts.seed}`);
  const dayCount = Math.ceil((opts.to - opts.from) / DAY);
  const crises = planCrises(rng, dayCount);
  const counts = dailyCounts(rng, opts, crises);
  const regionTables = new Map<string, Weighted<readonly [string, number, string]>>();
  for (const [region, list] of Object.entries(COUNTRIES)) {
    regionTables.set(region, weighted(list.map((c) => [c, c[1]] as const)));
  }
  const languageTables = new Map<string, Weighted<string>>();
  for (const list of Object.values(COUNTRIES))
    for (const c of list) languageTables.set(c[0], weightedSpec(c[2]));

  let reactiveLeft = Math.round(opts.requests * REACTIVE_SHARE);
  let left = opts.requests;

  for (let d = 0; d < counts.length; d++) {
    const dayStart = opts.from + d * DAY;
    const active = crises.filter((c) => d >= c.startDay && d < c.startDay + c.days);
    const regionTable = weighted(
      REGION_WEIGHTS.map(
        ([r, w]) =>
          [
            r,
            w * active.filter((c) => c.region === r).reduce((m, c) => m * (1 + 3 * c.boost), 1),
          ] as const,
      ),
    );
    const times: number[] = [];
    for (let i = 0; i < counts[d]!; i++) {
      let t = dayStart + rng.choose(HOUR_OF_DAY) * HOUR + Math.floor(rng.next() * HOUR);
      // On a day still under way, an hour that has not come yet is drawn again from the part
      // that has (never on a whole day: a past year's cases are drawn exactly as they always were).
      if (t >= opts.to) t = dayStart + Math.floor(rng.next() * (opts.to - dayStart));
      times.push(t);
    }
    times.sort((a, b) => a - b);
    for (const createdAt of times) {
      const urgency: Urgency = rng.next() < reactiveLeft / left ? 'reactive' : 'preventive';
      if (urgency === 'reactive') reactiveLeft--;
      left--;
      const c = planCase(
        rng,
        opts,
        createdAt,
        urgency,
        regionTable,
        regionTables,
        languageTables,
        active,
      );
      const purged = opts.retention ? retentionPurge(opts.retention, c, opts.to) : null;
      yield purged ? { ...c, contact: null, country: null, messages: [], purged } : c;
    }
  }
}

function planCase(
  rng: Rng,
  opts: DemoPlanOptions,
  createdAt: number,
  urgency: Exclude<Urgency, 'unknown'>,
  regionTable: Weighted<string>,
  countryTables: Map<string, Weighted<readonly [string, number, string]>>,
  languageTables: Map<string, Weighted<string>>,
  crises: readonly Crisis[],
): DemoCase {
  const asOf = opts.to;
  const hasCountry = rng.chance(0.94);
  const region = hasCountry ? rng.choose(regionTable) : null;
  const country = region ? rng.choose(countryTables.get(region)!)[0] : null;
  const language = rng.choose(country ? languageTables.get(country)! : NO_COUNTRY_LANGUAGES);
  const crisis = crises.find((c) => c.region === region);
  const incident: IncidentCode =
    crisis && urgency === 'reactive' && rng.chance(0.5)
      ? crisis.incident
      : rng.choose(INCIDENTS[urgency]);
  const b = rng.choose(BENEFICIARY);
  const beneficiary = b === '-' ? null : b;
  const contactMethod = rng.choose(CONTACT);
  const contact = contactFor(contactMethod, rng);
  const severity = rng.choose(SEVERITY[urgency]);
  const outOfMandate = rng.chance(urgency === 'reactive' ? 0.06 : 0.1);
  const t = textFor(language);

  const opening = rng.pick(t.opening);
  const body = fill(rng.pick(t.incident[incident]), rng);
  const closing = rng.pick(t.closing);
  const messages: DemoMessage[] = [
    {
      kind: 'requester',
      byHandler: false,
      at: createdAt,
      text: [opening, body, closing].filter(Boolean).join(' '),
    },
  ];

  // Minutes until the first answer: most well within two hours, a tail of overdue ones.
  const age = asOf - createdAt;
  const lag =
    opts.live && age < LIVE_BACKLOG.hours * HOUR
      ? LIVE_BACKLOG.lagMinutes * (1 - age / (LIVE_BACKLOG.hours * HOUR))
      : 0;
  const firstDelay = Math.min(
    3 * 24 * 60,
    Math.max(2, rng.logNormal(urgency === 'reactive' ? 35 : 60, 0.9)) + lag,
  );
  const firstAt = createdAt + Math.round(firstDelay * MINUTE);
  // How long the case stays open in all, from arrival to closure.
  const durationDays = Math.min(120, rng.logNormal(urgency === 'reactive' ? 2.5 : 9, 1));
  const closeAt = Math.max(firstAt + HOUR, createdAt + Math.round(durationDays * DAY));
  const exchanges = rng.choose(EXCHANGES);
  const wantsVettingNote = rng.chance(0.6);
  const wantsProgressNote = rng.chance(0.2);
  const wantsClosingReply = rng.chance(0.8);
  const closedRatherThanResolved = rng.chance(asOf - closeAt > 30 * DAY ? 0.9 : 0.3);
  const assignedEarly = rng.chance(0.3);

  const base = {
    urgency,
    country,
    region,
    language,
    beneficiary,
    contactMethod,
    contact,
    createdAt,
    firstResponseDueAt: createdAt + opts.firstResponseMinutes * MINUTE,
  };

  if (firstAt > asOf) {
    // Not answered yet: new, untriaged, maybe already claimed by the handler.
    return {
      ...base,
      incidentType: null,
      severity: null,
      mandate: 'pending',
      status: 'new',
      assigned: assignedEarly,
      awaitingReply: true,
      updatedAt: createdAt,
      firstResponseAt: null,
      lastActivityAt: createdAt,
      closedAt: null,
      version: assignedEarly ? 2 : 1,
      messages,
    };
  }

  const triaged = {
    ...base,
    incidentType: incident,
    severity,
    assigned: true,
    firstResponseAt: firstAt,
  };

  if (outOfMandate) {
    const noteAt = firstAt - Math.min(3 * MINUTE, Math.floor((firstAt - createdAt) / 2));
    messages.push({
      kind: 'note',
      byHandler: true,
      at: noteAt,
      text: rng.pick(NOTES.outOfMandate),
    });
    messages.push({ kind: 'reply', byHandler: true, at: firstAt, text: rng.pick(t.outOfMandate) });
    const closed = rng.chance(0.25);
    // Referred or closed, the case is finished either way: closed_at is set (ADR 9).
    const closedAt = Math.min(asOf, firstAt + 10 * MINUTE);
    return {
      ...triaged,
      mandate: 'out_of_mandate',
      status: closed ? 'closed' : 'referred',
      awaitingReply: false,
      updatedAt: closedAt,
      lastActivityAt: firstAt,
      closedAt,
      version: 4 + (closed ? 1 : 0),
      messages,
    };
  }

  messages.push({ kind: 'reply', byHandler: true, at: firstAt, text: rng.pick(t.initialReply) });
  if (wantsVettingNote) {
    const noteAt = Math.min(closeAt - MINUTE, firstAt + rng.int(2, 90) * MINUTE);
    messages.push({ kind: 'note', byHandler: true, at: noteAt, text: rng.pick(NOTES.vetting) });
  }
  // The conversation after the first reply, spread over the life of the case.
  const span = closeAt - firstAt;
  for (let i = 0; i < exchanges; i++) {
    const askAt = firstAt + Math.round(((i + 0.3 + rng.next() * 0.5) / (exchanges + 1)) * span);
    messages.push({ kind: 'requester', byHandler: false, at: askAt, text: rng.pick(t.followUp) });
    const answerAt =
      askAt + Math.round(Math.min(span / (exchanges + 1) / 2, rng.logNormal(90, 1) * MINUTE));
    messages.push({
      kind: 'reply',
      byHandler: true,
      at: Math.max(askAt + MINUTE, answerAt),
      text: rng.pick(t.advice),
    });
  }
  if (wantsProgressNote) {
    messages.push({
      kind: 'note',
      byHandler: true,
      at: firstAt + Math.round(span * rng.next()),
      text: rng.pick(NOTES.progress),
    });
  }
  const finished = closeAt <= asOf;
  if (finished && wantsClosingReply) {
    messages.push({ kind: 'reply', byHandler: true, at: closeAt, text: rng.pick(t.closingReply) });
  }

  // Only what had happened by the end of the window is kept.
  const seen = messages.filter((m) => m.at <= asOf).sort((a, b) => a.at - b.at);
  const last = seen[seen.length - 1]!;
  const lastExchange = [...seen].reverse().find((m) => m.kind !== 'note')!;
  const awaiting = lastExchange.kind === 'requester';

  let status: CaseStatus;
  let mandate: DemoCase['mandate'] = 'in_mandate';
  if (finished) status = closedRatherThanResolved ? 'closed' : 'resolved';
  else if (awaiting) status = 'open';
  else if (asOf - firstAt < DAY && !wantsVettingNote) {
    status = 'vetting';
    mandate = 'pending';
  } else status = rng.chance(0.6) ? 'waiting' : 'open';

  const closedAt = finished ? closeAt : null;
  return {
    ...triaged,
    mandate,
    status,
    awaitingReply: !finished && awaiting,
    updatedAt: Math.max(last.at, closedAt ?? 0),
    lastActivityAt: last.at,
    closedAt,
    version: 2 + seen.length + (finished ? 1 : 0),
    messages: seen,
  };
}
