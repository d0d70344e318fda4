import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Errors } from '../../errors.ts';
import { errorSummary, fieldErrorsOf, formField, stringValues } from './forms.ts';

test('a field with an error links it with aria-describedby and marks the input invalid', () => {
  const out = formField({
    name: 'page_size',
    label: 'Page size',
    value: 'lots',
    error: 'Must be a number',
    hint: '1 to 100',
  }).value;
  assert.match(out, /<label for="field-page_size">Page size<\/label>/);
  assert.match(out, /aria-invalid="true" aria-describedby="field-page_size-error field-page_size-hint"/);
  assert.match(out, /<p class="field-error" id="field-page_size-error">Must be a number<\/p>/);
  assert.match(out, /value="lots"/);
});

test('keeps typed text escaped, and never echoes a password', () => {
  assert.match(
    formField({ name: 'n', label: 'N', value: '"><script>' }).value,
    /value="&quot;&gt;&lt;script&gt;"/,
  );
  assert.match(formField({ name: 'p', label: 'P', type: 'password', value: 'secret' }).value, /value=""/);
});

test('turns validation errors into messages by field, and leaves other errors alone', () => {
  const problem = fieldErrorsOf(
    Errors.VALIDATION_FAILED({ details: [{ field: 'email', message: 'must be an email address' }] }),
  );
  assert.deepEqual(problem?.errors, { email: 'Must be an email address' });
  assert.equal(fieldErrorsOf(new Error('bug')), undefined);
  assert.equal(fieldErrorsOf(Errors.MAIL_FAILED({ reason: 'the server is down' })), undefined);
  assert.match(
    errorSummary(problem, { email: 'Email' }).value,
    /<a href="#field-email">Email<\/a>: Must be an email address/,
  );
});

test('reads a form body as strings, without the CSRF token', () => {
  assert.deepEqual(stringValues({ _csrf: 't', a: 'x', b: ['y', 'z'], c: 3 }), { a: 'x', b: 'y' });
});
