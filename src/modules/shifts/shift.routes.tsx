import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SurfaceAssets } from '../../contracts/module.js';
import type { Deps } from '../../deps.js';
import { errorDefinition } from '../../platform/errors.js';
import { textBody } from '../../platform/http/body-limit.js';
import { defineFlashes } from '../../platform/http/flash.js';
import { checkFormToken, issueFormToken } from '../../platform/http/form-token.js';
import { listField, parseForm } from '../../platform/http/form.js';
import { oneTimeToken } from '../../platform/http/spent-tokens.js';
import type { Option } from '../../platform/views/form.js';
import { sendPage } from '../../platform/views/render.js';
import { staffContext, staffErrorPage } from '../../platform/views/staff-layout.js';
import { listAssignableStaff, staffNames } from '../accounts/index.js';
import {
  acknowledgeHandover,
  addNote,
  countWaitingHandovers,
  listRecentHandovers,
  viewHandover,
} from './handover.service.js';
import { planAround, upcomingExceptions, yesterdayUtc, type TeamPlan } from './schedule.service.js';
import {
  ID_MAX,
  ID_PATTERN,
  NOTE_MAX,
  PEOPLE_MAX,
  ExceptionInput,
  NewSlotInput,
  NoteInput,
  SlotPeopleInput,
} from './shift.schema.js';
import {
  addException,
  addSlot,
  findSlot,
  removeException,
  removeSlot,
  setSlotPeople,
} from './shift.service.js';
import { shiftsPolicy } from './shift.policy.js';
import { HandoverPage, HandoversPage, handoverHref, HANDOVERS_HREF } from './views/handovers.js';
import {
  NowPage,
  ShiftsPage,
  SlotPage,
  slotHref,
  SHIFTS_HREF,
  type FailedForm,
  type NowEntry,
  type TeamWeek,
} from './views/shifts.js';

const flashes = defineFlashes({
  slot_added: 'shifts.done.slot_added',
  slot_changed: 'shifts.done.slot_changed',
  slot_removed: 'shifts.done.slot_removed',
  unchanged: 'shifts.done.unchanged',
  exception_added: 'shifts.done.exception_added',
  exception_removed: 'shifts.done.exception_removed',
  note_added: 'shifts.done.note_added',
  acknowledged: 'shifts.done.acknowledged',
  repeated: 'shifts.done.repeated',
  expired: 'shifts.done.expired',
});

const NOTE_FORM = 'handover-note-form';
const ACK_FORM = 'handover-ack-form';
/** A form token's length is far below this. */
const TOKEN_MAX = 200;

/** The body of the slot forms: ids, a weekday, two times and up to PEOPLE_MAX people. */
const SLOT_BODY = textBody({
  team: ID_MAX,
  weekday: 1,
  start: 5,
  end: 5,
  lead: ID_MAX,
  members: (PEOPLE_MAX + 1) * (ID_MAX + 9),
});
const EXCEPTION_BODY = textBody({ date: 10, kind: 8, person: ID_MAX, replacement: ID_MAX });
const NOTE_BODY = textBody({ note: NOTE_MAX, _once: TOKEN_MAX });

/**
 * /staff/shifts: every team's weekly schedule (in the team's zone and the reader's), who is on
 * shift now, one slot with its people and exceptions; coordinators and administrators change
 * them. /staff/handovers: the handovers at each shift's end, the team's cases by section, the
 * outgoing shift's notes and the incoming lead's acknowledgement (ADR 33).
 */
