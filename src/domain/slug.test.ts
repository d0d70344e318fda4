import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  importedPageSlugs,
  isValidSlug,
  numberedSlugs,
  slugify,
  slugProblem,
  slugWithSuffix,
  spelledSlug,
  termSlug,
  tidySlug,
} from './slug.ts';

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

test('keeps the marks that spell words in scripts that need them, composed as typed', () => {
  // Dropping every mark turned हिन्दी समाचार into हनद-समचर and split 한국 into its letters.
  assert.equal(slugify('हिन्दी समाचार'), 'हिन्दी-समाचार');
  assert.equal(slugify('น้ำท่วม กรุงเทพ'), 'น้ําท่วม-กรุงเทพ');
  assert.equal(slugify('한국 물 정책'), '한국-물-정책');
  assert.equal(slugify('한국 물 정책').length, 7);
  for (const slug of ['हिन्दी-समाचार', '한국-물-정책', 'தமிழ்']) {
    assert.equal(slugProblem(slug), undefined, slug);
    assert.equal(slugify(slug), slug, slug);
  }
  // Accents and optional vowel points are still folded away.
  assert.equal(slugify('Z̷̢a̴l̶g̵o̸ Crème'), 'zalgo-creme');
  assert.equal(slugify('שָׁלוֹם'), 'שלום');
});

test('never makes a slug that looks like another: no invisible marks or blank letters', () => {
  assert.equal(slugify('日\ufe0f本'), '日本');
  assert.equal(slugify('\u3164'), '');
  assert.equal(slugify('a\u3164b'), 'a-b');
  assert.equal(isValidSlug('日\ufe0f本'), false);
  assert.equal(isValidSlug('\u1160'), false);
  assert.equal(isValidSlug('cafe\u0301'), false, 'decomposed: the composed café is the same slug');
  assert.equal(isValidSlug('café'), true);
});

test('an imported item renamed away from a taken slug keeps a valid slug, however long', () => {
  const long = 'a'.repeat(119);
  const articles = [...numberedSlugs(long)].slice(0, 3);
  assert.deepEqual(articles[0], long);
  assert.ok(articles.every(isValidSlug), articles.join(' '));
  assert.ok(articles[2]?.endsWith('-3'));
  assert.deepEqual([...importedPageSlugs('about')].slice(0, 3), [
    'about',
    'about-imported',
    'about-imported-2',
  ]);
  // A cut that would end on a hyphen drops it rather than doubling it.
  assert.equal(slugWithSuffix(`${'b'.repeat(117)}-c`, '-2'), `${'b'.repeat(117)}-2`);
  assert.equal(slugWithSuffix('日本語'.repeat(50), '-2').length <= 120, true);
});

test('spells out the symbols that set names such as C#, C++ and .NET apart', () => {
  const names = ['C', 'C#', 'C++', 'F#', 'F', '.NET', 'NET', 'ASP.NET'];
  const slugs = names.map(spelledSlug);
  assert.deepEqual(slugs, ['c', 'c-sharp', 'c-plus-plus', 'f-sharp', 'f', 'dot-net', 'net', 'asp-net']);
  assert.equal(new Set(slugs).size, names.length);
  for (const slug of slugs) assert.ok(isValidSlug(slug), slug);
  // Other symbols are dropped as slugify drops them.
  assert.equal(spelledSlug('Law & Justice'), 'law-justice');
  assert.equal(spelledSlug('#hashtag'), 'hashtag');
});

test('tidies a typed slug into one, keeping one already right and one with nothing to keep', () => {
  assert.equal(tidySlug(' Harbour Dues 2026! '), 'harbour-dues-2026');
  assert.equal(tidySlug('São Paulo'), 'sao-paulo');
  assert.equal(tidySlug('water-ledger'), 'water-ledger');
  assert.equal(tidySlug('!!!'), '!!!');
  assert.equal(tidySlug('  '), '');
});

test('termSlug keeps a name that is a slug already and spells out the rest', () => {
  assert.equal(termSlug('rivers'), 'rivers');
  assert.equal(termSlug('C#'), 'c-sharp');
  assert.equal(termSlug('C++'), 'c-plus-plus');
  assert.equal(termSlug('Law & Justice'), 'law-justice');
});
