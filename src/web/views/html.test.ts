import assert from 'node:assert/strict';
import { test } from 'node:test';
import { html, jsonForScript, raw } from './html.ts';

test('escapes interpolated text and attributes', () => {
  const name = '<script>"x"&\'y\'</script>';
  assert.equal(
    html`<p title="${name}">${name}</p>`.value,
    '<p title="&lt;script&gt;&quot;x&quot;&amp;&#39;y&#39;&lt;/script&gt;">&lt;script&gt;&quot;x&quot;&amp;&#39;y&#39;&lt;/script&gt;</p>',
  );
});

test('inserts nested templates and trusted HTML as they are', () => {
  const inner = html`<b>${'a<b'}</b>`;
  assert.equal(
    html`<p>${inner}${raw('<i>ok</i>')}${[html`<br>`, 'x']}${null}${false}</p>`.value,
    '<p><b>a&lt;b</b><i>ok</i><br>x</p>',
  );
});

test('keeps JSON-LD from closing its script tag', () => {
  assert.equal(jsonForScript({ a: '</script><b>' }).value, '{"a":"\\u003c/script\\u003e\\u003cb\\u003e"}');
});
