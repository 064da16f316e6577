import type { FastifyReply } from 'fastify';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

/** Renders a page (auto-escaped by Preact) to a complete HTML document. */
export function renderPage(page: VNode): string {
  return '<!doctype html>' + renderToString(page);
}

/** Sends a rendered page with a status. */
export function sendPage(reply: FastifyReply, status: number, page: VNode): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(renderPage(page));
}
