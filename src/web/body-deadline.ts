import { errorCodes, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Errors } from '../errors.ts';

/** How long a request body may take: a grace, plus its size at the slowest pace waited for. */
export interface BodyPace {
  graceMs: number;
  minBytesPerSecond: number;
}

/**
 * Milliseconds allowed for a body of `bytes`: a few kilobytes get the grace, an upload of
 * megabytes gets the time it needs at the minimum pace on top of it.
 *
 * @example bodyDeadlineMs(2048, { graceMs: 20_000, minBytesPerSecond: 65_536 }) // 20_031
 */
export function bodyDeadlineMs(bytes: number, pace: BodyPace): number {
  return Math.ceil(pace.graceMs + (bytes / pace.minBytesPerSecond) * 1000);
}

const TOO_SLOW = 'The request body arrived too slowly; the connection was closed.\n';

/**
 * Cuts off a request whose body has not fully arrived by its deadline (bodyDeadlineMs of the
 * length it declares, or of the route's body limit when it declares none), so a client that
 * dribbles a body cannot hold a connection for minutes. Node's own requestTimeout is one figure
 * for every request, too short for a large upload on a slow line or too long for a sign-in
 * form; this deadline grows with the body.
 *
 * A body that declares more than the route takes is refused before any of it is read, whatever
 * parses it (multipart uploads have their own parser, which counts only as it reads). An answer
 * sent before the body has arrived (a refusal: not signed in, no right, too large) closes the
 * connection once it is written, rather than reading the rest of the body to keep the
 * connection: reading 15 MB a visitor was refused, at the slowest pace waited for, held the
 * connection for minutes.
 */
export const bodyDeadline = fp(
  async (
    app: FastifyInstance,
    options: BodyPace & { headersTimeoutMs: number; headers: Readonly<Record<string, string>> },
  ) => {
    const pace = { graceMs: options.graceMs, minBytesPerSecond: options.minBytesPerSecond };
    const cutOff = slowBodyCutter(options.headers);
    // Node's own cap on receiving a whole request backs this up for what a hook cannot see: the
    // time for the headers plus the deadline of the largest body any route accepts.
    let largestBody = app.initialConfig.bodyLimit ?? 1024 * 1024;
    app.addHook('onRoute', (route) => {
      largestBody = Math.max(largestBody, route.bodyLimit ?? 0);
    });
    app.addHook('onReady', async () => {
      app.server.requestTimeout = options.headersTimeoutMs + bodyDeadlineMs(largestBody, pace);
    });
    app.addHook('onRequest', (request, reply, done) => {
      // A body sent where no route answers is refused unparsed (and, while it is still arriving,
      // unread: the answer closes the connection, below), as a body the route's checks refuse is.
      if (request.is404 && hasBody(request)) {
        done(Errors.NOT_FOUND());
        return;
      }
      const raw = request.raw;
      const declared = Number(raw.headers['content-length']);
      const isChunked = raw.headers['transfer-encoding'] !== undefined;
      if (raw.complete || (!(declared > 0) && !isChunked)) {
        done();
        return;
      }
      const limit = request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit ?? 1024 * 1024;
      if (declared > limit) {
        done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
        return;
      }
      const bytes = declared > 0 ? Math.min(declared, limit) : limit;
      const timer = setTimeout(() => cutOff(request, reply), bodyDeadlineMs(bytes, pace));
      timer.unref();
      const stop = () => clearTimeout(timer);
      raw.once('end', stop);
      raw.once('close', stop);
      done();
    });
    app.addHook('onSend', async (request, reply) => {
      // Node closes the connection once an answer saying so is written; the client, told, does
      // not send the rest of the body or reuse the connection.
      if (hasUnreadBody(request)) reply.header('connection', 'close');
    });
  },
  { name: 'pressroom-body-deadline' },
);

/** Whether the request comes with a body, arrived or not. */
function hasBody(request: FastifyRequest): boolean {
  const headers = request.raw.headers;
  return Number(headers['content-length']) > 0 || headers['transfer-encoding'] !== undefined;
}

/** Whether the request's body is still arriving (a body sent whole with its headers has arrived). */
function hasUnreadBody(request: FastifyRequest): boolean {
  const raw = request.raw;
  const declared = Number(raw.headers['content-length']);
  return !raw.complete && (declared > 0 || raw.headers['transfer-encoding'] !== undefined);
}

/**
 * Cuts waiting their turn. Slow clients that arrived together (a flood of them) reach their
 * deadlines together: cutting hundreds in one turn of the event loop held readers' requests for
 * a second. They are cut a batch at a time, other work running in between.
 */
export const CUT_BATCH = 32;

/** Returns the function that cuts a request off (a batch at a time) with a 408 carrying `headers`. */
export function slowBodyCutter(headers: Readonly<Record<string, string>>) {
  // Written on the socket itself, as Node answers its own requestTimeout, with the protective
  // headers every answer carries; the same bytes for every cut, so made once.
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  const answer = `HTTP/1.1 408 Request Timeout\r\n${lines.join('')}Connection: close\r\nCache-Control: no-store\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(TOO_SLOW)}\r\n\r\n${TOO_SLOW}`;
  const queue: { request: FastifyRequest; reply: FastifyReply }[] = [];
  let isScheduled = false;

  const cutOne = (request: FastifyRequest, reply: FastifyReply): void => {
    if (request.raw.complete) return;
    const socket = request.raw.socket;
    if (typeof socket?.destroy !== 'function' || socket.destroyed) return;
    request.log.info({ url: request.url }, 'request body arrived too slowly; connection closed');
    if (!reply.raw.headersSent && socket.writable) socket.end(answer, () => socket.destroy());
    else socket.destroy();
  };

  const cutBatch = (): void => {
    for (const { request, reply } of queue.splice(0, CUT_BATCH)) cutOne(request, reply);
    isScheduled = queue.length > 0;
    if (isScheduled) setImmediate(cutBatch);
  };

  return (request: FastifyRequest, reply: FastifyReply): void => {
    queue.push({ request, reply });
    if (!isScheduled) {
      isScheduled = true;
      setImmediate(cutBatch);
    }
  };
}
