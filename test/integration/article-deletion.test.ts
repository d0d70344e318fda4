// Deleting an article end to end, on SQLite and (when TEST_DATABASE_URL is set) PostgreSQL: the
// service's transaction, every reader document it leaves, the page cache, the old address, and
// the newsroom's confirmation page with its CSRF token.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { listingScope } from '../../src/domain/listing.ts';
import type { Role, User } from '../../src/domain/user.ts';
import { isAppError } from '../../src/errors.ts';
import { rebuildSearchIndex } from '../../src/services/discovery/search.ts';
import { WebSubPinger } from '../../src/services/discovery/websub.ts';
import { importWordPress } from '../../src/services/import/wordpress.ts';
import { deleteArticle, planDeletion, restoreArticle } from '../../src/services/newsroom/deletion.ts';
import { transitionArticle } from '../../src/services/newsroom/workflow.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addArticle } from '../helpers/discovery-fixtures.ts';

const hasCode = (code: string) => (error: unknown) => isAppError(error) && error.code === code;

/** Every reader document that lists a published article of Nadia Korvell's filed under Europe. */
const LISTINGS = [
  '/',
  '/region/europe',
  '/authors/nadia-korvell',
  '/feed.xml',
  '/feed.atom',
  '/feed.json',
  '/region/europe/feed.xml',
  '/authors/nadia-korvell/feed.json',
  '/sitemaps/articles-2026-11.xml',
  '/sitemaps/news.xml',
  '/search?q=quillwort',
  '/api/search?q=quillwort',
];

