import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidSlug, slugify } from './slug.ts';

/** mulberry32: a small seeded generator, so a failure names a seed that reproduces it. */
function randomFrom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Pools that reach the awkward corners: modifier letters (ʻ in Hawaiʻi), title and upper case
// without a lower-case form, combining marks, digits of other scripts, astral letters (surrogate
// pairs), emoji, lone surrogates, separators and punctuation.
const POOLS: string[][] = [
  [...'abcdefghijklmnopqrstuvwxyz0123456789'],
  [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ  -_.,;:!?\'"’&/()'],
  [...'ʻʼʽˀˁˆˈˌːˑˠˤᵃᵇᶜⁱⁿ々ゝゞーｰꜗꜘꞈ'],
  [...'ǅǈǋǲᾈᾘᾨℂℍℕℙℚℝℤℌℑℜℭÅΩẞϒϓϔ'],
  [...'\u0301\u0308\u0327\u0303\u20dd\u0951\u093e\u0e31\u302a'],
  [...'٣۴߅३৭੬૩୫௧౨೪൯๓໔༣၅០᠑'],
  [...'éüñçøåæœßðþłđıİĳŉſ'],
  [...'новостидняΔελταاختبارשלוםहिन्दी日本語한국어ไทย'],
  ['𝐀', '𝔸', '𝟙', '𠀀', '𠀁', '😀', '👩‍👩‍👧', '🇵🇹', '𐐀', '𐐨', '𞤀'],
  ['\ud800', '\udc00', '\ud83d', '\u00ad', '\u200b', '\u200d', '\ufeff', '\u2028', '\t', '\n'],
];

function randomText(random: () => number): string {
  const length = Math.floor(random() * 160);
  let text = '';
  for (let i = 0; i < length; i++) {
    if (random() < 0.1) {
      text += String.fromCodePoint(Math.floor(random() * 0x30000));
      continue;
    }
    const pool = POOLS[Math.floor(random() * POOLS.length)] as string[];
    text += pool[Math.floor(random() * pool.length)];
  }
  return text;
}

test('slugify returns an empty slug or one its own validator accepts, and is stable (property, seeded)', () => {
  for (const seed of [1, 2, 3, 20_261_130]) {
    const random = randomFrom(seed);
    for (let run = 0; run < 2_500; run++) {
      const text = randomText(random);
      const slug = slugify(text);
      const where = `seed ${seed}, run ${run}, input ${JSON.stringify(text)} gave ${JSON.stringify(slug)}`;
      assert.ok(slug === '' || isValidSlug(slug), where);
      assert.equal(slugify(slug), slug, where);
    }
  }
});

test('slugify turns modifier-letter apostrophes into nothing, as it does quotation marks', () => {
  assert.equal(slugify('Hawaiʻi Water Rights'), 'hawaii-water-rights');
  assert.equal(slugify('Taʼizz'), 'taizz');
});

test('slugify cuts a long title between characters, never inside a surrogate pair', () => {
  const slug = slugify(`${'a'.repeat(119)}𠀀𠀀`);
  assert.equal(slug, 'a'.repeat(119));
  assert.ok(isValidSlug(slug));
  assert.ok(isValidSlug(slugify('𠀀'.repeat(100))));
});
