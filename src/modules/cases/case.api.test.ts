import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { newRequest, staffMember, type StaffFixture } from './case.fixtures.js';
import { requesterView } from './requester.service.js';

/** Every METHOD path under `prefix`, read from Fastify's own route tree. */
function registeredRoutes(tree: string, prefix: string): string[] {
  const out: string[] = [];
  const stack: { indent: number; path: string }[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([\s│├└─]*)(\S.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m || !m[2]) continue;
    const indent = m[1]!.length;
    while (stack.length && stack[stack.length - 1]!.indent >= indent) stack.pop();
    const path = (stack[stack.length - 1]?.path ?? '') + m[2];
    stack.push({ indent, path });
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim())) {
      if (method && method !== 'HEAD' && path.startsWith(prefix))
        out.push(`${method} ${path.slice(prefix.length)}`);
    }
  }
  return out.sort();
}

for (const engine of engines) {
  describe.skipIf(!engine.available)(`cases API on ${engine.name}`, () => {
    let h: Harness;
    let handler: StaffFixture;
    let other: StaffFixture;
    let auditor: StaffFixture;
    let doc: Record<string, unknown> & {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown> };
    };
    let ajv: Ajv2020;

    beforeAll(async () => {
      h = await createHarness(engine);
      handler = await staffMember(h.deps, 'handler', 'Api Handler');
      other = await staffMember(h.deps, 'handler', 'Other Handler');
      auditor = await staffMember(h.deps, 'auditor', 'Au Ditor');
      const res = await h.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
      expect(res.statusCode).toBe(200);
      doc = res.json();
      ajv = new Ajv2020({ strict: false, allErrors: true });
      addFormats.default(ajv);
      ajv.addSchema({ $id: 'doc', ...doc });
    });
    afterAll(async () => h?.close());

    const call = (
      who: StaffFixture | null,
      method: 'GET' | 'POST' | 'PATCH',
      url: string,
      payload?: unknown,
    ) =>
      h.app.inject({
        method,
        url: `/api/v1${url}`,
        headers: { ...(who ? { authorization: who.bearer } : {}) },
        ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
      });

    /** Checks a response body against the schema the document gives for that operation and status. */
    const conforms = (path: string, method: string, status: number, body: unknown) => {
      const op = doc.paths[path]?.[method] as {
        responses: Record<
          string,
          { content: { 'application/json': { schema: { $ref: string } } } }
        >;
      };
      const ref = op.responses[String(status)]!.content['application/json'].schema.$ref;
      const validate = ajv.getSchema(`doc${ref}`)!;
      expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    };

    it('matches the OpenAPI document to the registered routes, both ways', () => {
      expect(doc.openapi).toBe('3.1.0');
      const routes = registeredRoutes(h.app.printRoutes({ commonPrefix: false }), '/api/v1');
      const documented = Object.entries(doc.paths)
        .flatMap(([path, ops]) =>
          Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
        )
        .sort();
      expect(routes).toEqual(documented);
      expect(routes).toContain('PATCH /cases/:id');
    });

    it('answers 401 without a valid token and 403 to a role without cases', async () => {
      const { caseId } = await newRequest(h.deps);
      const none = await call(null, 'GET', '/cases');
      expect(none.statusCode).toBe(401);
      expect(none.json()).toEqual({
        error: { code: 'UNAUTHENTICATED', message: 'You need to sign in.' },
      });
      const bad = await h.app.inject({
        method: 'GET',
        url: '/api/v1/cases',
        headers: { authorization: 'Bearer hvn_nope' },
      });
      expect(bad.statusCode).toBe(401);
      // Without a token no body is read: a broken or foreign body is still just 401.
      for (const [type, payload] of [
        ['application/json', '{"body": "x",'],
        ['application/xml', '<body>x</body>'],
      ] as const) {
        const unread = await h.app.inject({
          method: 'POST',
          url: `/api/v1/cases/${caseId}/notes`,
          headers: { 'content-type': type },
          payload,
        });
        expect(unread.statusCode, type).toBe(401);
        expect(unread.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
      }
      // An unknown route is still 404, token or not.
      expect((await call(null, 'GET', '/nowhere')).statusCode).toBe(404);
      for (const [method, url, payload] of [
        ['GET', '/cases', undefined],
        ['GET', `/cases/${caseId}`, undefined],
        ['POST', `/cases/${caseId}/replies`, { body: 'x' }],
        ['POST', `/cases/${caseId}/notes`, { body: 'x' }],
        ['PATCH', `/cases/${caseId}`, { severity: 'low' }],
      ] as const) {
        const res = await call(auditor, method, url, payload);
        expect(res.statusCode, `${method} ${url}`).toBe(403);
        expect(res.json().error.code).toBe('FORBIDDEN');
      }
    });

    it('lists the queue with filters and keyset paging, in the documented shape', async () => {
      const q = await createHarness(engine);
      try {
        const me = await staffMember(q.deps, 'handler');
        const ids: number[] = [];
        for (let i = 0; i < 5; i++) {
          ids.push(
            (await newRequest(q.deps, { language: i % 2 ? 'fr' : 'en', country: null })).caseId,
          );
          q.clock.advance(60_000);
        }
        const get = async (qs: string) => {
          const res = await q.app.inject({
            method: 'GET',
            url: `/api/v1/cases?${qs}`,
            headers: { authorization: me.bearer },
          });
          expect(res.statusCode, qs).toBe(200);
          return res.json() as { data: { id: number }[]; next_cursor: string | null };
        };
        const first = await get('limit=2');
        conforms('/cases', 'get', 200, first);
        expect(first.data.map((c) => c.id)).toEqual(ids.slice(0, 2));
        const second = await get(`limit=2&cursor=${first.next_cursor}`);
        const third = await get(`limit=2&cursor=${second.next_cursor}`);
        expect([...second.data, ...third.data].map((c) => c.id)).toEqual(ids.slice(2));
        expect(third.next_cursor).toBeNull();
        expect((await get('language=fr')).data.map((c) => c.id)).toEqual([ids[1], ids[3]]);
        expect((await get('assignee=unassigned&status=new')).data).toHaveLength(5);
        expect((await get('assignee=mine')).data).toHaveLength(0);
        // `all`: closed cases too.
        await q.deps.db
          .updateTable('cases')
          .set({ status: 'closed' })
          .where('id', '=', ids[0]!)
          .execute();
        expect((await get('status=all')).data.map((c) => c.id)).toEqual(ids);
        expect((await get('')).data.map((c) => c.id)).toEqual(ids.slice(1));
        const bad = await q.app.inject({
          method: 'GET',
          url: '/api/v1/cases?limit=5000',
          headers: { authorization: me.bearer },
        });
        expect(bad.statusCode).toBe(422);
        expect(bad.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'limit' });
        const badCursor = await q.app.inject({
          method: 'GET',
          url: '/api/v1/cases?cursor=x',
          headers: { authorization: me.bearer },
        });
        expect(badCursor.statusCode).toBe(422);
      } finally {
        await q.close();
      }
    });

    it('returns a case with its conversation, replies to the requester, and keeps notes internal', async () => {
      const { caseId } = await newRequest(h.deps);
      const reply = await call(handler, 'POST', `/cases/${caseId}/replies`, {
        body: 'Please enable two-factor authentication.',
      });
      expect(reply.statusCode).toBe(201);
      conforms('/cases/{id}/replies', 'post', 201, reply.json());
      expect(reply.json().case).toMatchObject({ status: 'open', awaiting_reply: false });
      const note = await call(handler, 'POST', `/cases/${caseId}/notes`, {
        body: 'Looks like SIM swap.',
      });
      expect(note.statusCode).toBe(201);
      conforms('/cases/{id}/notes', 'post', 201, note.json());

      const res = await call(handler, 'GET', `/cases/${caseId}`);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      conforms('/cases/{id}', 'get', 200, body);
      expect(body.messages.map((m: { kind: string }) => m.kind)).toEqual([
        'requester',
        'reply',
        'note',
      ]);
      expect(body.contact).toBe('+52 55 0000 0000');

      const seen = await requesterView(h.deps, caseId);
      expect(seen.messages.map((m) => m.body)).toEqual([
        'Someone is logging into my email from abroad.',
        'Please enable two-factor authentication.',
      ]);
      const audit = await h.deps.db
        .selectFrom('audit_log')
        .select(['action', 'actor_kind'])
        .where('case_id', '=', caseId)
        .orderBy('id')
        .execute();
      expect(audit.filter((a) => a.actor_kind === 'api').map((a) => a.action)).toEqual([
        'case.replied',
        'case.status_changed',
        'case.note_added',
        'case.viewed',
      ]);

      const empty = await call(handler, 'POST', `/cases/${caseId}/notes`, { body: '' });
      expect(empty.statusCode).toBe(422);
      expect(empty.json()).toEqual({
        error: { code: 'VALIDATION_FAILED', message: 'Write a message first.', field: 'body' },
      });
      conforms('/cases/{id}/notes', 'post', 422, empty.json());
    });

    it('replies and sets the status in one change, or neither when the status cannot be set', async () => {
      const { caseId } = await newRequest(h.deps);
      const version = (await call(handler, 'GET', `/cases/${caseId}`)).json().version as number;
      const messages = async () => (await requesterView(h.deps, caseId)).messages.length;
      const before = await messages();

      // A status without the version it was read at, one that cannot follow, an old version: nothing saved.
      const noVersion = await call(handler, 'POST', `/cases/${caseId}/replies`, { body: 'On it.', status: 'waiting' });
      expect(noVersion.statusCode).toBe(422);
      expect(noVersion.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'version' });
      conforms('/cases/{id}/replies', 'post', 422, noVersion.json());
      const spam = await call(handler, 'POST', `/cases/${caseId}/replies`, { body: 'On it.', status: 'spam', version });
      expect(spam.statusCode).toBe(422);
      expect(spam.json().error).toMatchObject({ code: 'CASE_STATUS_TRANSITION', field: 'status' });
      const stale = await call(handler, 'POST', `/cases/${caseId}/replies`, { body: 'On it.', status: 'waiting', version: version + 1 });
      expect(stale.statusCode).toBe(409);
      conforms('/cases/{id}/replies', 'post', 409, stale.json());
      const unknown = await call(handler, 'POST', `/cases/${caseId}/replies`, { body: 'On it.', status: 'parked', version });
      expect(unknown.statusCode).toBe(422);
      expect(unknown.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'status' });
      expect(await messages()).toBe(before);

      // New → open (the reply) → waiting (the status asked for), both audited, in one change.
      const res = await call(handler, 'POST', `/cases/${caseId}/replies`, { body: 'Please call us back.', status: 'waiting', version });
      expect(res.statusCode).toBe(201);
      conforms('/cases/{id}/replies', 'post', 201, res.json());
      expect(res.json().case).toMatchObject({ status: 'waiting', awaiting_reply: false });
      expect(res.json().message).toMatchObject({ kind: 'reply', body: 'Please call us back.' });
      expect(await messages()).toBe(before + 1);
      const moves = await h.deps.db
        .selectFrom('audit_log')
        .select(['detail'])
        .where('case_id', '=', caseId)
        .where('action', '=', 'case.status_changed')
        .orderBy('id')
        .execute();
      expect(moves.map((m) => JSON.parse(String(m.detail)))).toEqual([
        { from: 'new', to: 'open' },
        { from: 'open', to: 'waiting' },
      ]);
    });

    it('answers 400 for a body it cannot read and 415 for one that is not JSON, in the documented shape', async () => {
      const { caseId } = await newRequest(h.deps);
      const send = (method: 'POST' | 'PATCH', url: string, payload: string, type?: string) =>
        h.app.inject({
          method,
          url: `/api/v1${url}`,
          headers: { authorization: handler.bearer, ...(type ? { 'content-type': type } : {}) },
          payload,
        });
      const routes = [
        ['POST', `/cases/${caseId}/replies`, '/cases/{id}/replies', 'post'],
        ['POST', `/cases/${caseId}/notes`, '/cases/{id}/notes', 'post'],
        ['PATCH', `/cases/${caseId}`, '/cases/{id}', 'patch'],
      ] as const;
      for (const [method, url, path, op] of routes) {
        const where = `${method} ${url}`;
        for (const [payload, type, status, code] of [
          ['{"body": "half', 'application/json', 400, 'MALFORMED_BODY'],
          ['{"body": "x",}', 'application/json; charset=utf-8', 400, 'MALFORMED_BODY'],
          ['', 'application/json', 400, 'MALFORMED_BODY'],
          ['body=hello', 'text/plain', 415, 'UNSUPPORTED_MEDIA_TYPE'],
          ['<body>hello</body>', 'application/xml', 415, 'UNSUPPORTED_MEDIA_TYPE'],
          ['body=hello', 'application/x-www-form-urlencoded', 415, 'UNSUPPORTED_MEDIA_TYPE'],
          ['{"body": "x"}', 'not a media type', 415, 'UNSUPPORTED_MEDIA_TYPE'],
          ['{"body": "x"}', undefined, 415, 'UNSUPPORTED_MEDIA_TYPE'],
        ] as const) {
          const res = await send(method, url, payload, type);
          expect(res.statusCode, `${where} ${type}: ${payload}`).toBe(status);
          expect(res.headers['content-type']).toMatch(/application\/json/);
          expect(res.json().error.code, `${where} ${type}`).toBe(code);
          conforms(path, op, status, res.json());
        }
        // Well-formed JSON that fails the schema is still a 422 naming the field.
        const invalid = await send(method, url, '{"body": 5, "severity": 5}', 'application/json');
        expect(invalid.statusCode, where).toBe(422);
        expect(invalid.json().error).toMatchObject({ code: 'VALIDATION_FAILED' });
        expect(invalid.json().error.field, where).toEqual(expect.any(String));
        conforms(path, op, 422, invalid.json());
      }
      const broken = await send('POST', `/cases/${caseId}/notes`, '{', 'application/json');
      expect(broken.json()).toEqual({
        error: {
          code: 'MALFORMED_BODY',
          message: 'What was sent could not be read. Please try again. Nothing was saved.',
        },
      });
      const big = await send(
        'POST',
        `/cases/${caseId}/notes`,
        // Beyond the route's own limit, which leaves room for 20,000 characters in any script.
        JSON.stringify({ body: 'x'.repeat(250_000) }),
        'application/json',
      );
      expect(big.statusCode).toBe(413);
      expect(big.json().error.code).toBe('BODY_TOO_LARGE');
      conforms('/cases/{id}/notes', 'post', 413, big.json());
      // Nothing was written by any of the refused requests.
      const row = await h.deps.db
        .selectFrom('cases')
        .select(['version'])
        .where('id', '=', caseId)
        .executeTakeFirstOrThrow();
      expect(row.version).toBe(1);
    });

    it('answers 404 for unknown ids on every case route', async () => {
      for (const [method, url, payload] of [
        ['GET', '/cases/424242', undefined],
        ['GET', '/cases/abc', undefined],
        ['POST', '/cases/424242/replies', { body: 'x' }],
        ['POST', '/cases/424242/notes', { body: 'x' }],
        ['PATCH', '/cases/424242', { severity: 'low' }],
      ] as const) {
        const res = await call(handler, method, url, payload);
        expect(res.statusCode, `${method} ${url}`).toBe(404);
        expect(res.json().error.code).toBe('NOT_FOUND');
      }
    });

    it('patches triage, assignment and status together, with version checks and typed failures', async () => {
      const { caseId } = await newRequest(h.deps);
      const ok = await call(handler, 'PATCH', `/cases/${caseId}`, {
        version: 1,
        incident_type: 'surveillance',
        severity: 'critical',
        country: 'KE',
        assignee_id: handler.id,
        status: 'vetting',
      });
      expect(ok.statusCode).toBe(200);
      conforms('/cases/{id}', 'patch', 200, ok.json());
      expect(ok.json()).toMatchObject({
        incident_type: 'surveillance',
        rsit: 'information-gathering/sniffing',
        region: 'africa',
        assignee_id: handler.id,
        status: 'vetting',
        version: 2,
      });

      const stale = await call(handler, 'PATCH', `/cases/${caseId}`, {
        version: 1,
        severity: 'low',
      });
      expect(stale.statusCode).toBe(409);
      expect(stale.json().error.code).toBe('CONFLICT');
      conforms('/cases/{id}', 'patch', 409, stale.json());

      const transition = await call(handler, 'PATCH', `/cases/${caseId}`, { status: 'resolved' });
      expect(transition.statusCode).toBe(422);
      expect(transition.json().error).toMatchObject({
        code: 'CASE_STATUS_TRANSITION',
        field: 'status',
      });

      const unknown = await call(handler, 'PATCH', `/cases/${caseId}`, { incident_type: 'nope' });
      expect(unknown.statusCode).toBe(422);
      expect(unknown.json().error).toMatchObject({
        code: 'VALIDATION_FAILED',
        field: 'incident_type',
      });

      const typo = await call(handler, 'PATCH', `/cases/${caseId}`, { sevrity: 'low' });
      expect(typo.statusCode).toBe(422);
      expect(typo.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'sevrity' });

      const badType = await call(handler, 'PATCH', `/cases/${caseId}`, { version: 'two' });
      expect(badType.statusCode).toBe(422);

      const takeTheirs = await call(other, 'PATCH', `/cases/${caseId}`, { assignee_id: other.id });
      expect(takeTheirs.statusCode).toBe(403);
      expect(takeTheirs.json().error).toMatchObject({ code: 'FORBIDDEN', field: 'assignee_id' });

      const toAuditor = await call(handler, 'PATCH', `/cases/${caseId}`, {
        assignee_id: auditor.id,
      });
      expect(toAuditor.statusCode).toBe(422);
      expect(toAuditor.json().error.code).toBe('CASE_ASSIGNEE_INVALID');

      const row = await h.deps.db
        .selectFrom('cases')
        .select(['severity', 'status', 'assignee_id', 'version'])
        .where('id', '=', caseId)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({
        severity: 'critical',
        status: 'vetting',
        assignee_id: handler.id,
        version: 2,
      });
    });

    it('documents every error body it sends', async () => {
      const res = await call(null, 'GET', '/cases/1');
      conforms('/cases/{id}', 'get', 401, res.json());
      const missing = await call(handler, 'GET', '/cases/99999');
      conforms('/cases/{id}', 'get', 404, missing.json());
    });
  });
}
