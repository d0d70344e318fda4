import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SaxesParser } from 'saxes';
import { decodeUtf8Leniently, repairXml, type XmlRepairNote } from './xml-repair.ts';

function run(pieces: string[]): { out: string; repairs: number; notes: XmlRepairNote[] } {
  const repair = repairXml();
  let out = '';
  pieces.forEach((piece, i) => {
    out += repair.push(piece, i === pieces.length - 1);
  });
  return { out, repairs: repair.count, notes: repair.takeNotes() };
}

function inChunks(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  pieces.push('');
  return pieces;
}

/** Notes by line (those of one line may come in another order when the text is cut differently). */
function sorted(notes: XmlRepairNote[]): string[] {
  return notes.map((n) => `${String(n.line).padStart(6, '0')} ${n.kind} ${n.found} @${n.offset}`).sort();
}

function isWellFormed(xml: string): boolean {
  const parser = new SaxesParser();
  try {
    parser.write(xml).close();
    return true;
  } catch {
    return false;
  }
}

test('escapes bare ampersands but leaves references, CDATA and comments alone', () => {
  const xml = '<a href="x?a=1&b=2">AT&T &amp; &#38; &#x26; &lol;</a><![CDATA[a & b]]><!-- & --><?pi & ?>';
  const { out, repairs } = run([xml, '']);
  assert.equal(
    out,
    '<a href="x?a=1&amp;b=2">AT&amp;T &amp; &#38; &#x26; &amp;lol;</a><![CDATA[a & b]]><!-- & --><?pi & ?>',
  );
  assert.equal(repairs, 3);
});

test('gives the same result however the text is cut into chunks', () => {
  const xml = '<x>a&b <![CDATA[ & \u000b]]> c&amp;d <!-- & --> e&f &eacute;&#0;\u0001 &#146;</x>\n'.repeat(
    20,
  );
  const whole = run([xml, '']);
  for (const size of [1, 2, 3, 5, 7, 13]) {
    const chunked = run(inChunks(xml, size));
    assert.equal(chunked.out, whole.out, `chunks of ${size}`);
    assert.deepEqual(sorted(chunked.notes), sorted(whole.notes), `notes for chunks of ${size}`);
  }
});

test('passes well-formed XML through unchanged', () => {
  const xml = '<?xml version="1.0"?><rss><channel><title>A &amp; B &#233;</title></channel></rss>';
  assert.deepEqual(run([xml, '']), { out: xml, repairs: 0, notes: [] });
});

test('removes characters XML forbids, in CDATA as elsewhere, naming each line', () => {
  const xml = '<a>\n<![CDATA[one\u000btwo\u0001]]>\n<b x="\u0002">\uffff</b></a>';
  const { out, notes } = run([xml, '']);
  assert.equal(out, '<a>\n<![CDATA[one two]]>\n<b x="">\u0000</b></a>'.replace('\u0000', ''));
  assert.ok(isWellFormed(out));
  assert.deepEqual(
    notes.map((n) => [n.kind, n.line, n.found]),
    [
      ['character', 2, 'U+000B'],
      ['character', 2, 'U+0001'],
      ['character', 3, 'U+0002'],
      ['character', 3, 'U+FFFF'],
    ],
  );
});

test('decodes HTML named entities, drops references to forbidden characters', () => {
  const xml = '<t a="&AMP;">Caf&eacute; &nbsp;&lt;&#0;&#x1F;&#146;s&#x10FFFF0;</t>';
  const { out, notes } = run([xml, '']);
  assert.equal(out, '<t a="&amp;">Café \u00a0&lt;’s</t>');
  assert.ok(isWellFormed(out));
  assert.deepEqual(
    notes.map((n) => n.found),
    ['&AMP;', '&eacute;', '&nbsp;', '&#0;', '&#x1F;', '&#146;', '&#x10FFFF0;'],
  );
  assert.deepEqual([...new Set(notes.map((n) => n.kind))], ['entity', 'reference']);
});

test('keeps entity-like text inside CDATA as it is', () => {
  const xml = '<a><![CDATA[&eacute; &#0;]]></a>';
  assert.equal(run([xml, '']).out, xml);
});

function decodeAll(bytes: Uint8Array, size: number) {
  const decoder = decodeUtf8Leniently();
  let text = '';
  for (let i = 0; i < bytes.length; i += size) text += decoder.decode(bytes.subarray(i, i + size));
  text += decoder.decode(new Uint8Array(0), true);
  return { text, notes: decoder.takeNotes() };
}

test('reads bytes that are not UTF-8 as Windows-1252, naming the line, in any chunking', () => {
  const bytes = Buffer.concat([
    Buffer.from('\ufeffa\nCaf'),
    Buffer.from([0xe9]),
    Buffer.from(' ok é 😀 \u20ac\n'),
    Buffer.from([0x93, 0x41, 0x94, 0xc3]),
  ]);
  for (const size of [1, 2, 3, 5, 64]) {
    const { text, notes } = decodeAll(bytes, size);
    assert.equal(text, 'a\nCafé ok é 😀 €\n“A”Ã', `chunks of ${size}`);
    assert.deepEqual(
      notes.map((n) => [n.line, n.found]),
      [
        [2, 'byte 0xE9'],
        [3, 'byte 0x93'],
        [3, 'byte 0x94'],
        [3, 'byte 0xC3'],
      ],
      `chunks of ${size}`,
    );
  }
});

test('decodes valid UTF-8 exactly as the built-in decoder does', () => {
  const text = 'plain ascii, é, 中文, 😀, \ufeff in the middle'.repeat(50);
  assert.deepEqual(decodeAll(Buffer.from(text), 7), { text, notes: [] });
});

test('places every repair, the decoder’s too, at its offset in the repaired text, in any chunking', () => {
  const bytes = Buffer.concat([
    Buffer.from('<a>\u0001Caf'),
    Buffer.from([0xe9]),
    Buffer.from(' &eacute;t&eacute; & x\u000b<![CDATA[\u0002]]></a>'),
  ]);
  const expected = [
    ['character', 3, 'C'],
    ['encoding', 6, 'é'],
    ['entity', 8, 'é'],
    ['entity', 10, 'é'],
    ['ampersand', 12, '&'],
    ['character', 19, ' '],
    ['character', 29, ']'],
  ];
  for (const size of [1, 2, 3, 5, 64]) {
    const decoder = decodeUtf8Leniently();
    const repair = repairXml();
    let out = '';
    const notes: XmlRepairNote[] = [];
    for (let i = 0; i <= bytes.length; i += size) {
      const isLast = i + size > bytes.length;
      const text = decoder.decode(bytes.subarray(i, i + size), isLast);
      out += repair.push(text, isLast, decoder.takeNotes());
      notes.push(...repair.takeNotes());
    }
    assert.equal(out, '<a>Café été &amp; x <![CDATA[]]></a>', `chunks of ${size}`);
    assert.deepEqual(
      notes.map((n) => [n.kind, n.offset, out.charAt(n.offset)]),
      expected,
      `chunks of ${size}`,
    );
  }
});
