import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildSnippet, foldText, parseSearchQuery, textSearchConfig } from './search-query.ts';

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
