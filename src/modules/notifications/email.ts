import nodemailer, { type Transporter } from 'nodemailer';
import { z } from 'zod';
import type { SmtpConfig } from '../../config/index.js';
import type { Deps } from '../../deps.js';
import { PUBLIC_LOCALES } from '../../platform/i18n/index.js';
import type { TaskDefinition } from '../../platform/jobs/queue.js';
import { activeRecipients } from '../accounts/index.js';
import { whoMayKnow } from '../cases/index.js';
import * as repo from './notification.repo.js';
import { EMAIL_TASK } from './notification.service.js';

// A notification's email (ADR 24): "Case 123 needs you" and a link to the staff case page,
// in the recipient's language, and nothing else: never what a requester wrote, their contact,
// or anything about the case but its number. Sent from the task queue (retried with backoff,
// then dead-lettered), at most once: a claim is committed before the mail server is called
// and the sent mark after; a claim whose worker died is never sent again (`unsure`).

/** How long a claim is trusted to be a live send: beyond every timeout of the mail client. */
export const EMAIL_CLAIM_MS = 5 * 60_000;

/** The mail client's timeouts: connecting, the server's greeting, and any silence after. */
const TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };

/** A claim that may still be sending: the task is tried again later, never sent beside it. */
export class EmailBusy extends Error {
  override name = 'EmailBusy';
}

// One client per mail server setting (a process has one): it holds no state of its own.
const transports = new WeakMap<SmtpConfig, Transporter>();

function transportFor(deps: Deps, smtp: SmtpConfig): Transporter {
  let t = transports.get(smtp);
  if (!t) {
    t = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.tls === 'implicit',
      requireTLS: smtp.tls === 'starttls',
      ignoreTLS: smtp.tls === 'none',
      ...(smtp.auth ? { auth: smtp.auth } : {}),
      // The greeting names Haven's public host, not the machine's own name.
      name: mailHost(deps),
      ...TIMEOUTS,
    });
    transports.set(smtp, t);
  }
  return t;
}

/** The host that names Haven in mail: PUBLIC_URL's, or a name that can belong to nobody. */
function mailHost(deps: Deps): string {
  return deps.config.publicUrlSet ? new URL(deps.config.publicUrl).hostname : 'haven.invalid';
}

/** What an email says: subject and text, in `locale`, from the case number alone. */
export function emailMessage(deps: Deps, locale: string, caseId: number): { subject: string; text: string } {
  const lang = (PUBLIC_LOCALES as readonly string[]).includes(locale) ? locale : 'en';
  const path = `/staff/cases/${caseId}`;
  const link = deps.config.publicUrlSet ? `${deps.config.publicUrl}${path}` : path;
  const subject = deps.i18n.format(lang, 'notifications.email.subject', { id: caseId });
  const text = `${deps.i18n.format(lang, 'notifications.email.body', { id: caseId })}\n\n${link}\n`;
  return { subject, text };
}

/** The stable Message-ID of a notification's email: the same at every attempt. */
export function messageIdOf(deps: Deps, notificationId: string): string {
  return `<notification.${notificationId}@${mailHost(deps)}>`;
}

/**
 * Sends notification `id`'s email, at most once. 'sent'; 'skipped' when there is nothing to
 * send (already sent, not wanted, unknown, no mail server); 'cancelled' when its person can no
 * longer receive it (their account is not active); 'unsure' when an earlier attempt's worker
 * died while sending (it is not sent again: ADR 24). Throws when the server refused or could
 * not be reached, after putting it back to pending, so the task is tried again; throws
 * EmailBusy while another attempt's claim is live.
 */
export async function deliverEmail(deps: Deps, id: string): Promise<'sent' | 'skipped' | 'cancelled' | 'unsure'> {
  const smtp = deps.config.smtp;
  if (!smtp) return 'skipped';
  const claimedAt = deps.now();
  const claim = await repo.claimEmail(deps.db, id, claimedAt);
  if (!claim) {
    const state = await repo.emailStateOf(deps.db, id);
    if (state?.email_state !== 'sending' || state.email_claimed_at === null) return 'skipped';
    if (deps.now() - state.email_claimed_at < EMAIL_CLAIM_MS) throw new EmailBusy('another attempt is sending it');
    // Its worker died between the claim and the sent mark: the server may have it already.
    await repo.settleEmail(deps.db, id, state.email_claimed_at, 'unsure', deps.now());
    return 'unsure';
  }
  const [person] = await activeRecipients(deps, [claim.user_id]);
  // Nor to someone who may no longer know the case: it was restricted since (ADR 32).
  if (!person || !(await whoMayKnow(deps.db, claim.case_id, [person.id])).has(person.id)) {
    await repo.settleEmail(deps.db, id, claimedAt, 'none', deps.now());
    return 'cancelled';
  }
  const { subject, text } = emailMessage(deps, person.locale, claim.case_id);
  try {
    await transportFor(deps, smtp).sendMail({
      from: smtp.from,
      to: person.email,
      subject,
      text,
      messageId: messageIdOf(deps, id),
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  } catch (e) {
    await repo.settleEmail(deps.db, id, claimedAt, 'pending', deps.now());
    throw e;
  }
  await repo.settleEmail(deps.db, id, claimedAt, 'sent', deps.now());
  return 'sent';
}

const EmailPayload = z.object({ notificationId: z.uuid() });

/** The email task: one notification's email, tried up to 6 times with the queue's backoff. */
export function emailTask(deps: Deps): TaskDefinition<z.infer<typeof EmailPayload>> {
  return {
    name: EMAIL_TASK,
    maxAttempts: 6,
    parse: (p) => EmailPayload.parse(p),
    run: async (p) => {
      await deliverEmail(deps, p.notificationId);
    },
  };
}
