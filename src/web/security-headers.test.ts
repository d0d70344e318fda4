import assert from 'node:assert/strict';
import { test } from 'node:test';
import { securityHeaders } from './security-headers.ts';

test('works out the Content-Security-Policy and other protective headers once', () => {
  const headers = securityHeaders();
  const csp = headers['content-security-policy'] ?? '';
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /frame-ancestors 'self'/);
  assert.doesNotMatch(csp, /upgrade-insecure-requests/);
  assert.equal(headers['x-content-type-options'], 'nosniff');
  assert.equal(headers['x-frame-options'], 'SAMEORIGIN');
  assert.equal(headers['strict-transport-security'], undefined);
  assert.equal(headers['cross-origin-embedder-policy'], undefined);
  assert.equal(headers['x-powered-by'], undefined);
});

test('asks browsers for HTTPS only when the site is served over https', () => {
  assert.equal(securityHeaders(undefined, { isHttps: false })['strict-transport-security'], undefined);
  assert.match(
    securityHeaders(undefined, { isHttps: true })['strict-transport-security'] ?? '',
    /max-age=31536000/,
  );
});
