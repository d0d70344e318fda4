import assert from 'node:assert/strict';
import { test } from 'node:test';
import { absoluteUrl, adminReturnPath, isHttpUrl, isLinkTarget, isSitePath, typedServerName } from './url.ts';

test('accepts only absolute http and https URLs', () => {
  assert.equal(isHttpUrl('https://example.org/a?b=c'), true);
  assert.equal(isHttpUrl('http://127.0.0.1:8080/'), true);
  assert.equal(isHttpUrl('https://[::1]/x'), true);
  for (const bad of [
    'javascript:alert(1)',
    'java\tscript:alert(1)',
    'mailto:a@example.org',
    '/relative',
    'example.org',
    'http:example.org',
    'https://',
    'https://[',
    '//[',
    'https://exa mple.org/',
    'https:\\\\evil.example',
    '',
    null,
    undefined,
  ]) {
    assert.equal(isHttpUrl(bad), false, String(bad));
  }
});

test('accepts site paths and refuses ones that climb out or leave the site', () => {
  for (const good of ['/media/2026/11/a.jpg', '/membership', '/', '/a?next=/b#c', '/caf%C3%A9']) {
    assert.equal(isSitePath(good), true, good);
  }
  for (const bad of [
    '//[',
    '//evil.example',
    '/\\evil.example',
    '/%5Cevil.example',
    '/media/../../etc/passwd',
    '/media/%2e%2e/%2e%2e/etc/passwd',
    '/./x',
    '/a\tb',
    '/a%0ab',
    '/%zz',
    'media/a.jpg',
    'java\tscript:alert(1)',
  ]) {
    assert.equal(isSitePath(bad), false, bad);
  }
});

test('a link target is either; absoluteUrl never throws', () => {
  assert.equal(isLinkTarget('/membership'), true);
  assert.equal(isLinkTarget('https://example.org/join'), true);
  assert.equal(isLinkTarget('/\\evil.example'), false);
  assert.equal(absoluteUrl('/media/a.jpg', 'https://site.example'), 'https://site.example/media/a.jpg');
  assert.equal(absoluteUrl('//[', 'https://site.example'), null);
  assert.equal(absoluteUrl(null, 'https://site.example'), null);
});

test('reads a server name as a reader types it, and nothing that could lead elsewhere', () => {
  assert.equal(typedServerName('mastodon.social'), 'mastodon.social');
  assert.equal(typedServerName(' https://Mastodon.Social/ '), 'mastodon.social');
  assert.equal(typedServerName('http://social.example'), 'social.example');
  assert.equal(typedServerName('xn--caf-dma.example'), 'xn--caf-dma.example');
  assert.equal(typedServerName('café.example'), 'xn--caf-dma.example');
  for (const bad of [
    '',
    'localhost',
    'social',
    '127.0.0.1',
    '0x7f.1',
    '[::1]',
    'social.example:8443',
    'social.example/path',
    'https://social.example/share?x=',
    '//social.example',
    'https://good.example@evil.example',
    'evil.example\\@good.example',
    'javascript:alert(1)',
    'ftp://social.example',
    'social..example',
    '-social.example',
    'social-.example',
    'social.example.',
    'social.exa_mple',
    'social.example\tx',
    'social.example\r\nx',
    'social.example%2fx',
    `${'a'.repeat(64)}.example`,
  ]) {
    assert.equal(typedServerName(bad), undefined, JSON.stringify(bad));
  }
});

test('the sign-in form sends people back only to admin paths, resolved as the browser would', () => {
  for (const hostile of [
    '//evil.example',
    '/\\evil.example',
    '/admin/./../../evil',
    '/admin/..%2f..%2fevil',
    '/admin/%2e%2e/evil',
    '/admin/%252e%252e/evil',
    '/admin/%5cevil',
    'https://evil.example/admin',
    '/administrator',
    '/admin/\u2028x',
    42,
    undefined,
  ])
    assert.equal(adminReturnPath(hostile), '/admin', String(hostile));
  assert.equal(adminReturnPath('/admin/people/../articles?status=draft'), '/admin/articles?status=draft');
  assert.equal(adminReturnPath('/admin'), '/admin');
});
