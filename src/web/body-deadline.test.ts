import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CUT_BATCH, slowBodyCutter } from './body-deadline.ts';

/** A request still receiving its body, on a socket that records what is written to it. */
function slowRequest(written: string[]) {
  const socket = {
    destroyed: false,
    writable: true,
    end(data: string, callback: () => void) {
      written.push(data);
      callback();
    },
    destroy() {
      this.destroyed = true;
    },
  };
  const request = { raw: { complete: false, socket }, url: '/admin/login', log: { info() {} } };
  const reply = { raw: { headersSent: false } };
  return { request: request as unknown as FastifyRequest, reply: reply as unknown as FastifyReply, socket };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

test('requests reaching their deadline together are cut a batch per turn of the event loop', async () => {
  const written: string[] = [];
  const cut = slowBodyCutter({ 'x-content-type-options': 'nosniff' });
  const slow = Array.from({ length: CUT_BATCH * 3 + 5 }, () => slowRequest(written));
  for (const { request, reply } of slow) cut(request, reply);
  assert.equal(written.length, 0, 'nothing is cut in the timer’s own turn');
  await nextTurn();
  assert.equal(written.length, CUT_BATCH, 'one batch, then other work may run');
  for (let turn = 0; turn < 3; turn++) await nextTurn();
  assert.equal(written.length, slow.length);
  assert.ok(slow.every(({ socket }) => socket.destroyed));
  assert.match(written[0] ?? '', /^HTTP\/1\.1 408 Request Timeout\r\nx-content-type-options: nosniff\r\n/);
});