export function registerShiftRoutes(app: FastifyInstance, deps: Deps, assets: SurfaceAssets): void {
  const errorPage = staffErrorPage(assets.cssUrl);
  const canEdit = (req: FastifyRequest) => shiftsPolicy.can(req.principal, 'shift.edit');
  const idParam = (req: FastifyRequest): string | null => {
    const id = (req.params as Record<string, string | undefined>).id ?? '';
    return ID_PATTERN.test(id) ? id : null;
  };

  async function staffOptions(): Promise<Option[]> {
    return (await listAssignableStaff(deps)).map((s) => ({ value: s.id, label: s.displayName }));
  }

  function nowEntries(plans: TeamPlan[], which: 'now' | 'following'): NowEntry[] {
    return plans.flatMap((p) => {
      const s = p[which];
      return s
        ? [
            {
              teamId: p.schedule.teamId,
              teamName: p.schedule.teamName,
              timeZone: p.schedule.timeZone,
              leadId: s.leadId,
              memberIds: s.memberIds,
              startsAt: s.startsAt,
              endsAt: s.endsAt,
            },
          ]
        : [];
    });
  }

  async function schedulePage(
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    failed: FailedForm | null,
  ) {
    const now = deps.now();
    const plans = await planAround(deps, now);
    const slots = plans.flatMap((p) => p.schedule.slots);
    const exceptions = await upcomingExceptions(
      deps,
      slots.map((s) => s.id),
      yesterdayUtc(now),
    );
    const bySlot = new Map(slots.map((s) => [s.id, s]));
    const weeks: TeamWeek[] = plans.map((p) => ({
      teamId: p.schedule.teamId,
      teamName: p.schedule.teamName,
      timeZone: p.schedule.timeZone,
      slots: p.schedule.slots.map((s) => ({
        ...s,
        nextStartsAt: p.next.get(s.id)?.startsAt ?? null,
        nextEndsAt: p.next.get(s.id)?.endsAt ?? null,
      })),
      exceptions: exceptions
        .filter((e) => bySlot.get(e.slotId)?.teamId === p.schedule.teamId)
        .map((e) => ({ ...e, slot: bySlot.get(e.slotId)! })),
    }));
    const now_ = nowEntries(plans, 'now');
    const staff = canEdit(req) ? await staffOptions() : [];
    const names = await staffNames(deps, [
      ...slots.flatMap((s) => [...s.memberIds, ...(s.leadId ? [s.leadId] : [])]),
      ...now_.flatMap((n) => n.memberIds),
      ...exceptions.flatMap((e) =>
        [e.userId, e.replacementId].filter((x): x is string => x !== null),
      ),
    ]);
    return sendPage(
      reply,
      status,
      <ShiftsPage
        ctx={staffContext(req, assets.cssUrl, status === 200 ? flashes.read(req) : undefined)}
        weeks={weeks}
        now={now_}
        names={names}
        canEdit={canEdit(req)}
        teams={plans.map((p) => ({ value: p.schedule.teamId, label: p.schedule.teamName }))}
        staff={staff}
        failed={failed}
      />,
    );
  }

  async function slotPage(
    req: FastifyRequest,
    reply: FastifyReply,
    slotId: string,
    status: number,
    failed: (FailedForm & { form: 'people' | 'exception' }) | null,
  ) {
    const slot = await findSlot(deps, slotId);
    if (!slot) return errorPage(req, reply, 'NOT_FOUND');
    const now = deps.now();
    const [plan] = await planAround(deps, now, [slot.teamId]);
    if (!plan) return errorPage(req, reply, 'NOT_FOUND');
    const exceptions = await upcomingExceptions(deps, [slot.id], yesterdayUtc(now));
    const staff = canEdit(req) ? await staffOptions() : [];
    const names = await staffNames(deps, [
      ...slot.memberIds,
      ...(slot.leadId ? [slot.leadId] : []),
      ...exceptions.flatMap((e) =>
        [e.userId, e.replacementId].filter((x): x is string => x !== null),
      ),
    ]);
    const next = plan.next.get(slot.id);
    return sendPage(
      reply,
      status,
      <SlotPage
        ctx={staffContext(req, assets.cssUrl, status === 200 ? flashes.read(req) : undefined)}
        slot={slot}
        teamName={plan.schedule.teamName}
        timeZone={plan.schedule.timeZone}
        nextStartsAt={next?.startsAt ?? null}
        nextEndsAt={next?.endsAt ?? null}
        exceptions={exceptions}
        names={names}
        staff={staff}
        canEdit={canEdit(req)}
        failed={failed}
      />,
    );
  }

  app.get('/shifts', { config: { action: 'shift.view' } }, async (req, reply) =>
    schedulePage(req, reply, 200, null),
  );

  app.get('/shifts/now', { config: { action: 'shift.view' } }, async (req, reply) => {
    const plans = await planAround(deps, deps.now());
    const now = nowEntries(plans, 'now');
    const next = nowEntries(plans, 'following');
    const names = await staffNames(
      deps,
      [...now, ...next].flatMap((n) => [...n.memberIds, ...(n.leadId ? [n.leadId] : [])]),
    );
    return sendPage(
      reply,
      200,
      <NowPage ctx={staffContext(req, assets.cssUrl)} now={now} next={next} names={names} />,
    );
  });

  app.post(
    '/shifts/slots',
    { ...SLOT_BODY, config: { action: 'shift.edit', ...SLOT_BODY.config } },
    async (req, reply) => {
      const fields = ['team', 'weekday', 'start', 'end', 'members', 'lead'];
      const form = parseForm(NewSlotInput, req.body, { fields, lists: ['members'] });
      const lists = {
        members: (listField(req.body, 'members', PEOPLE_MAX + 1) ?? []).slice(0, PEOPLE_MAX),
      };
      if (!form.ok)
        return schedulePage(req, reply, 422, { values: form.values, lists, errors: form.errors });
      const result = await addSlot(deps, req.principal!, form.data);
      if (!result.ok) {
        if (result.field === 'team' || (result.code === 'NOT_FOUND' && !result.field))
          return schedulePage(req, reply, 422, {
            values: form.values,
            lists,
            errors: { team: 'shifts.error.team_unknown' },
          });
        if (result.field)
          return schedulePage(req, reply, 422, {
            values: form.values,
            lists,
            errors: {
              [result.field]:
                result.field === 'members'
                  ? 'shifts.error.person_unknown'
                  : errorDefinition(result.code).messageKey,
            },
          });
        return errorPage(req, reply, result.code);
      }
      return flashes.redirect(reply, slotHref(result.value.id), 'slot_added');
    },
  );

  app.get('/shifts/slots/:id', { config: { action: 'shift.view' } }, async (req, reply) => {
    const id = idParam(req);
    if (!id) return errorPage(req, reply, 'NOT_FOUND');
    return slotPage(req, reply, id, 200, null);
  });

  app.post(
    '/shifts/slots/:id/people',
    { ...SLOT_BODY, config: { action: 'shift.edit', ...SLOT_BODY.config } },
    async (req, reply) => {
      const id = idParam(req);
      if (!id) return errorPage(req, reply, 'NOT_FOUND');
      const form = parseForm(SlotPeopleInput, req.body, {
        fields: ['members', 'lead'],
        lists: ['members'],
      });
      const lists = {
        members: (listField(req.body, 'members', PEOPLE_MAX + 1) ?? []).slice(0, PEOPLE_MAX),
      };
      if (!form.ok)
        return slotPage(req, reply, id, 422, {
          form: 'people',
          values: form.values,
          lists,
          errors: form.errors,
        });
      const result = await setSlotPeople(deps, req.principal!, id, form.data);
      if (!result.ok) {
        if (result.field === 'members')
          return slotPage(req, reply, id, 422, {
            form: 'people',
            values: form.values,
            lists,
            errors: { members: 'shifts.error.person_unknown' },
          });
        return errorPage(req, reply, result.code);
      }
      return flashes.redirect(reply, slotHref(id), result.value ? 'slot_changed' : 'unchanged');
    },
  );

  app.post('/shifts/slots/:id/remove', { config: { action: 'shift.edit' } }, async (req, reply) => {
    const id = idParam(req);
    if (!id) return errorPage(req, reply, 'NOT_FOUND');
    const result = await removeSlot(deps, req.principal!, id);
    if (!result.ok) return errorPage(req, reply, result.code);
    return flashes.redirect(reply, SHIFTS_HREF, 'slot_removed');
  });

  app.post(
    '/shifts/slots/:id/exceptions',
    { ...EXCEPTION_BODY, config: { action: 'shift.edit', ...EXCEPTION_BODY.config } },
    async (req, reply) => {
      const id = idParam(req);
      if (!id) return errorPage(req, reply, 'NOT_FOUND');
      const fields = ['date', 'kind', 'person', 'replacement'];
      const body = typeof req.body === 'object' && req.body !== null ? req.body : {};
      const form = parseForm(
        ExceptionInput,
        { ...body, slot: id },
        { fields: [...fields, 'slot'] },
      );
      if (!form.ok)
        return slotPage(req, reply, id, 422, {
          form: 'exception',
          values: form.values,
          errors: form.errors,
        });
      const result = await addException(deps, req.principal!, form.data);
      if (!result.ok) {
        if (result.code === 'NOT_FOUND' || result.code === 'FORBIDDEN')
          return errorPage(req, reply, result.code);
        const field = result.field ?? 'person';
        const message =
          result.code === 'SHIFT_EXCEPTION_TAKEN'
            ? 'shifts.error.exception_taken'
            : field === 'date'
              ? 'shifts.error.date_weekday'
              : field === 'person'
                ? 'shifts.error.person_not_on_shift'
                : 'shifts.error.person_unknown';
        return slotPage(req, reply, id, 422, {
          form: 'exception',
          values: form.values,
          errors: { [field]: message },
        });
      }
      return flashes.redirect(reply, slotHref(id), 'exception_added');
    },
  );

  app.post(
    '/shifts/exceptions/:id/remove',
    { config: { action: 'shift.edit' } },
    async (req, reply) => {
      const id = idParam(req);
      if (!id) return errorPage(req, reply, 'NOT_FOUND');
      const result = await removeException(deps, req.principal!, id);
      if (!result.ok) return errorPage(req, reply, result.code);
      return flashes.redirect(reply, slotHref(result.value.slotId), 'exception_removed');
    },
  );

  // ---- Handovers -----------------------------------------------------------------------

  app.get('/handovers', { config: { action: 'handover.view' } }, async (req, reply) => {
    const query = (req.query ?? {}) as Record<string, unknown>;
    const onlyWaiting = query.show === 'waiting';
    let before: { endsAt: number; id: string } | undefined;
    if (typeof query.before === 'string') {
      const m = /^(\d{1,15})\.([0-9a-f-]{36})$/.exec(query.before);
      if (!m || !ID_PATTERN.test(m[2]!)) return errorPage(req, reply, 'NOT_FOUND');
      before = { endsAt: Number(m[1]), id: m[2]! };
    }
    const page = await listRecentHandovers(deps, {
      unacknowledgedOnly: onlyWaiting,
      ...(before ? { before } : {}),
    });
    const last = page.handovers[page.handovers.length - 1];
    const next =
      page.more && last
        ? `${HANDOVERS_HREF}?${new URLSearchParams({ ...(onlyWaiting ? { show: 'waiting' } : {}), before: `${last.endsAt}.${last.id}` }).toString()}`
        : null;
    const waitingCount = canEdit(req)
      ? await countWaitingHandovers(deps, req.principal!, 1000)
      : null;
    return sendPage(
      reply,
      200,
      <HandoversPage
        ctx={staffContext(req, assets.cssUrl)}
        handovers={page.handovers}
        names={page.names}
        now={deps.now()}
        onlyWaiting={onlyWaiting}
        waitingCount={waitingCount}
        next={next}
      />,
    );
  });

  async function handoverPage(
    req: FastifyRequest,
    reply: FastifyReply,
    id: string,
    status: number,
    failed: { values: Record<string, string>; errors: Record<string, string> } | null,
  ) {
    const view = await viewHandover(deps, req.principal!, id, { audit: status === 200 });
    if (!view.ok) return errorPage(req, reply, view.code);
    const assignees = view.value.sections;
    const extra = await staffNames(
      deps,
      Object.values(assignees).flatMap((cs) =>
        cs.map((c) => c.assignee_id).filter((a): a is string => a !== null),
      ),
    );
    for (const [k, v] of extra) view.value.names.set(k, v);
    const now = deps.now();
    return sendPage(
      reply,
      status,
      <HandoverPage
        ctx={staffContext(req, assets.cssUrl, status === 200 ? flashes.read(req) : undefined)}
        view={view.value}
        now={now}
        noteToken={issueFormToken(deps.vault.formKey, NOTE_FORM, now)}
        ackToken={issueFormToken(deps.vault.formKey, ACK_FORM, now)}
        failed={failed}
      />,
    );
  }

  app.get('/handovers/:id', { config: { action: 'handover.view' } }, async (req, reply) => {
    const id = idParam(req);
    if (!id) return errorPage(req, reply, 'NOT_FOUND');
    return handoverPage(req, reply, id, 200, null);
  });

  app.post(
    '/handovers/:id/notes',
    { ...NOTE_BODY, config: { action: 'handover.note', ...NOTE_BODY.config } },
    async (req, reply) => {
      const id = idParam(req);
      if (!id) return errorPage(req, reply, 'NOT_FOUND');
      const form = parseForm(NoteInput, req.body, { fields: ['note'], shown: NOTE_MAX });
      if (!form.ok)
        return handoverPage(req, reply, id, 422, { values: form.values, errors: form.errors });
      const token = (req.body as Record<string, unknown> | undefined)?._once;
      const check = checkFormToken(deps.vault.formKey, NOTE_FORM, token, deps.now());
      if (!check.ok)
        return handoverPage(req, reply, id, 422, {
          values: form.values,
          errors: { note: 'shifts.error.form_expired' },
        });
      const once = oneTimeToken(
        deps.vault,
        'handover-note-token',
        `${id}\0${String(token)}`,
        check.issuedAt,
      );
      const result = await addNote(deps, req.principal!, id, form.data.note, once);
      if (!result.ok) return errorPage(req, reply, result.code);
      return flashes.redirect(
        reply,
        `${handoverHref(id)}#notes-title`,
        result.value.repeated ? 'repeated' : 'note_added',
      );
    },
  );

  app.post(
    '/handovers/:id/acknowledge',
    { config: { action: 'handover.acknowledge' } },
    async (req, reply) => {
      const id = idParam(req);
      if (!id) return errorPage(req, reply, 'NOT_FOUND');
      const token = (req.body as Record<string, unknown> | undefined)?._once;
      const check = checkFormToken(deps.vault.formKey, ACK_FORM, token, deps.now());
      if (!check.ok) return flashes.redirect(reply, handoverHref(id), 'expired');
      const once = oneTimeToken(
        deps.vault,
        'handover-ack-token',
        `${id}\0${String(token)}`,
        check.issuedAt,
      );
      const result = await acknowledgeHandover(deps, req.principal!, id, once);
      if (!result.ok) return errorPage(req, reply, result.code);
      return flashes.redirect(
        reply,
        handoverHref(id),
        result.value.repeated ? 'repeated' : 'acknowledged',
      );
    },
  );
}
