import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LICENSES } from './license.ts';
import {
  canAskPermission,
  licenseSummary,
  type ReprintRequestInput,
  readReprintRequest,
  replyTemplate,
  replyTextErrors,
} from './reprint-request.ts';

const INPUT: ReprintRequestInput = {
  kind: 'reprint',
  requesterName: '  Mara Quell ',
  email: 'mara@harbour.example',
  organisation: '',
  outlet: 'The Harbour Times',
  targetLanguage: 'French',
  message: 'Sunday edition.',
};

const fieldsOf = (input: ReprintRequestInput) => {
  const read = readReprintRequest(input);
  return read.ok ? [] : read.errors.map((e) => e.field);
};

describe('reprint requests', () => {
  test('tidies a good request: trimmed, blanks to null, no language for a reprint', () => {
    const read = readReprintRequest(INPUT);
    assert.ok(read.ok);
    assert.equal(read.value.requesterName, 'Mara Quell');
    assert.equal(read.value.organisation, null);
    assert.equal(read.value.targetLanguage, null);
  });

  test('names each wrong field', () => {
    assert.deepEqual(fieldsOf({ ...INPUT, email: 'mara at harbour' }), ['email']);
    assert.deepEqual(fieldsOf({ ...INPUT, email: 'a@b.example\nBcc: x@y.example' }), ['email']);
    assert.deepEqual(fieldsOf({ ...INPUT, kind: 'translation', targetLanguage: ' ' }), ['language']);
    assert.deepEqual(fieldsOf({ ...INPUT, kind: 'sale' }), ['kind']);
    assert.deepEqual(fieldsOf({ ...INPUT, requesterName: 'Evil\u202Eeman' }), ['name']);
    assert.deepEqual(fieldsOf({ ...INPUT, message: 'x'.repeat(5001) }), ['message']);
    assert.deepEqual(fieldsOf({ ...INPUT, requesterName: '', message: '' }), ['name', 'message']);
  });

  test('drops characters no page can show, and direction controls from one-line fields', () => {
    const read = readReprintRequest({ ...INPUT, message: 'a\u0001b', outlet: 'Times\u202E' });
    assert.ok(read.ok);
    assert.equal(read.value.message, 'ab');
    assert.equal(read.value.outlet, 'Times');
  });

  test('offers the form unless the license grants commercial use and changes already', () => {
    assert.equal(canAskPermission(LICENSES['all-rights-reserved']), true);
    assert.equal(canAskPermission(LICENSES['site-terms']), true);
    assert.equal(canAskPermission(LICENSES['cc-by-nd-4.0']), true);
    assert.equal(canAskPermission(LICENSES['cc-by-4.0']), false);
  });

  test('reply templates name the article, what was asked and the license, once', () => {
    const reply = replyTemplate({
      decision: 'approved',
      request: { kind: 'translation', targetLanguage: 'French', requesterName: 'Mara', outlet: null },
      article: { title: 'Sea walls', url: 'https://review.example/articles/sea-walls' },
      license: LICENSES['all-rights-reserved'],
      siteName: 'The Review',
    });
    assert.match(reply, /^Dear Mara,/);
    assert.match(reply, /permission for a translation into French of “Sea walls”/);
    assert.match(reply, /https:\/\/review\.example\/articles\/sea-walls/);
    assert.equal(reply.split('All rights reserved').length - 1, 1);
    assert.equal(licenseSummary(LICENSES['cc-by-nd-4.0']).startsWith('CC BY-ND 4.0. You may'), true);
  });

  test('a reply must say something, within its limit', () => {
    assert.deepEqual(
      replyTextErrors('  ').map((e) => e.field),
      ['reply'],
    );
    assert.deepEqual(
      replyTextErrors('x'.repeat(10_001)).map((e) => e.field),
      ['reply'],
    );
    assert.deepEqual(replyTextErrors('Yes.'), []);
  });
});
