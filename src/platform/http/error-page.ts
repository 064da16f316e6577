import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../errors.js';

/** Renders a full error page for a surface (each surface brings its own layout). */
export type ErrorPage = (req: FastifyRequest, reply: FastifyReply, code: ErrorCode) => FastifyReply;
