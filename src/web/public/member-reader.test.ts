import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memberCookieName } from './member-cookie.ts';
import { hasMemberCookie, readerForSessions } from './member-reader.ts';

test('reads the member cookie by its exact name, and looks nothing up without one', async () => {
  const asked: string[] = [];
  const readerFor = readerForSessions(async (token) => {
    asked.push(token);
    return token === 'good' ? { memberId: 7, isPaid: false } : undefined;
  }, memberCookieName('https://review.example'));
  const of = (cookie?: string) => readerFor({ headers: cookie === undefined ? {} : { cookie } });
  assert.deepEqual(await of('__Host-pressroom_member=good; theme=dark'), { memberId: 7, isPaid: false });
  // Without the __Host- prefix on https, a cookie a sibling subdomain could set is not read.
  assert.equal(await of('pressroom_member=good'), undefined);
  assert.equal(await of('theme=dark'), undefined);
  assert.equal(await of(), undefined);
  assert.deepEqual(asked, ['good']);
  assert.equal(hasMemberCookie('a=1; pressroom_member=x'), true);
  assert.equal(hasMemberCookie('__Host-pressroom_member=x'), true);
  assert.equal(hasMemberCookie('pressroom_session=x'), false);
});
