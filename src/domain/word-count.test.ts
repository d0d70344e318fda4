import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countWords, readingMinutes } from './article.ts';

describe('word count and reading time', () => {
  it('counts the words readers read, not link targets or markup', () => {
    assert.equal(countWords(''), 0);
    assert.equal(countWords('## The [harbour](https://example.org/levy) levy, *again*'), 4);
    assert.equal(countWords('![a gauge](/media/g.jpg "Tide gauge") reads high'), 4);
    assert.equal(countWords('- one\n- two\n\n> three'), 3);
    assert.equal(readingMinutes(0), 1);
    assert.equal(readingMinutes(2300), 10);
  });

  it('takes time in proportion to the text, whatever brackets it holds', () => {
    // Every save counts words on the event loop; 800 KB of these took 78 s before.
    for (const unit of ['[x](', '![a](b "', '](']) {
      const started = performance.now();
      countWords(unit.repeat(Math.floor(400_000 / unit.length)));
      const seconds = (performance.now() - started) / 1000;
      assert.ok(seconds < 5, `${JSON.stringify(unit)} took ${seconds.toFixed(1)} s`);
    }
  });
});
