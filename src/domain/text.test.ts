import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  collapseWhitespace,
  decodeSanitizerReferences,
  hasXmlForbidden,
  stripXmlForbidden,
  trimEndOf,
} from './text.ts';

test('strips the characters XML 1.0 forbids and keeps everything it allows', () => {
  assert.equal(stripXmlForbidden('a\u0000b\u000bc\u001bd\u0007e\uFFFEf\uFFFF'), 'abcdef');
  assert.equal(stripXmlForbidden('lone \uD800 surrogate'), 'lone  surrogate');
  const allowed = 'tab\tline\ncr\r café 漢字 😀 \u00a0\u2028';
  assert.equal(stripXmlForbidden(allowed), allowed);
  assert.equal(hasXmlForbidden(allowed), false);
  assert.equal(hasXmlForbidden('x\u000cy'), true);
  assert.equal(hasXmlForbidden('x\u000cy'), true, 'the answer does not depend on an earlier call');
});

test('finds and strips exactly the code points XML 1.0 forbids, in random text', () => {
  // The reference: XML 1.0's Char production read code point by code point.
  const allowedPoint = (cp: number) =>
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff);
  const reference = (text: string) => {
    let kept = '';
    for (const character of text) {
      const cp = character.codePointAt(0) ?? 0;
      // A lone surrogate is one code unit; for...of yields it alone.
      if (allowedPoint(cp) && !(cp >= 0xd800 && cp <= 0xdfff)) kept += character;
    }
    return kept;
  };
  // Units drawn mostly from the edges where the two tests could disagree.
  const edges = [0x0, 0x8, 0x9, 0xa, 0xb, 0xd, 0x1f, 0x20, 0x7f, 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff];
  const more = [0xe000, 0xfffd, 0xfffe, 0xffff, 0x41, 0xe9];
  const units = [...edges, ...more];
  let seed = 7;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  let forbiddenSeen = 0;
  for (let i = 0; i < 5000; i++) {
    const length = 1 + random(6);
    let text = '';
    for (let j = 0; j < length; j++) text += String.fromCharCode(units[random(units.length)] ?? 0x41);
    const expected = reference(text);
    assert.equal(stripXmlForbidden(text), expected, JSON.stringify(text));
    assert.equal(hasXmlForbidden(text), expected !== text, JSON.stringify(text));
    if (expected !== text) forbiddenSeen++;
  }
  assert.ok(forbiddenSeen > 1000 && forbiddenSeen < 5000, `${forbiddenSeen} of 5000 had a forbidden unit`);
});

test('trims trailing characters of a set in linear time', () => {
  assert.equal(trimEndOf('/news//', '/'), '/news');
  assert.equal(trimEndOf('///', '/'), '');
  assert.equal(trimEndOf('/news', '/'), '/news');
  assert.equal(trimEndOf('see https://x.example/a.,;', '.,;:!?'), 'see https://x.example/a');
  // A run that does not reach the end: /\/+$/ retried it from each of its characters.
  const started = performance.now();
  assert.equal(trimEndOf(`/${'/'.repeat(200_000)}x`, '/').length, 200_002);
  assert.ok(performance.now() - started < 500);
});

test('collapses white space exactly as replacing every run with one space does', () => {
  const spaces = [' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u2028', '\u3000', ' \n ', '\ufeff'];
  const words = ['', 'a', 'word', 'café', '😀', '&amp;'];
  let seed = 7;
  const next = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  for (let i = 0; i < 500; i++) {
    let text = '';
    for (let j = next(12); j > 0; j--) {
      text += (next(2) ? spaces[next(spaces.length)] : words[next(words.length)]) ?? '';
    }
    assert.equal(collapseWhitespace(text), text.replace(/\s+/g, ' '), JSON.stringify(text));
  }
  const plain = 'one two three';
  assert.equal(collapseWhitespace(plain), plain);
});

test('decodes the references the sanitizer writes once: a written reference stays written', () => {
  assert.equal(
    decodeSanitizerReferences('Tea &amp; toast, &amp;lt;b&amp;gt; &lt;i&gt;'),
    'Tea & toast, &lt;b&gt; <i>',
  );
  assert.equal(
    decodeSanitizerReferences('&quot;q&quot; it&#39;s&nbsp;here &amp;amp;'),
    '"q" it\'s here &amp;',
  );
  assert.equal(decodeSanitizerReferences('no references'), 'no references');
  assert.equal(decodeSanitizerReferences('&eacute; &#8217; &unknown;'), '&eacute; &#8217; &unknown;');
});
