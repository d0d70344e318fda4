import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nameSkeleton } from './name-skeleton.ts';

test('reads a name with lookalike letters, forms, accents and invisible characters as its plain spelling', () => {
  const plain = nameSkeleton('Nadia Korvell');
  assert.equal(plain, 'nadia korvell');
  for (const disguise of [
    'NADIA  korvell',
    ' Nadia\tKorvell ',
    'N\u0430dia Korvell', // Cyrillic а
    'Nadia K\u043ervell', // Cyrillic о
    '\u039dadia Korvell', // Greek capital Ν
    '\u039d\u0391DIA KORVELL', // Greek capitals Ν and Α
    'N\u0251dia Korvell', // Latin alpha
    'Nad\u0131a Korvell', // dotless ı
    '\uff2e\uff41\uff44\uff49\uff41 \uff2b\uff4f\uff52\uff56\uff45\uff4c\uff4c', // fullwidth
    '\u{1d40d}adia Korvell', // mathematical bold N
    'Nadia\u200d Korvell', // zero-width joiner
    'Na\u200bdia Kor\u00advell', // zero-width space, soft hyphen
    'Nadia\u00a0Korvell', // no-break space
    'Nadia\u3000Korvell', // ideographic space
    'N\u00e1dia K\u00f6rvell', // accents
    'Na\u0301\u0301dia Korvell', // stacked combining marks
    '\u202eNadia Korvell\u202c', // bidi controls
  ]) {
    assert.equal(nameSkeleton(disguise), plain, JSON.stringify(disguise));
  }
});

test('keeps names apart that look apart', () => {
  assert.notEqual(nameSkeleton('Nadia Korvell'), nameSkeleton('Nadia Korvel'));
  assert.notEqual(nameSkeleton('Nadia Korvell'), nameSkeleton('Nadja Korvell'));
  // Lower-case Greek ν looks like v, not n.
  assert.equal(nameSkeleton('\u03bdadia'), 'vadia');
  // Marks that are vowels in other scripts are kept: these are two names.
  assert.notEqual(nameSkeleton('\u0915\u093f\u0930\u0923'), nameSkeleton('\u0915\u0941\u0930\u0923'));
  assert.equal(nameSkeleton('Дмитрий Иванов'), nameSkeleton('дмитрий  иванов'));
  assert.notEqual(nameSkeleton('Дмитрий Иванов'), nameSkeleton('Dmitry Ivanov'));
});

test('reads lookalike punctuation in names alike', () => {
  assert.equal(nameSkeleton('Anne\u2011Marie O\u2019Neil'), nameSkeleton("anne-marie o'neil"));
});
