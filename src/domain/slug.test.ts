import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidSlug, slugify, slugProblem } from './slug.ts';

test('folds accents and joins words with hyphens', () => {
  assert.equal(slugify('Law & Justice — São Paulo'), 'law-justice-sao-paulo');
  assert.equal(slugify("  The River's Ledger!  "), 'the-rivers-ledger');
  assert.equal(slugify('Straße'), 'strasse');
});

test('keeps letters of non-Latin scripts', () => {
  assert.equal(slugify('Новости дня'), 'новости-дня');
  assert.equal(isValidSlug(slugify('Новости дня')), true);
});

test('returns an empty slug for text with no letters or digits', () => {
  assert.equal(slugify('!!! ---'), '');
  assert.equal(slugProblem(''), 'must not be empty');
});

test('rejects slugs with upper case, spaces or doubled hyphens', () => {
  assert.equal(isValidSlug('Hello'), false);
  assert.equal(isValidSlug('a b'), false);
  assert.equal(isValidSlug('a--b'), false);
  assert.equal(isValidSlug('a-b-2'), true);
});
