import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_REPUBLICATION_PAGE, republicationPage } from './republication.ts';

test('keeps the scheme, host and path of a referring page, without query, fragment or credentials', () => {
  assert.deepEqual(
    republicationPage('https://user:pw@Example.ORG/news/a-story?utm_source=x#top', ['news.test']),
    {
      host: 'example.org',
      page: 'https://example.org/news/a-story',
    },
  );
  assert.deepEqual(republicationPage('http://127.0.0.1:8123/copy.html', ['127.0.0.1:3000']), {
    host: '127.0.0.1:8123',
    page: 'http://127.0.0.1:8123/copy.html',
  });
});

test('drops the default port so one site is one host', () => {
  assert.equal(republicationPage('https://example.org:443/a', [])?.host, 'example.org');
});

test('counts nothing for our own host, a missing or garbage Referer, or another scheme', () => {
  assert.equal(republicationPage('https://news.test/2026/a', ['news.test']), null);
  assert.equal(republicationPage(undefined, []), null);
  assert.equal(republicationPage('', []), null);
  assert.equal(republicationPage('not a url', []), null);
  assert.equal(republicationPage('javascript:alert(1)', []), null);
  assert.equal(republicationPage('file:///etc/passwd', []), null);
  assert.equal(republicationPage('ftp://example.org/a', []), null);
});

test('refuses an address too long to keep instead of cutting it', () => {
  const long = `https://example.org/${'a'.repeat(MAX_REPUBLICATION_PAGE)}`;
  assert.equal(republicationPage(long, []), null);
  assert.equal(republicationPage(`https://example.org/${'a'.repeat(10_000)}`, []), null);
});
