import type { IncomingMessage, ServerResponse } from 'node:http';
import Type from 'typebox';
import type { RepublicationTracker } from '../../services/republishing/tracker.ts';
import type { TypedApp } from '../schemas.ts';
import { forwardedClientAddress } from '../trusted-proxies.ts';
import { TRANSPARENT_GIF } from './transparent-gif.ts';

/** The tracking image's address for an article (the republish kit embeds it). */
export function trackingImagePath(articleId: number): string {
  return `/r/${articleId}.gif`;
}

const PREFIX = '/r/';
// The image as a string of its bytes: Node joins a latin1 string to the status line and headers
// and sends them in one write, where a Buffer body makes a second chunk (a writev of two).
const IMAGE_BYTES = TRANSPARENT_GIF.toString('latin1');
const ID_FILE = /^([1-9][0-9]{0,9})\.gif$/;

/**
 * Answers the tracking image of republished articles, /r/<article id>.gif. Every address under
 * /r/ gets the same image and headers, whatever the id (a draft, an unknown id, garbage):
 * nothing in the answer tells which articles exist. No HTTP cache may keep it (each display must
 * reach us), no cookie is read or set, and other sites may embed it.
 *
 * It is hit more than any page, so the server answers it before the app (as it answers kept
 * pages: see CachedAnswers); the app's route answers the same way for requests that reach it.
 */
export class TrackingImage {
  private readonly tracker: RepublicationTracker;
  private readonly answerHeaders: string[];
  private readonly isTrustedProxy: ((address: string) => boolean) | undefined;
  private readonly onAnswered: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;

  constructor(options: {
    tracker: RepublicationTracker;
    /** The site's protective headers (security-headers.ts). */
    headers: Record<string, string>;
    /** Behind a proxy (server.trustProxy): which hops' X-Forwarded-For to believe (trusted-proxies.ts). */
    isTrustedProxy?: ((address: string) => boolean) | undefined;
    onAnswered?: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
  }) {
    this.tracker = options.tracker;
    this.isTrustedProxy = options.isTrustedProxy;
    this.onAnswered = options.onAnswered;
    const headers: Record<string, string> = {
      ...options.headers,
      'cache-control': 'no-store, max-age=0',
      // Shown on other sites' pages: the site-wide same-origin resource policy would block it.
      'cross-origin-resource-policy': 'cross-origin',
      'content-type': 'image/gif',
      'content-length': String(TRANSPARENT_GIF.length),
    };
    this.answerHeaders = Object.entries(headers).flat();
  }

  /** Answers a GET or HEAD under /r/ before the app does; false leaves any other request to the app. */
  answerEarly(request: IncomingMessage, response: ServerResponse): boolean {
    const { method, url, headers } = request;
    if ((method !== 'GET' && method !== 'HEAD') || !url?.startsWith(PREFIX)) return false;
    // What the app refuses or checks (no Host, a body, an expectation) is left to it.
    if (headers.host === undefined || headers['content-length'] !== undefined) return false;
    if (headers.expect !== undefined || headers['transfer-encoding'] !== undefined) return false;
    const query = url.indexOf('?');
    const file = url.slice(PREFIX.length, query === -1 ? undefined : query);
    if (file.includes('/')) return false;
    this.answer(request, response, { file, clientAddress: this.clientAddress(request) });
    this.onAnswered?.(request, response);
    return true;
  }

  /** Counts the hit (when it is one) and sends the image. */
  answer(
    request: IncomingMessage,
    response: ServerResponse,
    hit: { file: string; clientAddress: string },
  ): void {
    const id = ID_FILE.exec(hit.file)?.[1];
    // Browsers GET images; a HEAD is a link checker's, not a display.
    if (id !== undefined && request.method === 'GET') {
      this.tracker.record({
        articleId: Number(id),
        referer: request.headers.referer,
        userAgent: request.headers['user-agent'],
        clientAddress: hit.clientAddress,
        requestHost: request.headers.host,
      });
    }
    response.writeHead(200, this.answerHeaders);
    if (request.method === 'HEAD') response.end();
    else response.end(IMAGE_BYTES, 'latin1');
  }

  /** As Fastify's request.ip works it out under the same trustProxy setting and proxy list. */
  private clientAddress(request: IncomingMessage): string {
    const socketAddress = request.socket.remoteAddress ?? '';
    if (!this.isTrustedProxy) return socketAddress;
    return forwardedClientAddress(socketAddress, request.headers['x-forwarded-for'], this.isTrustedProxy);
  }
}

/** The image's route in the app, for requests the server did not answer first (app.inject, say). */
export async function trackerRoutes(app: TypedApp, deps: { image: TrackingImage }): Promise<void> {
  app.get(
    '/r/:file',
    // As long as the router reads a part (routerOptions.maxParamLength): any name under /r/
    // gets the image, here as when the server answers first.
    { schema: { params: Type.Object({ file: Type.String({ maxLength: 500 }) }) } },
    async (request, reply) => {
      reply.hijack();
      deps.image.answer(request.raw, reply.raw, { file: request.params.file, clientAddress: request.ip });
    },
  );
}
