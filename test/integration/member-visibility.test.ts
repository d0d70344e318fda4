import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { ArticleDraft } from '../../src/domain/article.ts';
import { MEMBER_SESSION_COOKIE } from '../../src/domain/article-access.ts';
import { fillMissingPreviews } from '../../src/services/article-previews.ts';
import { saveArticle } from '../../src/services/articles.ts';
import { searchDocument } from '../../src/services/discovery/search.ts';
import { findOrCreatePerson } from '../../src/services/people.ts';
import { addTerm, articleDraft } from '../../src/services/testing/fixtures.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addSignedInMember } from '../helpers/member-sessions.ts';
import { freePort } from '../helpers/reader-server.ts';
import { requestOverSocket } from '../helpers/socket-get.ts';

// Member-only text never leaves the site for anyone but a member it is for: every public output
// (pages, feeds, search, related lists, the republish kit, the JSON API, sitemaps) is read over
// a real socket, so kept pages answered before the app are covered too, and grepped for words
// that appear only after the preview marker.

/** Words that stand only in the members' part of each gated article. */
const HIDDEN_MEMBERS = 'Quillfeather';
const HIDDEN_PAID = 'Marrowstone';
/**
 * What no public output may show: the hidden words, and the words around them (a search page
 * repeats the words it was asked for, so it is checked for the others).
 */
const HIDDEN_TEXT = [HIDDEN_MEMBERS, 'rewritten in March', HIDDEN_PAID, 'shares were sold'];
/** A word of the members' article's public preview. */
const PREVIEW_WORD = 'Lanternfish';
const PUBLISHED = { status: 'published' as const, publishedAt: '2026-11-01T09:00:00.000Z' };

const MEMBERS_BODY = [
  `The basin's accounts open with a ${PREVIEW_WORD} count everyone may read.`,
  '',
  '<!-- members-only -->',
  '',
  `Only members read that the ${HIDDEN_MEMBERS} ledger was rewritten in March.`,
  '',
  `A second paragraph repeats ${HIDDEN_MEMBERS} for the snippets.`,
].join('\n');

// No marker: the preview is the opening paragraph (over forty words, so it stands alone).
const PAID_BODY = [
  Array.from({ length: 45 }, (_, i) => `opening${i}`).join(' '),
  '',
  `Only paying members read that ${HIDDEN_PAID} shares were sold.`,
].join('\n');

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A GET over a socket, with the member cookie when a session token is given. */
async function get(port: number, path: string, cookie?: string): Promise<Answer> {
  const headers: Record<string, string> = cookie ? { cookie: `${MEMBER_SESSION_COOKIE}=${cookie}` } : {};
  const answer = await requestOverSocket(port, path, { headers });
  return { ...answer, body: answer.body.toString('utf8') };
}

