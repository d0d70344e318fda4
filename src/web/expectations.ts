import type { Server } from 'node:http';

/** Node's own test for a request that waits to be told to send its body. */
const CONTINUE = /(?:^|\W)100-continue(?:$|\W)/i;

/** Whether an Expect header asks for something other than 100-continue, the one expectation HTTP defines. */
export function isUnmetExpectation(expect: string | undefined): boolean {
  return expect !== undefined && !CONTINUE.test(expect);
}

/**
 * Takes `Expect` out of Node's hands. Node says "100 Continue" as soon as the headers arrive,
 * before any route looks at them: a client told to go on sends a 15 MB upload that an anonymous
 * visitor, a role without the right or a body over the limit was always going to be refused.
 * Here "100 Continue" is sent only when the request's body is first read, which is after the
 * session, the role and the declared length have been checked; a request refused before then
 * gets only its refusal (and Node closes the connection, as HTTP asks). Any other expectation,
 * which Node answers with a bare 417, goes to the app, which refuses it with its own error page
 * and headers (see isUnmetExpectation).
 */
export function answerExpectations(server: Server): void {
  server.on('checkContinue', (request, response) => {
    // Reading the body starts with resume(), from a body parser or from Node draining it after
    // an answer; only the first, before any answer, may ask for the body.
    request.once('resume', () => {
      if (!response.headersSent && !response.writableEnded) response.writeContinue();
    });
    server.emit('request', request, response);
  });
  server.on('checkExpectation', (request, response) => {
    server.emit('request', request, response);
  });
}
