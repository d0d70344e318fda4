import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  buildSnippet,
  foldText,
  isHighlightMatch,
  parseSearchQuery,
  queryWords,
  textSearchConfig,
} from './search-query.ts';

describe('search queries', () => {
  test('reads words, quoted phrases and prefixes', () => {
    assert.deepEqual(parseSearchQuery('"Water Ledger" basin* river'), {
      phrases: [['water', 'ledger']],
      terms: [
        { text: 'basin', isPrefix: true },
        { text: 'river', isPrefix: false },
      ],
    });
  });

  test('treats operators and punctuation as spaces', () => {
    const query = parseSearchQuery(`'; DROP TABLE x; -- NEAR(a b) {title}: c^ "`);
    assert.deepEqual(
      query.terms.map((t) => t.text),
      ['drop', 'table', 'x', 'near', 'a', 'b', 'title', 'c'],
    );
  });

  test('refuses queries longer than 500 characters with a clear message', () => {
    assert.throws(() => parseSearchQuery('a'.repeat(10_000)), /limited to 500 characters/);
  });

  test('folds accents of Latin and Greek letters and keeps other scripts', () => {
    assert.equal(foldText('Café São Paulo Αθήνα'), 'cafe sao paulo αθηνα');
    assert.equal(foldText('Москва'), 'москва');
  });

  test('marks matched words in a snippet around the densest match', () => {
    const text = `${'filler '.repeat(100)}the aquifer and its aquifers ${'tail '.repeat(100)}`;
    const parts = buildSnippet(text, parseSearchQuery('aquifer'), 120);
    assert.deepEqual(
      parts.filter((p) => p.isMatch).map((p) => p.text),
      ['aquifer', 'aquifers'],
    );
    assert.equal(parts[0]?.text, '… ');
  });

  test('maps article languages to PostgreSQL configurations', () => {
    assert.equal(textSearchConfig('en-GB'), 'english');
    assert.equal(textSearchConfig('pt-BR'), 'portuguese');
    assert.equal(textSearchConfig('ja'), 'simple');
  });
});

test('a snippet of a text made of one matching word is found in linear time', () => {
  const query = parseSearchQuery('zq');
  // The fastest of three runs at a size and at four times it: linear work takes about four times
  // as long, quadratic sixteen. A busy machine slows single runs, rarely the fastest of three.
  const fastest = (words: number) => {
    const text = 'zq '.repeat(words);
    let best = Number.POSITIVE_INFINITY;
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      const parts = buildSnippet(text, query);
      best = Math.min(best, performance.now() - started);
      assert.ok(parts.some((part) => part.isMatch));
    }
    return best;
  };
  const small = fastest(25_000);
  const large = fastest(100_000);
  assert.ok(
    large < small * 10 + 20,
    `25,000 words ${small.toFixed(1)} ms, 100,000 words ${large.toFixed(1)} ms`,
  );
});

test('a snippet marks exactly the words that answer the query, whatever their case, accents or script', () => {
  const vocabulary = [
    'river',
    'Rivers',
    'RIVERBANK',
    'rive',
    'ledger',
    'Ledgers',
    'ledgerless',
    'café',
    'Cafe',
    'CAFÉS',
    'Über',
    'uber',
    'ÜBERALL',
    'Ωμέγα',
    'ωμεγα',
    'Øre',
    'øre',
    'İstanbul',
    'istanbul',
    'ﬁscal',
    'fiscal',
    'e\u0301tude',
    'Étude',
    'etude',
    '2026',
    '2026s',
    'x',
    'Ba',
    'basin',
    'Basins',
    'naïve',
    'NAIVE',
    'straße',
    'STRASSE',
    'Ǆemal',
    'džemal',
    'a',
    'A',
    'ab',
    'Ａｂｃ',
    'abc',
    '١٢٣',
    'Ʀiver',
  ];
  let seed = 11;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const pick = () => vocabulary[random(vocabulary.length)] ?? 'river';
  let marked = 0;
  for (let round = 0; round < 400; round++) {
    const words = Array.from({ length: 30 }, pick);
    const typed = Array.from({ length: 1 + random(3) }, () => pick() + (random(3) === 0 ? '*' : '')).join(
      ' ',
    );
    const query = parseSearchQuery(typed);
    const terms = queryWords(query);
    const answers = (word: string) => terms.some((t) => isHighlightMatch(word, t));
    const parts = buildSnippet(words.join(' '), query, 100_000);
    for (const part of parts) {
      if (part.isMatch) {
        assert.ok(answers(part.text), `${part.text} marked for ${typed}`);
        marked++;
      } else {
        for (const word of part.text.match(/[\p{L}\p{N}\p{M}]+/gu) ?? []) {
          assert.ok(!answers(word), `${word} not marked for ${typed}`);
        }
      }
    }
  }
  assert.ok(marked > 500, `${marked} words marked`);
});
