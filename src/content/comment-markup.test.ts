import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commentTextErrors as commentTextErrorsOf } from '../domain/comment.ts';
import { commentLinkHosts, renderCommentText, renderImportedComment } from './comment-markup.ts';

const RULES = {
  maxLinks: 2,
  blockedWords: 'casino\nCheap Pills',
  blockedDomains: 'spam.example\n*.ads.example',
};

/** The rules' verdict on a text, its links found as the service finds them (the links the markup makes). */
const commentTextErrors = (text: string, rules: typeof RULES) =>
  commentTextErrorsOf(text, rules, commentLinkHosts(text));

test('comment text takes emphasis, code, quotes, lists and links; links are nofollow ugc', () => {
  const html = renderCommentText(
    '**bold** _it_ `code`\n\n> quoted\n\n- one\n- two\n\nsee https://example.org/a and [this](https://example.org/b)',
  );
  assert.match(html, /<strong>bold<\/strong> <em>it<\/em> <code>code<\/code>/);
  assert.match(html, /<blockquote>\s*<p>quoted<\/p>\s*<\/blockquote>/);
  assert.match(html, /<ul>\s*<li>one<\/li>/);
  assert.match(html, /<a href="https:\/\/example.org\/a" rel="nofollow ugc noopener">/);
  assert.match(html, /<a href="https:\/\/example.org\/b" rel="nofollow ugc noopener">this<\/a>/);
});

test('comment text is never HTML: tags are shown as typed, images, headings and script links are not made', () => {
  const html = renderCommentText(
    '<script>alert(1)</script> <b onclick="x">b</b>\n\n# Heading\n\n![pixel](https://t.example/p.gif) [x](javascript:alert(1))',
  );
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt; &lt;b onclick="x"&gt;/);
  assert.doesNotMatch(html, /<script|<img|<h1|href="javascript/);
});

test('an imported comment keeps its few tags and line breaks, and loses scripts, handlers and images', () => {
  const html = renderImportedComment(
    'Hello <em>there</em>\nsecond line\n\n<a href="https://a.example" onclick="x">link</a><img src=x onerror=alert(1)><script>alert(1)</script>',
  );
  assert.equal(
    html,
    '<p>Hello <em>there</em><br />second line</p><p><a href="https://a.example" rel="nofollow ugc noopener">link</a></p>',
  );
});

test('refuses empty text, too many links, blocked words (any case) and blocked domains with their subdomains', () => {
  assert.deepEqual(commentTextErrors('   ', RULES), [{ field: 'body', message: 'must not be empty' }]);
  assert.deepEqual(commentTextErrors('fine, see https://a.example and http://b.example', RULES), []);
  assert.match(
    commentTextErrors('https://a.example https://b.example https://c.example', RULES)[0]?.message ?? '',
    /at most 2 links/,
  );
  assert.match(
    commentTextErrors('no links: https://a.example', { ...RULES, maxLinks: 0 })[0]?.message ?? '',
    /may not carry links/,
  );
  assert.match(commentTextErrors('Buy CHEAP pills now', RULES)[0]?.message ?? '', /words/);
  assert.match(
    commentTextErrors('at https://www.spam.example/x', RULES)[0]?.message ?? '',
    /does not accept links/,
  );
  assert.match(
    commentTextErrors('at http://x.ads.example:8080/', RULES)[0]?.message ?? '',
    /does not accept links/,
  );
  assert.deepEqual(
    commentTextErrors('at https://notspam.example/', RULES),
    [],
    'a longer name is another domain',
  );
  assert.deepEqual(
    commentTextErrors('anything at all', { ...RULES, blockedWords: '\u200b\n\u00ad' }),
    [],
    'a blocked line of invisible characters blocks nothing',
  );
});

test('blocked words are found written with Cyrillic, Greek or wide look-alikes, or with invisible characters inside', () => {
  for (const text of [
    'Win at the c\u0430sin\u043e tonight', // Cyrillic а, о
    'Win at the \u0441\u0430\u0455\u0456\u0578\u03bf tonight', // Cyrillic с а ѕ і, Armenian ո, Greek ο
    'Win at the CA\u0405INO tonight', // Cyrillic capital Ѕ
    'Win at the \uff43\uff41\uff53\uff49\uff4e\uff4f tonight', // full-width
    'Win at the cas\u200di\u2060no tonight', // zero-width joiner, word joiner
    'Buy ch\u0435\u0430p p\u0456lls', // Cyrillic е, а, і
  ])
    assert.deepEqual(
      commentTextErrors(text, RULES),
      [{ field: 'body', message: 'contains words this publication does not accept' }],
      JSON.stringify(text),
    );
  assert.deepEqual(commentTextErrors('Казино is Russian for a place to lose money', RULES), []);
});

test('blocked domains are found through look-alike letters in the link’s host', () => {
  for (const text of [
    'see https://\u0455\u0440\u0430m.example/x', // ѕра: Cyrillic
    'see https://www.sp\u0430m.example/x',
    'see [here](https://xn--spm-7cd.example/)',
    'see https://ads.sp\u0430m.example',
  ])
    assert.deepEqual(
      commentTextErrors(text, RULES),
      [{ field: 'body', message: 'links to a site this publication does not accept links to' }],
      text,
    );
  assert.deepEqual(commentTextErrors('see https://spamless.example/x', RULES), []);
});
