import type { FastifyInstance } from 'fastify';
import type { OpenApiFragment } from '../../contracts/module.js';
import type { Deps } from '../../deps.js';
import { apiErrorResponse as error, json, schemaOf, standardErrors } from '../../platform/http/openapi.js';
import { formValues } from '../../platform/http/form.js';
import { sendApiError } from '../../platform/http/surfaces.js';
import { fieldErrors } from '../../platform/http/validation.js';
import { rsitByIncidentType, toCaseSummary } from '../cases/index.js';
import { SearchQuery } from './search.schema.js';
import { searchCases } from './search.service.js';

// `GET /api/v1/search?q=…&cursor=…` (ADR 37): the search page's schema, policy and service,
// answered as the case list is (`GET /api/v1/cases`: `{ data: CaseSummary[], next_cursor }`).
// A query that is a case number the person may know answers that case alone.

/** Registers the search API. */
export function registerSearchApi(app: FastifyInstance, deps: Deps): void {
  app.get('/search', { config: { action: 'search.cases' } }, async (req, reply) => {
    const query = SearchQuery.safeParse(formValues(req.query, 'keep'));
    if (!query.success) {
      const unknownKey = query.error.issues.find((i) => i.code === 'unrecognized_keys')?.keys[0];
      const [field, key] = unknownKey
        ? [unknownKey, 'common.form.invalid']
        : (Object.entries(fieldErrors(query.error))[0] ?? ['q', 'common.error.validation']);
      return reply.code(422).send({ error: { code: 'VALIDATION_FAILED', message: req.t(key), field } });
    }
    const page = await searchCases(deps, req.principal!, query.data);
    if (!page.ok) {
      if (page.code === 'VALIDATION_FAILED')
        return reply.code(422).send({ error: { code: 'VALIDATION_FAILED', message: req.t('search.error.no_words'), field: 'q' } });
      return sendApiError(req, reply, page.code, page.field);
    }
    const rsit = await rsitByIncidentType(deps);
    return reply.send({ data: page.value.rows.map((r) => toCaseSummary(r, rsit)), next_cursor: page.value.nextCursor });
  });
}

const queryParameters = Object.entries(
  (schemaOf(SearchQuery, 'input').properties ?? {}) as Record<string, Record<string, unknown>>,
).map(([name, schema]) => ({ name, in: 'query', required: name === 'q', schema }));

/** The search API's part of the OpenAPI document. */
export const searchOpenApi: OpenApiFragment = {
  tags: [{ name: 'search', description: 'Search the cases one may know, over their encrypted text' }],
  paths: {
    '/search': {
      get: {
        operationId: 'searchCases',
        summary: 'Cases having every word of `q` in their messages, notes or contact, newest first, 50 a page',
        description:
          'Words are matched in any language after normalisation (case, accents, Arabic letter forms); domains, URLs, emails, phone numbers, IP addresses and hashes are matched whole. A query that is a case number answers that case alone. Only cases the caller may know are listed.',
        parameters: queryParameters,
        responses: {
          '200': { description: 'One page of cases, as the case list', ...json('CaseList') },
          ...standardErrors,
          '422': error('`q` is empty, longer than 200 characters, has more than 8 words, has no word of two letters, or holds a control character; or `cursor` is invalid'),
        },
      },
    },
  },
  schemas: {},
};
