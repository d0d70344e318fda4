import assert from 'node:assert/strict';
import { test } from 'node:test';
import { repairBareAmpersands } from './xml-repair.ts';

function run(pieces: string[]): { out: string; repairs: number } {
  const repair = repairBareAmpersands();
  let out = '';
  pieces.forEach((piece, i) => {
    out += repair.push(piece, i === pieces.length - 1);
  });
  return { out, repairs: repair.repairs.length };
}

test('escapes bare ampersands but leaves references, CDATA and comments alone', () => {
  const xml = '<a href="x?a=1&b=2">AT&T &amp; &#38; &#x26; &lol;</a><![CDATA[a & b]]><!-- & --><?pi & ?>';
  const { out, repairs } = run([xml, '']);
  assert.equal(
    out,
    '<a href="x?a=1&amp;b=2">AT&amp;T &amp; &#38; &#x26; &lol;</a><![CDATA[a & b]]><!-- & --><?pi & ?>',
  );
  assert.equal(repairs, 2);
});

test('gives the same result however the text is cut into chunks', () => {
  const xml = '<x>a&b <![CDATA[ & ]]> c&amp;d <!-- & --> e&f</x>'.repeat(20);
  const whole = run([xml, '']).out;
  for (const size of [1, 2, 3, 5, 7, 13]) {
    const pieces: string[] = [];
    for (let i = 0; i < xml.length; i += size) pieces.push(xml.slice(i, i + size));
    pieces.push('');
    assert.equal(run(pieces).out, whole, `chunks of ${size}`);
  }
});

test('passes well-formed XML through unchanged', () => {
  const xml = '<?xml version="1.0"?><rss><channel><title>A &amp; B</title></channel></rss>';
  assert.deepEqual(run([xml, '']), { out: xml, repairs: 0 });
});