const ONE_POST_WXR = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Old site</title><link>https://old.example</link><language>en</language>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://old.example</wp:base_site_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login>ana</wp:author_login><wp:author_display_name><![CDATA[Ana Reis]]></wp:author_display_name></wp:author>
<item><title>Estuary gauges</title><link>https://old.example/2020/06/estuary-gauges/</link><dc:creator>ana</dc:creator>
<content:encoded><![CDATA[<p>Body text.</p>]]></content:encoded>
<wp:post_id>10</wp:post_id><wp:post_date_gmt>2020-06-01 10:00:00</wp:post_date_gmt><wp:post_name>estuary-gauges</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
</item>
</channel></rss>
`;

for (const kind of DATABASE_KINDS) {
  describe(`deleting articles on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    const users = new Map<Role, User>();
    const as = (role: Role): Promise<AdminClient> =>
      clientAs(app, t.wiring, users.get(role)!, sessionCookieName(t.wiring.siteUrl));
    const staff = (role: Role) => users.get(role)!;
    const get = (url: string) => app.inject({ method: 'GET', url });

    before(async () => {
      t = await createTestWiring(kind);
      app = await buildApp(t.wiring, { shouldLog: false });
      for (const role of ['contributor', 'author', 'editor', 'admin'] as const) {
        users.set(role, await makeUser(t.wiring, role, `${role}@deletion.example`));
      }
      // A neighbour keeps every listing non-empty, so that they answer 200 before and after.
      await addArticle(t.wiring, {
        slug: 'neighbour',
        title: 'The neighbouring article',
        body: 'Other text.',
        publishedAt: '2026-11-02T08:00:00.000Z',
        authors: ['Nadia Korvell'],
        terms: { region: ['Europe'] },
      });
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    test('a deleted article leaves every listing, feed, sitemap and search, cached or not, and its address answers 410', async () => {
      const id = await addArticle(t.wiring, {
        slug: 'quillwort-ledger',
        title: 'The quillwort ledger',
        body: 'Quillwort grows in the shallows.',
        publishedAt: '2026-11-19T08:00:00.000Z', // within the news sitemap's two days
        authors: ['Nadia Korvell'],
        terms: { region: ['Europe'] },
      });
      // Read every document once, so that the page cache holds them.
      for (const url of [...LISTINGS, '/articles/quillwort-ledger']) {
        const page = await get(url);
        assert.equal(page.statusCode, 200, url);
        assert.match(page.body, /quillwort-ledger/, `${url} lists the article before`);
      }
      const europe = (await t.wiring.store.taxonomies.listTerms()).find((term) => term.slug === 'europe')!;
      const siteBefore = (await t.wiring.store.listings.get(listingScope.site)).count;
      const termBefore = (await t.wiring.store.listings.get(listingScope.term(europe.id))).count;
      const revisionsBefore = await t.wiring.store.revisions.list('article', id);

      const { address } = await deleteArticle(t.wiring, staff('editor'), { articleId: id });
      assert.deepEqual(address, { kind: 'gone', path: '/articles/quillwort-ledger' });

      for (const url of LISTINGS) {
        const page = await get(url);
        assert.equal(page.statusCode, 200, url);
        assert.doesNotMatch(
          page.body,
          /quillwort-ledger|The quillwort ledger/,
          `${url} still lists the deleted article`,
        );
      }
      const gone = await get('/articles/quillwort-ledger');
      assert.equal(gone.statusCode, 410);
      assert.match(String(gone.headers['content-type']), /text\/html/);
      assert.equal(gone.headers['cache-control'], 'no-store');
      assert.match(gone.body, /<h1>This page has been removed<\/h1>/);
      assert.match(gone.body, /removed by the publication/);
      assert.match(gone.body, /href="\/"/, 'the page leads readers on');
      const json = await app.inject({
        method: 'GET',
        url: '/articles/quillwort-ledger',
        headers: { accept: 'application/json' },
      });
      assert.equal(json.statusCode, 410);
      assert.equal(json.json().code, 'GONE');

      assert.equal((await t.wiring.store.listings.get(listingScope.site)).count, siteBefore - 1);
      assert.equal((await t.wiring.store.listings.get(listingScope.term(europe.id))).count, termBefore - 1);
      const revisions = await t.wiring.store.revisions.list('article', id);
      assert.equal(revisions.length, revisionsBefore.length + 1);
      assert.match(revisions[0]?.note ?? '', /^Deleted \(was published\)/);
      const [audit] = await t.wiring.store.audit.list({ limit: 1 });
      assert.equal(audit?.action, 'article.delete');
      assert.equal(audit?.actorUserId, staff('editor').id);

      // Subscribers' hubs hear that the feeds it was in changed.
      const pinged: string[] = [];
      const pinger = new WebSubPinger(t.wiring, 'https://hub.example/', {
        post: async (_url, init) => {
          pinged.push(new URLSearchParams(init.body).get('hub.url') ?? '');
          return { ok: true, status: 202 };
        },
      });
      await pinger.onChange({ kind: 'article', id, slugs: ['quillwort-ledger'] });
      await pinger.flush();
      for (const feed of ['/feed.xml', '/region/europe/feed.atom', '/authors/nadia-korvell/feed.json']) {
        assert.ok(pinged.includes(`https://review.example${feed}`), feed);
      }

      // Rebuilding the index or the listings from the articles brings nothing back.
      await rebuildSearchIndex(t.wiring);
      await t.wiring.store.listings.rebuild();
      assert.equal((await t.wiring.store.listings.get(listingScope.site)).count, siteBefore - 1);
      assert.doesNotMatch((await get('/api/search?q=quillwort')).body, /quillwort-ledger/);
    });

    test('a deleted article leaves the newsroom lists and the dashboard, and its slug is free for a new one', async () => {
      const id = await addArticle(t.wiring, {
        slug: 'saltmarsh-budget',
        title: 'The saltmarsh budget',
        body: 'Text.',
        publishedAt: '2026-11-11T08:00:00.000Z',
        authors: ['Nadia Korvell'],
      });
      const editor = await as('editor');
      assert.match((await editor.get('/admin/articles')).body, /The saltmarsh budget/);
      assert.match((await editor.get('/admin')).body, /The saltmarsh budget/);
      await deleteArticle(t.wiring, staff('editor'), { articleId: id });
      assert.doesNotMatch((await editor.get('/admin/articles')).body, /The saltmarsh budget/);
      assert.doesNotMatch((await editor.get('/admin')).body, /The saltmarsh budget/);
      assert.equal((await editor.get(`/admin/articles/${id}`)).statusCode, 404);

      await editor.get('/admin/articles/new');
      const reused = await editor.post('/admin/articles', {
        title: 'A new saltmarsh budget',
        slug: 'saltmarsh-budget',
        body: 'New text.',
        author: 'Nadia Korvell',
        language: 'en',
      });
      assert.equal(reused.statusCode, 303, reused.body.slice(0, 300));
      const newId = Number(/\/admin\/articles\/(\d+)/.exec(String(reused.headers.location))?.[1]);
      await transitionArticle(t.wiring, staff('editor'), { articleId: newId, action: 'publish' });
      const page = await get('/articles/saltmarsh-budget');
      assert.equal(page.statusCode, 200, 'the new article answers at the address, not the 410');
      assert.match(page.body, /A new saltmarsh budget/);
      await assert.rejects(
        restoreArticle(t.wiring, staff('admin'), { articleId: id }),
        hasCode('SLUG_TAKEN'),
      );
    });

    test('the editor may send the old address elsewhere instead of 410', async () => {
      const id = await addArticle(t.wiring, {
        slug: 'reed-beds',
        title: 'Reed beds',
        body: 'Text.',
        publishedAt: '2026-11-12T08:00:00.000Z',
        authors: ['Nadia Korvell'],
      });
      assert.equal((await get('/articles/reed-beds')).statusCode, 200);
      await deleteArticle(t.wiring, staff('editor'), { articleId: id, redirectTo: '/articles/neighbour' });
      const moved = await get('/articles/reed-beds');
      assert.equal(moved.statusCode, 301);
      assert.equal(moved.headers.location, '/articles/neighbour');
    });

    test('an author may send the old address only to this site; editors elsewhere only with an http(s) URL', async () => {
      const published = async (slug: string) => {
        const id = await addArticle(t.wiring, {
          slug,
          title: `Article ${slug}`,
          body: 'Text.',
          publishedAt: '2026-11-14T08:00:00.000Z',
          authors: ['Nadia Korvell'],
        });
        const article = await t.wiring.store.articles.findById(id);
        return { id, personId: article!.authorIds[0]! };
      };
      const { id, personId } = await published('sluice-gates');
      // An author whose byline is on the article: it is theirs to delete.
      const author = { ...staff('author'), personId };
      for (const elsewhere of ['https://elsewhere.example/landing', 'http://elsewhere.example/']) {
        await assert.rejects(
          deleteArticle(t.wiring, author, { articleId: id, redirectTo: elsewhere }),
          (error: unknown) =>
            isAppError(error) &&
            error.code === 'VALIDATION_FAILED' &&
            error.details?.[0]?.field === 'redirect_to' &&
            /on this site/.test(error.details[0].message),
          elsewhere,
        );
      }
      assert.equal((await t.wiring.store.articles.findById(id))?.status, 'published');
      assert.equal((await get('/articles/sluice-gates')).statusCode, 200);

      // The site's own full address is an address on this site.
      await deleteArticle(t.wiring, author, {
        articleId: id,
        redirectTo: `${t.wiring.siteUrl}/articles/neighbour?from=sluice#top`,
      });
      const moved = await get('/articles/sluice-gates');
      assert.equal(moved.statusCode, 301);
      assert.equal(moved.headers.location, '/articles/neighbour?from=sluice#top');

      const other = await published('weir-keepers');
      await deleteArticle(
        t.wiring,
        { ...staff('author'), personId: other.personId },
        {
          articleId: other.id,
          redirectTo: '/articles/neighbour',
        },
      );
      assert.equal((await get('/articles/weir-keepers')).headers.location, '/articles/neighbour');

      const edited = await published('lock-keepers');
      for (const bad of [
        '//evil.example/x',
        '/\\evil.example',
        '\\\\evil.example',
        'javascript:alert(1)',
        'JaVaScRiPt:alert(1)',
        'data:text/html,x',
        'https:evil.example',
        'https://evil.example/\u0001x',
        '/articles/neigh\u0001bour',
        '/articles/neigh\tbour',
        'https://evil.example/a b',
        'ftp://evil.example/',
      ]) {
        await assert.rejects(
          deleteArticle(t.wiring, staff('editor'), { articleId: edited.id, redirectTo: bad }),
          (error: unknown) => isAppError(error) && error.details?.[0]?.field === 'redirect_to',
          JSON.stringify(bad),
        );
      }
      await deleteArticle(t.wiring, staff('editor'), {
        articleId: edited.id,
        redirectTo: 'https://elsewhere.example/landing',
      });
      const offsite = await get('/articles/lock-keepers');
      assert.equal(offsite.statusCode, 301);
      assert.equal(offsite.headers.location, 'https://elsewhere.example/landing');
    });

    test('a control character typed into the redirect field is refused, not quietly removed', async () => {
      const id = await addArticle(t.wiring, {
        slug: 'mill-races',
        title: 'Mill races',
        body: 'Text.',
        publishedAt: '2026-11-15T08:00:00.000Z',
        authors: ['Nadia Korvell'],
      });
      const editor = await as('editor');
      await editor.get(`/admin/articles/${id}/delete`);
      const refused = await editor.post(`/admin/articles/${id}/delete`, {
        version: '1',
        redirect_to: '/articles/neigh\u0001bour',
      });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /field-redirect_to-error/);
      assert.equal((await get('/articles/mill-races')).statusCode, 200);
    });

    test('the author’s confirmation page says the address may lead only within the site', async () => {
      const id = await addArticle(t.wiring, {
        slug: 'flood-meadows',
        title: 'Flood meadows',
        body: 'Text.',
        publishedAt: '2026-11-16T08:00:00.000Z',
        authors: ['Nadia Korvell'],
      });
      const editor = await as('editor');
      const page = await editor.get(`/admin/articles/${id}/delete`);
      assert.match(page.body, /or a full http\(s\) URL/);
      const plan = await planDeletion(t.wiring, staff('editor'), id);
      assert.equal(plan.mayRedirectElsewhere, true);
      const article = await t.wiring.store.articles.findById(id);
      const author = { ...staff('author'), personId: article!.authorIds[0]! };
      assert.equal((await planDeletion(t.wiring, author, id)).mayRedirectElsewhere, false);
    });

    test('a stored redirect whose target is no safe address is never followed', async () => {
      // Written straight to the store, as an old version or a hand-edited database might have.
      const stamp = t.wiring.now().toISOString();
      const targets = [
        '//evil.example/x',
        '/\\evil.example',
        'javascript:alert(1)',
        'https://evil.example/\nx',
      ];
      for (const [index, toPath] of targets.entries()) {
        await t.wiring.store.redirects.put(
          { fromPath: `/old-trick-${index}`, toPath, statusCode: 301 },
          stamp,
        );
      }
      await t.wiring.store.redirects.put(
        { fromPath: '/?p=9911', toPath: '//evil.example', statusCode: 301 },
        stamp,
      );
      for (const url of [...targets.map((_, index) => `/old-trick-${index}`), '/?p=9911']) {
        const res = await get(url);
        assert.equal(res.headers.location, undefined, url);
        assert.notEqual(res.statusCode, 301, url);
      }
    });

    test('the confirmation page shows what will happen and deletes only with this session’s CSRF token', async () => {
      const id = await addArticle(t.wiring, {
        slug: 'tidal-gauges',
        title: 'Tidal gauges',
        body: 'Text.',
        publishedAt: '2026-11-13T08:00:00.000Z',
        authors: ['Nadia Korvell'],
      });
      const contributor = await as('contributor');
      assert.equal((await contributor.get(`/admin/articles/${id}/delete`)).statusCode, 403);

      const editor = await as('editor');
      const editorPage = await editor.get(`/admin/articles/${id}`);
      assert.match(editorPage.body, new RegExp(`href="/admin/articles/${id}/delete"`));
      const confirm = await editor.get(`/admin/articles/${id}/delete`);
      assert.equal(confirm.statusCode, 200);
      assert.match(confirm.body, /Delete “Tidal gauges”\?/);
      assert.match(
        confirm.body,
        /<code>\/articles\/tidal-gauges<\/code> will answer <strong>410 Gone<\/strong>/,
      );
      assert.match(confirm.body, /name="redirect_to"/);
      assert.match(confirm.body, /name="_csrf"/);

      const withoutToken = await editor.post(`/admin/articles/${id}/delete`, { _csrf: null, version: '1' });
      assert.equal(withoutToken.statusCode, 403);
      const attacker = await as('admin');
      await attacker.get('/admin/articles');
      const foreignToken = await editor.post(`/admin/articles/${id}/delete`, {
        _csrf: attacker.csrf,
        version: '1',
      });
      assert.equal(foreignToken.statusCode, 403, "another session's token");
      assert.equal((await t.wiring.store.articles.findById(id))?.status, 'published');

      await editor.get(`/admin/articles/${id}/delete`);
      const badTarget = await editor.post(`/admin/articles/${id}/delete`, {
        version: '1',
        redirect_to: 'javascript:alert(1)',
      });
      assert.equal(badTarget.statusCode, 400);
      assert.match(badTarget.body, /field-redirect_to-error/);
      assert.match(badTarget.body, /value="javascript:alert\(1\)"/, 'what was typed is kept');
      assert.equal((await t.wiring.store.articles.findById(id))?.status, 'published');

      const stale = await editor.post(`/admin/articles/${id}/delete`, { version: '0' });
      assert.equal(stale.statusCode, 409);
      assert.ok(await t.wiring.store.articles.findById(id));

      const done = await editor.post(`/admin/articles/${id}/delete`, { version: '1', redirect_to: '' });
      assert.equal(done.statusCode, 303);
      assert.equal(done.headers.location, '/admin/articles?notice=deleted');
      const list = await editor.get('/admin/articles?notice=deleted');
      assert.match(list.body, /Article deleted\./);
      assert.doesNotMatch(list.body, /Tidal gauges/);
      assert.equal((await get('/articles/tidal-gauges')).statusCode, 410);
    });

    test('imported links end at 410, and importing the source again does not bring the article back', async () => {
      const file = path.join(t.database.dataDir, 'one-post.xml');
      writeFileSync(file, ONE_POST_WXR);
      const first = await importWordPress(t.wiring, file);
      assert.equal(first.counts.article.imported, 1);
      const article = await t.wiring.store.articles.findBySlug('estuary-gauges');
      assert.ok(article);
      await deleteArticle(t.wiring, staff('editor'), { articleId: article.id });
      for (const old of ['/?p=10', '/2020/06/estuary-gauges/']) {
        const moved = await get(old);
        assert.equal(moved.statusCode, 301, old);
        assert.equal(moved.headers.location, '/articles/estuary-gauges', old);
      }
      assert.equal((await get('/articles/estuary-gauges')).statusCode, 410);

      const again = await importWordPress(t.wiring, file);
      assert.equal(again.counts.article.imported, 0);
      assert.equal(again.counts.article.skipped, 1);
      assert.match(again.skipped[0]?.reason ?? '', /was deleted here/);
      assert.equal(await t.wiring.store.articles.findBySlug('estuary-gauges'), undefined);
      assert.equal((await get('/articles/estuary-gauges')).statusCode, 410);
    });

    test('an admin lists deleted articles and restores one, unpublished, at its old address', async () => {
      const id = await addArticle(t.wiring, {
        slug: 'peat-carbon',
        title: 'Peat carbon',
        body: 'Text.',
        publishedAt: '2026-11-14T08:00:00.000Z',
        authors: ['Nadia Korvell'],
      });
      await deleteArticle(t.wiring, staff('editor'), { articleId: id });
      const editor = await as('editor');
      assert.equal((await editor.get('/admin/articles/deleted')).statusCode, 403);
      assert.doesNotMatch((await editor.get('/admin/articles')).body, /href="\/admin\/articles\/deleted"/);
      const admin = await as('admin');
      assert.match((await admin.get('/admin/articles')).body, /href="\/admin\/articles\/deleted"/);
      const trash = await admin.get('/admin/articles/deleted');
      assert.equal(trash.statusCode, 200);
      assert.match(trash.body, /Peat carbon/);
      assert.match(trash.body, /<code>\/articles\/peat-carbon<\/code>/);
      const restored = await admin.post(`/admin/articles/${id}/restore`);
      assert.equal(restored.statusCode, 303);
      assert.equal(restored.headers.location, `/admin/articles/${id}?notice=undeleted`);
      const article = await t.wiring.store.articles.findById(id);
      assert.equal(article?.slug, 'peat-carbon');
      assert.equal(article?.status, 'unpublished');
      assert.equal(
        (await get('/articles/peat-carbon')).statusCode,
        404,
        'neither gone nor live until republished',
      );
      await transitionArticle(t.wiring, staff('editor'), { articleId: id, action: 'publish' });
      assert.equal((await get('/articles/peat-carbon')).statusCode, 200);
      assert.doesNotMatch((await admin.get('/admin/articles/deleted')).body, /Peat carbon/);
    });
  });
}
