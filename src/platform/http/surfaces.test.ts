import { errorCodes, type FastifyError } from 'fastify';
import { describe, expect, it } from 'vitest';
import { SealedError } from '../crypto/vault.js';
import { errorDefinition } from '../errors.js';
import { codeFor } from './surfaces.js';

const {
  FST_ERR_CTP_BODY_TOO_LARGE,
  FST_ERR_CTP_EMPTY_JSON_BODY,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH,
  FST_ERR_CTP_INVALID_JSON_BODY,
  FST_ERR_CTP_INVALID_MEDIA_TYPE,
  FST_ERR_VALIDATION,
} = errorCodes;

describe('codeFor', () => {
  it('maps Fastify’s own body-parser errors to 400, 413 and 415, and schema failures to 422', () => {
    const cases: [FastifyError, string][] = [
      [new FST_ERR_CTP_INVALID_JSON_BODY(), 'MALFORMED_BODY'],
      [new FST_ERR_CTP_EMPTY_JSON_BODY(), 'MALFORMED_BODY'],
      [new FST_ERR_CTP_INVALID_CONTENT_LENGTH(), 'MALFORMED_BODY'],
      [new FST_ERR_CTP_INVALID_MEDIA_TYPE(), 'UNSUPPORTED_MEDIA_TYPE'],
      [new FST_ERR_CTP_BODY_TOO_LARGE(), 'BODY_TOO_LARGE'],
      [Object.assign(new FST_ERR_VALIDATION('body', 'must be object'), { validation: [] }), 'VALIDATION_FAILED'],
    ];
    for (const [err, code] of cases) {
      expect(codeFor(err), err.code).toBe(code);
      // For the parser's errors the catalogue gives the status Fastify itself chose; a schema
      // failure is Haven's 422 (the body was read, an answer is wrong), not Fastify's 400.
      const status = err.code === 'FST_ERR_VALIDATION' ? 422 : err.statusCode;
      expect(errorDefinition(codeFor(err)).status, err.code).toBe(status);
    }
  });

  it('treats a parser’s SyntaxError or a broken request stream (Fastify marks them 400) as malformed', () => {
    const syntax = Object.assign(new SyntaxError('Unexpected end of JSON input'), { statusCode: 400 });
    expect(codeFor(syntax as unknown as FastifyError)).toBe('MALFORMED_BODY');
    const aborted = Object.assign(new Error('aborted'), { code: 'ECONNRESET', statusCode: 400 });
    expect(codeFor(aborted as FastifyError)).toBe('MALFORMED_BODY');
  });

  it('keeps sealed, not found and the unexpected as they were', () => {
    expect(codeFor(new SealedError() as FastifyError)).toBe('SEALED');
    expect(codeFor(Object.assign(new Error('x'), { statusCode: 404 }) as FastifyError)).toBe('NOT_FOUND');
    expect(codeFor(new Error('boom') as FastifyError)).toBe('INTERNAL');
  });
});