for (const kind of DATABASE_KINDS) {
  describe(`member-only articles on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    let port: number;
    let freeMember: string;
    let paidMember: string;
    /** Session look-ups made: none may be made for a request without the member cookie. */
    let lookups = 0;
    const publish = (overrides: Partial<ArticleDraft> & { slug: string; title: string }) =>
      saveArticle(t.wiring, articleDraft({ ...PUBLISHED, ...overrides }), { actor: 'cli' });

    before(async () => {
      port = await freePort();
      t = await createTestWiring(kind, { siteUrl: `http://127.0.0.1:${port}` });
      const { db } = t.wiring.database;
      // The members' own session look-up, counted.
      const lookUp = t.wiring.memberReader;
      t.wiring.memberReader = (token) => {
        lookups++;
        return lookUp(token);
      };
      const { authorIds, termIds } = await t.wiring.store.transaction(async (repos) => {
        const region = (await repos.taxonomies.listTaxonomies()).find((x) => x.slug === 'region');
        assert.ok(region);
        return {
          authorIds: [(await findOrCreatePerson(repos, { name: 'Ana Reis' }, t.wiring.now())).id],
          termIds: [await addTerm(repos, { taxonomyId: region.id, slug: 'velmar', name: 'Velmar' })],
        };
      });
      const shared = { authorIds, termIds, license: 'cc-by-4.0', summary: null };
      await publish({ slug: 'open-ledger', title: 'Open ledger', ...shared, bodyMarkdown: 'Public text.' });
      await publish({
        slug: 'members-ledger',
        title: 'Ledger for members',
        visibility: 'members',
        ...shared,
        bodyMarkdown: MEMBERS_BODY,
      });
      await publish({
        slug: 'paid-ledger',
        title: 'Ledger for supporters',
        visibility: 'paid',
        ...shared,
        bodyMarkdown: PAID_BODY,
      });
      freeMember = await addSignedInMember(db, {
        email: 'free@example.org',
        isPaid: false,
        now: t.wiring.now(),
      });
      paidMember = await addSignedInMember(db, {
        email: 'paid@example.org',
        isPaid: true,
        now: t.wiring.now(),
      });
      app = await buildApp(t.wiring, { shouldLog: false });
      await app.listen({ port, host: '127.0.0.1' });
    });

    after(async () => {
      await app?.close();
      await t?.cleanup();
    });

    /** Every address an anonymous reader (or a robot) can read something of these articles at. */
    async function publicAddresses(): Promise<string[]> {
      const feeds = ['', '/region/velmar', '/authors/ana-reis'].flatMap((base) =>
        ['feed.xml', 'feed.atom', 'feed.json'].map((file) => `${base}/${file}`),
      );
      const index = (await get(port, '/sitemap.xml')).body;
      const sitemaps = [...index.matchAll(/<loc>http:\/\/127\.0\.0\.1:\d+([^<]+)<\/loc>/g)].map(
        (m) => m[1] ?? '',
      );
      assert.ok(sitemaps.length > 0, 'the sitemap index lists sitemaps');
      const searches = [HIDDEN_MEMBERS, HIDDEN_PAID, PREVIEW_WORD, 'ledger', 'opening1'].flatMap((q) => [
        `/search?q=${q}`,
        `/api/search?q=${q}`,
      ]);
      return [
        '/articles/members-ledger',
        '/articles/paid-ledger',
        // The related lists of the public article show the gated ones.
        '/articles/open-ledger',
        '/',
        '/articles',
        '/region/velmar',
        '/authors/ana-reis',
        '/sitemap.xml',
        ...sitemaps,
        ...feeds,
        ...searches,
      ];
    }

    it('shows no member-only text in any public output, rendered or kept', async () => {
      const addresses = await publicAddresses();
      // Twice: rendered by the app, then answered from the kept copy.
      for (const round of ['rendered', 'kept']) {
        for (const path of addresses) {
          const answer = await get(port, path);
          assert.equal(answer.status, 200, `${path} (${round})`);
          for (const hidden of HIDDEN_TEXT.filter((text) => !path.includes(text)))
            assert.ok(!answer.body.includes(hidden), `${path} (${round}) shows "${hidden}"`);
        }
      }
      assert.equal(lookups, 0, 'no session is looked up for readers without the member cookie');
      // What was searched for finds nothing in the members' part, and the preview is searchable.
      const hidden = JSON.parse((await get(port, `/api/search?q=${HIDDEN_MEMBERS}`)).body);
      assert.equal(hidden.total, 0);
      const preview = JSON.parse((await get(port, `/api/search?q=${PREVIEW_WORD}`)).body);
      assert.deepEqual(
        preview.results.map((r: { title: string }) => r.title),
        ['Ledger for members'],
      );
    });

    it('gives gated articles no republish kit, for anyone', async () => {
      for (const cookie of [undefined, paidMember]) {
        for (const slug of ['members-ledger', 'paid-ledger']) {
          const kit = await get(port, `/articles/${slug}/republish`, cookie);
          assert.equal(kit.status, 404, `${slug}: no kit`);
          assert.ok(!kit.body.includes(HIDDEN_MEMBERS) && !kit.body.includes(HIDDEN_PAID));
        }
      }
      assert.equal((await get(port, '/articles/open-ledger/republish')).status, 200);
    });

    it('shows anonymous readers the preview, the way to join, and marks the page for search engines', async () => {
      const page = (await get(port, '/articles/members-ledger')).body;
      assert.ok(page.includes(PREVIEW_WORD), 'the preview is shown');
      assert.match(page, /class="members-only"[\s\S]*The rest of this article is for members/);
      assert.match(
        page,
        /<a class="members-only__join" href="\/members\/join">Become a member<\/a>, or <a href="\/members\/signin">sign in<\/a>/,
      );
      const jsonLd = JSON.parse(
        /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(page)?.[1] ?? '{}',
      );
      assert.equal(jsonLd.isAccessibleForFree, false);
      assert.deepEqual(jsonLd.hasPart, {
        '@type': 'WebPageElement',
        isAccessibleForFree: false,
        cssSelector: '.members-only',
      });
      assert.equal(jsonLd.articleBody, undefined);
      assert.doesNotMatch(
        page,
        /Cross-post it on your blog|Copy-ready attribution/,
        'not offered for republishing',
      );
      const paid = (await get(port, '/articles/paid-ledger')).body;
      assert.ok(paid.includes('opening44'), 'the opening paragraph is the preview');
      assert.match(paid, /for paying members/);
      const open = JSON.parse(
        /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(
          (await get(port, '/articles/open-ledger')).body,
        )?.[1] ?? '{}',
      );
      assert.equal(open.isAccessibleForFree, true);
      assert.equal(open.hasPart, undefined);
    });

    it('shows a member the whole text, privately, and the kept preview stays for everyone else', async () => {
      // The preview page is kept first, so the member's request must pass the kept copy by.
      await get(port, '/articles/members-ledger');
      const member = await get(port, '/articles/members-ledger', freeMember);
      assert.equal(member.status, 200);
      assert.ok(member.body.includes(HIDDEN_MEMBERS), 'a member reads the members-only text');
      assert.ok(!member.body.includes('The rest of this article is for'), 'no invitation to join');
      assert.equal(member.headers['cache-control'], 'private, no-store');
      assert.equal(member.headers.etag, undefined);
      assert.match(String(member.headers['content-type']), /^text\/html; charset=utf-8/);
      assert.ok(member.headers['content-security-policy'], 'the page carries the protective headers');
      const anonymous = await get(port, '/articles/members-ledger');
      assert.ok(!anonymous.body.includes(HIDDEN_MEMBERS), 'the kept page is still the preview');
      assert.match(String(anonymous.headers['cache-control']), /^public/);
    });

    it('opens a paid article to members on a paid tier only', async () => {
      const free = await get(port, '/articles/paid-ledger', freeMember);
      assert.ok(!free.body.includes(HIDDEN_PAID), 'a free member gets the preview');
      assert.ok(free.body.includes('for paying members'));
      const paid = await get(port, '/articles/paid-ledger', paidMember);
      assert.ok(paid.body.includes(HIDDEN_PAID), 'a paying member reads it all');
      assert.equal(paid.headers['cache-control'], 'private, no-store');
    });

    it('fills the preview of a gated article saved before previews were kept, as the server does at start', async () => {
      const { article } = await publish({
        slug: 'older-ledger',
        title: 'Older ledger',
        visibility: 'members',
        bodyMarkdown: `Old opening.\n\n<!-- members-only -->\n\nOld ${HIDDEN_MEMBERS}graph.`,
      });
      // As an older version left it: no preview, and the whole text in the search index.
      await t.wiring.database.db
        .updateTable('articles')
        .set({ preview_html: null })
        .where('id', '=', article.id)
        .execute();
      await t.wiring.store.search.put(
        searchDocument({
          ...article,
          articleId: article.id,
          publishedAt: article.publishedAt ?? '',
          personIds: [],
          people: [],
          terms: [],
        }),
      );
      const hidden = `/api/search?q=${HIDDEN_MEMBERS}graph`;
      assert.equal(JSON.parse((await get(port, hidden)).body).total, 1, 'the old index holds it');
      assert.ok(!(await get(port, '/articles/older-ledger')).body.includes(`${HIDDEN_MEMBERS}graph`));
      assert.deepEqual(await fillMissingPreviews(t.wiring), { filled: 1 });
      assert.equal(JSON.parse((await get(port, hidden)).body).total, 0);
      const page = (await get(port, '/articles/older-ledger')).body;
      assert.ok(page.includes('Old opening.') && !page.includes(`${HIDDEN_MEMBERS}graph`));
    });

    it('treats an unknown or expired session as anonymous, and public pages the same for members', async () => {
      const forged = await get(port, '/articles/members-ledger', 'not-a-session');
      assert.equal(forged.status, 200);
      assert.ok(!forged.body.includes(HIDDEN_MEMBERS));
      t.setNow(new Date(t.wiring.now().getTime() + 2 * 86_400_000));
      try {
        const expired = await get(port, '/articles/members-ledger', freeMember);
        assert.ok(!expired.body.includes(HIDDEN_MEMBERS), 'an expired session reads the preview');
      } finally {
        t.setNow(new Date('2026-11-20T12:00:00.000Z'));
      }
      await get(port, '/articles/open-ledger');
      const before = lookups;
      const open = await get(port, '/articles/open-ledger', freeMember);
      assert.match(String(open.headers['cache-control']), /^public/, 'a public article stays shared');
      assert.equal(lookups, before, 'a kept public page is served to a member without a look-up');
    });
  });
}
