import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  isAllowedOrigin,
  isSameToken,
  isVisitorNonce,
  newVisitorNonce,
  sessionCsrfToken,
  visitorCsrfToken,
} from './csrf.ts';

const SITE = { siteOrigin: 'https://press.example', requestOrigin: 'https://press.example' };

test('tokens are bound to their secret and to their purpose', () => {
  const nonce = newVisitorNonce();
  assert.ok(isVisitorNonce(nonce));
  assert.notEqual(newVisitorNonce(), nonce);
  assert.equal(visitorCsrfToken(nonce), visitorCsrfToken(nonce));
  assert.notEqual(visitorCsrfToken(nonce), visitorCsrfToken(newVisitorNonce()));
  // A visitor's token never passes for a session's with the same secret, nor the other way round.
  assert.notEqual(visitorCsrfToken(nonce), sessionCsrfToken(nonce));
  assert.ok(isSameToken(visitorCsrfToken(nonce), visitorCsrfToken(nonce)));
  assert.ok(!isSameToken(visitorCsrfToken(nonce), ''));
  assert.ok(!isSameToken(visitorCsrfToken(nonce), `${visitorCsrfToken(nonce)}x`));
});

test('only nonces of the shape we make are read from the cookie', () => {
  assert.ok(!isVisitorNonce(undefined));
  assert.ok(!isVisitorNonce(''));
  assert.ok(!isVisitorNonce('short'));
  assert.ok(!isVisitorNonce(`${'a'.repeat(42)};`));
});

test('a state change is allowed from this site only, as Sec-Fetch-Site or else Origin says', () => {
  assert.ok(isAllowedOrigin({ secFetchSite: 'same-origin' }, SITE));
  assert.ok(isAllowedOrigin({ secFetchSite: 'none' }, SITE), 'typed or bookmarked by the user');
  assert.ok(!isAllowedOrigin({ secFetchSite: 'cross-site' }, SITE));
  assert.ok(
    !isAllowedOrigin({ secFetchSite: 'same-site' }, SITE),
    'a sibling subdomain is another site here',
  );
  // Sec-Fetch-Site, which scripts cannot set, wins over an Origin that looks right.
  assert.ok(!isAllowedOrigin({ secFetchSite: 'cross-site', origin: 'https://press.example' }, SITE));
  assert.ok(isAllowedOrigin({ origin: 'https://press.example' }, SITE));
  assert.ok(isAllowedOrigin({ origin: 'https://PRESS.example:443' }, SITE));
  assert.ok(!isAllowedOrigin({ origin: 'https://evil.example' }, SITE));
  assert.ok(!isAllowedOrigin({ origin: 'http://press.example' }, SITE), 'another scheme is another origin');
  assert.ok(!isAllowedOrigin({ origin: 'https://press.example.evil.example' }, SITE));
  assert.ok(!isAllowedOrigin({ origin: 'null' }, SITE));
  assert.ok(!isAllowedOrigin({ origin: 'not a url' }, SITE));
  // Served under another name too (a proxy): the address the browser sent the request to counts.
  assert.ok(
    isAllowedOrigin(
      { origin: 'http://127.0.0.1:8080' },
      { siteOrigin: 'https://press.example', requestOrigin: 'http://127.0.0.1:8080' },
    ),
  );
  // Neither header (a script, an old browser): the token decides.
  assert.ok(isAllowedOrigin({}, SITE));
});
