import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bounceKindOfStatus,
  deliveryRetryDelayMs,
  isHardBounce,
  isTemporarySmtpFailure,
  newsletterMessageId,
  parseDeliveryStatus,
  readNewsletterChoice,
} from './newsletter.ts';

test('a 4xx reply or no reply at all is temporary; a 5xx reply is final', () => {
  assert.equal(isTemporarySmtpFailure(421), true);
  assert.equal(isTemporarySmtpFailure(451), true);
  assert.equal(isTemporarySmtpFailure(undefined), true);
  assert.equal(isTemporarySmtpFailure(550), false);
  assert.equal(isTemporarySmtpFailure(554), false);
});

test('retries wait longer each time, up to a cap', () => {
  const delays = [1, 2, 3, 4, 5, 9].map(deliveryRetryDelayMs);
  for (let i = 1; i < 4; i++) assert.ok((delays[i] ?? 0) > (delays[i - 1] ?? 0));
  assert.equal(delays[4], delays[5]);
});

test('the Message-ID is the same for the same issue and member, and differs otherwise', () => {
  const tag = 'Zm9vYmFyYmF6cXV4-_';
  const a = newsletterMessageId({ issueId: 7, memberId: 42, tag, domain: 'review.example' });
  assert.equal(a, newsletterMessageId({ issueId: 7, memberId: 42, tag, domain: 'review.example' }));
  assert.notEqual(a, newsletterMessageId({ issueId: 7, memberId: 43, tag, domain: 'review.example' }));
  assert.notEqual(a, newsletterMessageId({ issueId: 8, memberId: 42, tag, domain: 'review.example' }));
  assert.match(a, /^<[^<>@\s]+@review\.example>$/);
});

test('5.x.x statuses are hard bounces, 4.x.x and nonsense soft', () => {
  assert.equal(bounceKindOfStatus('5.1.1'), 'hard');
  assert.equal(bounceKindOfStatus(' 5.7.1 '), 'hard');
  assert.equal(bounceKindOfStatus('4.2.2'), 'soft');
  assert.equal(bounceKindOfStatus('5.1'), 'soft');
  assert.equal(bounceKindOfStatus(''), 'soft');
});

test('reads each recipient of a delivery status part, unfolding long lines and dropping address types', () => {
  const text = [
    'Reporting-MTA: dns; mx.readers.example',
    'Arrival-Date: Fri, 20 Nov 2026 12:04:58 +0000',
    '',
    'Final-Recipient: rfc822; Gone@Readers.example',
    'Action: failed',
    'Status: 5.1.1 (user unknown)',
    'Diagnostic-Code: smtp; 550 5.1.1 <gone@readers.example>:',
    '  Recipient address rejected',
    '',
    'Original-Recipient: rfc822;full@readers.example',
    'Final-Recipient: rfc822;full@readers.example',
    'Action: delayed',
    'Status: 4.2.2',
    '',
  ].join('\r\n');
  const recipients = parseDeliveryStatus(text);
  assert.deepEqual(recipients, [
    {
      finalRecipient: 'gone@readers.example',
      action: 'failed',
      status: '5.1.1',
      diagnostic: 'smtp; 550 5.1.1 <gone@readers.example>: Recipient address rejected',
    },
    { finalRecipient: 'full@readers.example', action: 'delayed', status: '4.2.2', diagnostic: '' },
  ]);
  assert.equal(isHardBounce(recipients[0] as (typeof recipients)[0]), true);
  assert.equal(isHardBounce(recipients[1] as (typeof recipients)[0]), false);
  assert.deepEqual(parseDeliveryStatus('Reporting-MTA: dns; mx\n\nnothing here'), []);
});

test('a newsletter choice is the offered ids it names, once each; anything else is refused under its field', () => {
  assert.deepEqual(readNewsletterChoice(undefined, [1, 2]), { ok: true, value: [] });
  assert.deepEqual(readNewsletterChoice('2', [1, 2]), { ok: true, value: [2] });
  assert.deepEqual(readNewsletterChoice(['2', '1', '2'], [1, 2]), { ok: true, value: [1, 2] });
  for (const bad of ['3', 'x', '', '1.0', ['1', '<script>'], '99999999999999'])
    assert.deepEqual(readNewsletterChoice(bad, [1, 2]), {
      ok: false,
      errors: [{ field: 'newsletters', message: 'names a newsletter that is not offered' }],
    });
});
