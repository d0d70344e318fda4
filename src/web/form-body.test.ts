import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFormBody } from './form-body.ts';

const parse = (body: string) => ({ ...parseFormBody(Buffer.from(body)) });

test('reads names and values as browsers write them, repeated names as lists', () => {
  assert.deepEqual(
    parse('title=Sea+walls&author=Ana&author=Tom+Li&term=3&body=a%2Cb%0D%0A%C3%A9%F0%9F%8C%8A'),
    {
      title: 'Sea walls',
      author: ['Ana', 'Tom Li'],
      term: '3',
      body: 'a,b\r\né🌊',
    },
  );
  assert.deepEqual(parse('a=1&&b&c=&=d&e=x=y'), { a: '1', b: '', c: '', '': 'd', e: 'x=y' });
  assert.deepEqual(parse(''), {});
});

test('decodes as URLSearchParams does, malformed escapes and bytes included', () => {
  for (const body of ['a=%&b=%4&c=%zz&d=%4g1', 'x=%FF%FE&y=%C3', 'k%20ey=v+%2B+v', 'a=1&a=2&a=3']) {
    const expected: Record<string, string | string[]> = {};
    for (const [name, value] of new URLSearchParams(body)) {
      const known = expected[name];
      expected[name] = known === undefined ? value : [known, value].flat();
    }
    assert.deepEqual(parse(body), expected, body);
  }
});

test('a field named __proto__ is only a field', () => {
  const fields = parseFormBody(Buffer.from('__proto__=x&constructor=y'));
  assert.deepEqual(Object.entries(fields), [
    ['__proto__', 'x'],
    ['constructor', 'y'],
  ]);
  assert.equal(Object.getPrototypeOf(fields), null);
});

test('a long, fully escaped body is read in one pass', () => {
  const text = 'Words, with commas; “quotes” & ampersands. '.repeat(40_000);
  const body = Buffer.from(new URLSearchParams({ body: text, title: 't' }).toString());
  assert.ok(body.length > 2_000_000);
  assert.equal(parseFormBody(body).body, text);
});

test('reading a long escaped form costs about what reading the same text as JSON does', () => {
  const text = 'Words, with commas; “quotes” & ampersands, [links](https://example.org/a?b=c). '.repeat(
    22_000,
  );
  const form = Buffer.from(new URLSearchParams({ body: text, title: 't' }).toString());
  const json = Buffer.from(JSON.stringify({ body: text, title: 't' }));
  const cpuOf = (work: () => unknown) => {
    work();
    const before = process.threadCpuUsage();
    for (let i = 0; i < 3; i++) work();
    const used = process.threadCpuUsage(before);
    return (used.user + used.system) / 3000;
  };
  const formMs = cpuOf(() => parseFormBody(form));
  const jsonMs = cpuOf(() => JSON.parse(json.toString('utf8')));
  // Decoded string by string, the same form took ten to twenty times JSON's time.
  assert.ok(formMs < jsonMs * 5 + 10, `form ${formMs.toFixed(1)} ms, JSON ${jsonMs.toFixed(1)} ms`);
});
