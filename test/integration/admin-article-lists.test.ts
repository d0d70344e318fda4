import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildApp } from '../../src/app.ts';
import { parseArticleListQuery } from '../../src/domain/article-list-query.ts';
import type { AdminArticleQuery, AdminArticleSort } from '../../src/domain/ports/article-admin-store.ts';
import type { Role, User } from '../../src/domain/user.ts';
import { saveArticle } from '../../src/services/articles.ts';
import { listArticlesFor } from '../../src/services/newsroom/article-list.ts';
import { addTerm, articleDraft } from '../../src/services/testing/fixtures.ts';
import { adminArticleListQuery } from '../../src/storage/article-admin-repository.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

const START = Date.parse('2026-11-01T09:00:00.000Z');
const TITLES = [
  'Harbour walls at Aveiro',
  'Salt in the aquifer',
  'The river ledger',
  'Drought clauses',
  'Zebra mussels in the canal',
  'A harbour without ships',
  'Floodplain maps',
];

/** Article ids listed on an admin list page, in order. */
function listedIds(body: string): number[] {
  return [...body.matchAll(/name="id" value="(\d+)"/g)].map((m) => Number(m[1]));
}

function nextLink(body: string): string | undefined {
  return /<a href="([^"]+)" rel="next">/.exec(body)?.[1]?.replaceAll('&amp;', '&');
}

for (const kind of DATABASE_KINDS) {
  describe(`the admin article list on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    const users = new Map<Role, User>();
    const as = (role: Role): Promise<AdminClient> =>
      clientAs(app, t.wiring, users.get(role)!, sessionCookieName(t.wiring.siteUrl));
    /** Every article: id, title, when it changed, and who created it. */
    const articles: { id: number; title: string; updatedAt: string; publishedAt: string | null }[] = [];
    const terms = { europe: 0, asia: 0, water: 0 };
    let personId = 0;

    before(async () => {
      t = await createTestWiring(kind);
      app = await buildApp(t.wiring, { shouldLog: false });
      for (const role of ['contributor', 'editor'] as const) {
        users.set(role, await makeUser(t.wiring, role, `${role}@lists.example`));
      }
      const taxonomies = new Map(
        (await t.wiring.store.taxonomies.listTaxonomies()).map((x) => [x.slug, x.id]),
      );
      await t.wiring.store.transaction(async (repos) => {
        terms.europe = await addTerm(repos, {
          taxonomyId: taxonomies.get('region')!,
          slug: 'europe',
          name: 'Europe',
        });
        terms.asia = await addTerm(repos, {
          taxonomyId: taxonomies.get('region')!,
          slug: 'asia',
          name: 'Asia',
        });
        terms.water = await addTerm(repos, {
          taxonomyId: taxonomies.get('theme')!,
          slug: 'water',
          name: 'Water',
        });
        personId = await repos.people.insert({
          slug: 'ana-reis',
          name: 'Ana Reis',
          bio: null,
          bioHtml: null,
          email: null,
          website: null,
          links: [],
          photo: null,
          createdAt: '2026-01-01T00:00:00.000Z',
          updatedAt: '2026-01-01T00:00:00.000Z',
        });
      });
      // Two articles to a timestamp, so the keyset's tie-breaker is exercised.
      for (const [i, title] of TITLES.entries()) {
        const at = new Date(START + Math.floor(i / 2) * 3_600_000);
        t.setNow(at);
        const isPublished = i % 3 === 0;
        const isContributors = i >= 5;
        const saved = await saveArticle(
          t.wiring,
          articleDraft({
            slug: `article-${i}`,
            title,
            bodyMarkdown: i === 2 ? 'The basin keeps an AQUIFER ledger, 100% of it.' : `Text number ${i}.`,
            status: isPublished ? 'published' : 'draft',
            publishedAt: isPublished ? at.toISOString() : null,
            authorIds: i % 2 === 0 ? [personId] : [],
            termIds: [i % 2 === 0 ? terms.europe : terms.asia, terms.water],
          }),
          {
            actor: 'test',
            createdBy: isContributors ? users.get('contributor')!.id : users.get('editor')!.id,
          },
        );
        articles.push({
          id: saved.article.id,
          title,
          updatedAt: saved.article.updatedAt,
          publishedAt: saved.article.publishedAt,
        });
      }
      t.setNow(new Date('2026-11-20T12:00:00.000Z'));
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    const expectedOrder = (sort: AdminArticleSort) => {
      const rows = [...articles];
      if (sort === 'title')
        return rows
          .sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : a.id - b.id))
          .map((a) => a.id);
      const key = (a: (typeof rows)[number]) => (sort === 'published' ? a.publishedAt : a.updatedAt) ?? '';
      return rows
        .filter((a) => sort !== 'published' || a.publishedAt !== null)
        .sort((a, b) => key(b).localeCompare(key(a)) || b.id - a.id)
        .map((a) => a.id);
    };

    it('pages by keyset through every article in each order, each once, to the end', async () => {
      const editor = users.get('editor')!;
      for (const sort of ['updated', 'published', 'title'] as const) {
        const seen: number[] = [];
        let after: { key: string; id: number } | undefined;
        for (let page = 0; page < 10; page++) {
          const result = await listArticlesFor(
            t.wiring,
            editor,
            { sort, ...(after ? { after } : {}) },
            { pageSize: 2 },
          );
          seen.push(...result.rows.map((r) => r.article.id));
          if (!result.next) break;
          after = result.next;
        }
        assert.deepEqual(seen, expectedOrder(sort), sort);
      }
    });

    it('pages back by keyset to the first page, and counts the matches up to a cap', async () => {
      const editor = users.get('editor')!;
      for (const sort of ['updated', 'published', 'title'] as const) {
        const pages: number[][] = [];
        let after: { key: string; id: number } | undefined;
        let result = await listArticlesFor(t.wiring, editor, { sort }, { pageSize: 2 });
        assert.equal(result.previous, null, sort);
        assert.equal(result.total, expectedOrder(sort).length, sort);
        for (;;) {
          pages.push(result.rows.map((r) => r.article.id));
          if (!result.next) break;
          after = result.next;
          result = await listArticlesFor(t.wiring, editor, { sort, after }, { pageSize: 2 });
        }
        // From the last page back to the first, each previous page is the one seen before it.
        for (let i = pages.length - 1; i > 0; i--) {
          assert.ok(result.previous, `${sort} page ${i}`);
          result = await listArticlesFor(
            t.wiring,
            editor,
            { sort, before: result.previous },
            { pageSize: 2 },
          );
          assert.deepEqual(
            result.rows.map((r) => r.article.id),
            pages[i - 1],
            `${sort} page ${i - 1}`,
          );
          assert.ok(result.next, `${sort} page ${i - 1} leads on`);
        }
        assert.equal(result.previous, null, `${sort}: the first page has none before it`);
      }
      const page = await (await as('editor')).get('/admin/articles?status=published');
      const published = articles.filter((a) => a.publishedAt !== null).length;
      assert.match(page.body, new RegExp(`${published} articles match\\.`));
    });

    it('follows the next-page links to the last page', async () => {
      const editor = await as('editor');
      const ids: number[] = [];
      let url: string | undefined = '/admin/articles?sort=title';
      let pages = 0;
      while (url) {
        const response = await editor.get(url);
        assert.equal(response.statusCode, 200, url);
        ids.push(...listedIds(response.body));
        url = nextLink(response.body);
        pages++;
      }
      assert.equal(pages, 1);
      assert.deepEqual(ids, expectedOrder('title'));
    });

    it('narrows the list by text, status, author, term and dates', async () => {
      const editor = await as('editor');
      const idsOf = async (query: string) => {
        const response = await editor.get(`/admin/articles?${query}`);
        assert.equal(response.statusCode, 200, query);
        return listedIds(response.body).sort((a, b) => a - b);
      };
      const byTitle = (title: string) => articles.find((a) => a.title === title)!.id;
      // Title and text, either case; `%` is a character, not a wildcard.
      assert.deepEqual(await idsOf('q=aquifer'), [
        byTitle('Salt in the aquifer'),
        byTitle('The river ledger'),
      ]);
      assert.deepEqual(await idsOf('q=HARBOUR'), [
        byTitle('Harbour walls at Aveiro'),
        byTitle('A harbour without ships'),
      ]);
      assert.deepEqual(await idsOf('q=100%25'), [byTitle('The river ledger')]);
      assert.deepEqual(await idsOf('q=0%25'), [byTitle('The river ledger')]);
      assert.deepEqual(await idsOf('q=_'), []);
      // Words are each looked for anywhere; a quoted phrase as written, its words in that order.
      assert.deepEqual(await idsOf(`q=${encodeURIComponent('ledger aquifer')}`), [
        byTitle('The river ledger'),
      ]);
      assert.deepEqual(await idsOf(`q=${encodeURIComponent('"aquifer ledger"')}`), [
        byTitle('The river ledger'),
      ]);
      assert.deepEqual(await idsOf(`q=${encodeURIComponent('"ledger aquifer"')}`), []);
      assert.deepEqual(await idsOf(`q=${encodeURIComponent('river "an aquifer"')}`), [
        byTitle('The river ledger'),
      ]);
      assert.deepEqual(
        await idsOf('status=published'),
        articles.filter((a) => a.publishedAt).map((a) => a.id),
      );
      // A picker's text: a name (case aside) or a slug, and for terms also taxonomy/slug.
      for (const author of ['Ana Reis', 'ana reis', 'ana-reis']) {
        assert.deepEqual(
          await idsOf(`author=${encodeURIComponent(author)}`),
          articles.filter((_, i) => i % 2 === 0).map((a) => a.id),
          author,
        );
      }
      for (const term of ['Asia', 'asia', 'region/asia', 'region%2FAsia']) {
        assert.deepEqual(
          await idsOf(`term=${term}`),
          articles.filter((_, i) => i % 2 === 1).map((a) => a.id),
          term,
        );
      }
      assert.deepEqual(await idsOf('term=asia&q=salt'), [byTitle('Salt in the aquifer')]);
      // The second hour holds articles 2 and 3; "to" includes its whole day.
      assert.deepEqual(
        await idsOf('from=2026-11-01&to=2026-11-01'),
        articles.map((a) => a.id),
      );
      assert.deepEqual(await idsOf('from=2026-11-02'), []);
    });

    it('shows the list with a wrong filter left out and its message by the field, with a 400', async () => {
      const editor = await as('editor');
      const everything = listedIds((await editor.get('/admin/articles')).body);
      for (const [query, field, message] of [
        ['sort=newest', 'sort', 'Must be one of updated, published, title'],
        ['status=gone', 'status', 'Must be one of'],
        ['from=2024-13-45', 'from', 'Must be a date written YYYY-MM-DD'],
        ['from=2026-02-30', 'from', 'Must be a date written YYYY-MM-DD'],
        ['to=yesterday', 'to', 'Must be a date written YYYY-MM-DD'],
        ['author=ana', 'author', 'No person is called “ana”'],
        ['term=Atlantis', 'term', 'No term is called “Atlantis”'],
        ['from=2026-11-02&to=2026-11-01', 'to', 'Must not be before “from”'],
      ] as const) {
        const response = await editor.get(`/admin/articles?${query}`);
        assert.equal(response.statusCode, 400, query);
        assert.match(response.body, /<form method="get" action="\/admin\/articles"/, query);
        assert.match(response.body, new RegExp(`id="list-${field}"[^>]*aria-invalid="true"`), query);
        assert.match(
          response.body,
          new RegExp(`<p class="field-error" id="list-${field}-error">${message}`),
          query,
        );
        assert.match(
          response.body,
          new RegExp(`<a href="#list-${field}">`),
          `${query}: the summary links to the field`,
        );
        if (!query.includes('&')) assert.deepEqual(listedIds(response.body), everything, query);
      }
      const typed = await editor.get('/admin/articles?from=2024-13-45&status=draft');
      assert.match(
        typed.body,
        /id="list-from" name="from" type="text" placeholder="YYYY-MM-DD" value="2024-13-45"/,
        'what was typed stays, in a box that can show it (a date picker blanks it)',
      );
      assert.match(typed.body, /<option value="draft" selected>/, 'the filters that are right stay in use');
      const page = await editor.get('/admin/articles?after=not-a-cursor');
      assert.equal(page.statusCode, 400);
      assert.match(page.body, /Page: Is not a page of this list: start again from the first page/);
      assert.deepEqual(listedIds(page.body), everything, 'the first page instead');
    });

    it('reads a filter given twice by its last value, and one holding a NUL as wrong by its field', async () => {
      const editor = await as('editor');
      for (const [key, first, last] of [
        ['status', 'draft', 'review'],
        ['author', 'nobody', 'ana'],
        ['q', 'a', 'b'],
        ['sort', 'title', 'published'],
        ['from', '2026-01-01', '2026-11-02'],
        ['term', 'Atlantis', 'Europe'],
        ['after', 'xyz', 'abc'],
      ] as const) {
        const twice = await editor.get(`/admin/articles?${key}=${first}&${key}=${last}`);
        const once = await editor.get(`/admin/articles?${key}=${last}`);
        assert.equal(twice.statusCode, once.statusCode, key);
        assert.doesNotMatch(twice.body, /Invalid querystring|must be string/, key);
        assert.match(twice.body, /<form method="get" action="\/admin\/articles"/, key);
        assert.deepEqual(listedIds(twice.body), listedIds(once.body), key);
      }
      const everything = listedIds((await editor.get('/admin/articles')).body);
      const nul = await editor.get('/admin/articles?q=%00');
      assert.equal(nul.statusCode, 400);
      assert.match(nul.body, /id="list-q"[^>]*aria-invalid="true"/);
      assert.match(nul.body, /<p class="field-error" id="list-q-error">Contains a NUL character/);
      assert.deepEqual(listedIds(nul.body), everything, 'the list without that filter');
      const typed = await editor.get('/admin/articles?q=har%00bour&status=draft&status=draft');
      assert.equal(typed.statusCode, 400);
      assert.match(typed.body, /id="list-q" name="q" type="search" value="harbour"/);
      assert.match(typed.body, /<option value="draft" selected>/);
      assert.equal((await editor.get('/admin/articles/%00?q=a')).statusCode, 400);
    });

    it('shows a contributor only their own articles', async () => {
      const contributor = await as('contributor');
      const ids = listedIds((await contributor.get('/admin/articles')).body).sort((a, b) => a - b);
      assert.deepEqual(
        ids,
        articles.slice(5).map((a) => a.id),
      );
    });

    it('reads each page from an index in order, with no sort and no full scan', async () => {
      const db = t.wiring.database.db;
      for (const sort of ['updated', 'published', 'title'] as const) {
        for (const extra of [{}, { status: 'draft' as const }, { text: 'harbour' }]) {
          const query: AdminArticleQuery = { sort, limit: 51, after: { key: '2026-11-01', id: 3 }, ...extra };
          const compiled = adminArticleListQuery(db, t.wiring.database.dialect, query).compile();
          const plan = await t.wiring.database.db.connection().execute(async (conn) => {
            if (kind === 'sqlite') {
              const rows = await conn.executeQuery<{ detail: string }>({
                ...compiled,
                sql: `EXPLAIN QUERY PLAN ${compiled.sql}`,
              });
              return rows.rows.map((r) => r.detail);
            }
            // The test table is tiny: without these the planner would rightly read it whole.
            await sql`SET enable_seqscan = off`.execute(conn);
            await sql`SET enable_sort = off`.execute(conn);
            try {
              const rows = await conn.executeQuery<{ 'QUERY PLAN': string }>({
                ...compiled,
                sql: `EXPLAIN ${compiled.sql}`,
              });
              return rows.rows.map((r) => r['QUERY PLAN']);
            } finally {
              await sql`RESET enable_seqscan`.execute(conn);
              await sql`RESET enable_sort`.execute(conn);
            }
          });
          const text = plan.join('\n');
          const label = `${sort} ${JSON.stringify(extra)}:\n${text}`;
          assert.match(text, /articles_admin_|articles_status_published/, label);
          assert.doesNotMatch(text, /TEMP B-TREE|\bSort\b|Seq Scan on articles/, label);
          assert.doesNotMatch(text, /^SCAN articles$/m, label);
        }
      }
    });

    /** The bulk results page's rows: article title and result text. */
    const outcomesOf = (body: string) =>
      [
        ...body.matchAll(
          /<tr class="bulk-(done|refused)">\s*<td[^>]*>(?:<a[^>]*>)?([^<]*)(?:<\/a>)?(.*?)<\/td>\s*<td[^>]*>(.*?)<\/td>/gs,
        ),
      ].map((m) => ({
        isDone: m[1] === 'done',
        title: m[2],
        which: (m[3] ?? '').replace(/<[^>]+>/g, '').trim(),
        links: [...(m[3] ?? '').matchAll(/href="([^"]+)"/g)].map((h) => h[1]),
        result: (m[4] ?? '').replace(/<[^>]+>/g, ''),
      }));
    const bulk = (client: AdminClient, action: string, ids: number[], extra: Record<string, string> = {}) =>
      app.inject({
        method: 'POST',
        url: '/admin/articles/bulk',
        headers: { cookie: client.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams([
          ['_csrf', client.csrf],
          ['action', action],
          ...ids.map((id) => ['id', String(id)]),
          ...Object.entries(extra),
        ]).toString(),
      });

    it('refuses a contributor’s bulk submit of others’ articles one by one, and does their own', async () => {
      const contributor = await as('contributor');
      await contributor.get('/admin/articles');
      const [others1, others2, own] = [articles[1]!, articles[3]!, articles[5]!];
      const response = await bulk(contributor, 'submit', [others1.id, others2.id, own.id]);
      assert.equal(response.statusCode, 200);
      assert.deepEqual(
        outcomesOf(response.body).map((o) => [o.title, o.isDone]),
        [
          [others1.title, false],
          [others2.title, false],
          [own.title, true],
        ],
      );
      assert.match(
        outcomesOf(response.body)[0]!.result,
        /Refused: Your role \(contributor\) may not do this/,
      );
      assert.equal((await t.wiring.store.articles.findById(others1.id))?.status, 'draft');
      assert.equal((await t.wiring.store.articles.findById(own.id))?.status, 'review');
      // A contributor may not publish at all: each article says so, nothing changes.
      const publish = await bulk(contributor, 'publish', [own.id]);
      assert.equal(outcomesOf(publish.body)[0]?.isDone, false);
      assert.equal((await t.wiring.store.articles.findById(own.id))?.status, 'review');
    });

    it('publishes several articles for an editor, each with its revision and audit entry', async () => {
      const editor = await as('editor');
      await editor.get('/admin/articles');
      const chosen = [articles[1]!, articles[2]!, articles[4]!];
      const before = await Promise.all(
        chosen.map((a) => t.wiring.store.revisions.list('article', a.id).then((r) => r.length)),
      );
      const auditBefore = (await t.wiring.store.audit.list({ limit: 100 })).length;
      const response = await bulk(
        editor,
        'publish',
        chosen.map((a) => a.id),
      );
      assert.equal(response.statusCode, 200);
      assert.match(response.body, /3 done, 0 refused/);
      for (const [i, article] of chosen.entries()) {
        const stored = await t.wiring.store.articles.findById(article.id);
        assert.equal(stored?.status, 'published');
        const revisions = await t.wiring.store.revisions.list('article', article.id);
        assert.equal(revisions.length, before[i]! + 1);
      }
      const audit = await t.wiring.store.audit.list({ limit: 100 });
      assert.equal(audit.length, auditBefore + 3);
      assert.ok(audit.slice(0, 3).every((entry) => entry.action === 'article.publish'));
      // Publishing what is already published is refused by the workflow, as one at a time.
      const again = await bulk(editor, 'publish', [chosen[0]!.id]);
      assert.match(again.body, /0 done, 1 refused/);
    });

    it('tells apart two articles of one title in the bulk results, by address, status and number', async () => {
      const editor = await as('editor');
      await editor.get('/admin/articles');
      const twins = [];
      for (const slug of ['harbour-dues-2025', 'harbour-dues-2026']) {
        const created = await editor.post('/admin/articles', {
          title: 'Harbour dues',
          slug,
          body: 'Dues rise.',
          language: 'en',
          visibility: 'public',
        });
        twins.push(Number(/articles\/(\d+)/.exec(String(created.headers.location))?.[1]));
      }
      await bulk(editor, 'publish', [twins[0]!]);
      const response = await bulk(editor, 'publish', twins);
      const rows = outcomesOf(response.body);
      assert.deepEqual(
        rows.map((o) => o.title),
        ['Harbour dues', 'Harbour dues'],
      );
      assert.match(
        rows[0]!.which,
        new RegExp(`^/articles/harbour-dues-2025 · Published · no\\. ${twins[0]}$`),
      );
      assert.deepEqual(rows[0]!.links, ['/articles/harbour-dues-2025']);
      for (const id of twins)
        assert.match(response.body, new RegExp(`<a href="/admin/articles/${id}">Harbour dues</a>`));
      assert.match(
        rows[1]!.which,
        new RegExp(`^/articles/harbour-dues-2026 · Published · no\\. ${twins[1]}$`),
      );
      assert.notEqual(rows[0]!.which, rows[1]!.which);
    });

    it('files articles under a term of a taxonomy that takes several, keeping their other terms', async () => {
      const editor = await as('editor');
      await editor.get('/admin/articles');
      const article = articles[0]!;
      const before = await t.wiring.store.articles.findById(article.id);
      const response = await bulk(editor, 'move', [article.id], { term: 'ASIA', list: 'sort=title&q=a' });
      assert.match(
        response.body,
        /Added to “Asia”: 1 done, 0 refused\. An article may have several regions: the ones it had are kept, with its other terms\./,
      );
      assert.match(
        response.body,
        /<a href="\/admin\/articles\?q=a&amp;sort=title">← Back to the articles<\/a>/,
      );
      const stored = await t.wiring.store.articles.findById(article.id);
      assert.deepEqual(
        [...(stored?.termIds ?? [])].sort(),
        [...new Set([...(before?.termIds ?? []), terms.asia])].sort(),
      );
      assert.ok(stored?.termIds.includes(terms.water));
      const [latest] = await t.wiring.store.revisions.list('article', article.id);
      assert.ok(latest);
      // A term no one has brings the list back, the article still ticked, the message by the field.
      const unknown = await bulk(editor, 'move', [article.id], { term: 'Atlantis', list: 'sort=title' });
      assert.equal(unknown.statusCode, 400);
      assert.match(unknown.body, /id="bulk-form"/);
      assert.match(
        unknown.body,
        /<select id="list-sort" name="sort"[^>]*>.*<option value="title" selected>/s,
      );
      assert.match(unknown.body, /<p class="field-error" id="bulk-term-error">No term is called “Atlantis”/);
      assert.match(unknown.body, /id="bulk-term" name="term" type="text" value="Atlantis"/);
      assert.match(
        unknown.body,
        new RegExp(`name="id" value="${article.id}" id="pick-${article.id}"[^>]* checked`),
      );
      assert.match(unknown.body, /<option value="move" selected>/);
    });

    it('adds a tag without dropping any term, and replaces only the term of a taxonomy that takes one', async () => {
      const editor = await as('editor');
      await editor.get('/admin/articles');
      const article = articles[3]!;
      const { store } = t.wiring;
      const tagTaxonomy = (await store.taxonomies.listTaxonomies()).find((x) => x.slug === 'tag')!;
      const seriesId = await store.taxonomies.insertTaxonomy({
        slug: 'bulk-series',
        name: 'Bulk series',
        pluralName: 'Bulk series',
        isHierarchical: false,
        isMultiple: false,
        position: 9,
      });
      const ids = await store.transaction(async (repos) => ({
        tag: await addTerm(repos, { taxonomyId: tagTaxonomy.id, slug: 'harbours', name: 'Harbours' }),
        first: await addTerm(repos, { taxonomyId: seriesId, slug: 'series-one', name: 'Series one' }),
        second: await addTerm(repos, { taxonomyId: seriesId, slug: 'series-two', name: 'Series two' }),
      }));
      const start = [...((await store.articles.findById(article.id))?.termIds ?? [])];
      assert.ok(start.length >= 2);
      const termsNow = async () => [...((await store.articles.findById(article.id))?.termIds ?? [])].sort();

      const first = await bulk(editor, 'move', [article.id], { term: 'series-one' });
      assert.match(first.body, /Moved to “Series one”: 1 done, 0 refused\./);
      assert.deepEqual(await termsNow(), [...start, ids.first].sort());
      const tagged = await bulk(editor, 'move', [article.id], { term: 'harbours' });
      assert.match(
        tagged.body,
        /Added to “Harbours”: 1 done, 0 refused\. An article may have several tags: the ones it had are kept, with its other terms\./,
      );
      assert.deepEqual(await termsNow(), [...start, ids.first, ids.tag].sort());
      const moved = await bulk(editor, 'move', [article.id], { term: 'series-two' });
      assert.match(
        moved.body,
        /Moved to “Series two”: 1 done, 0 refused\. An article has one bulk series: this one replaces the one it had; its other terms are kept\./,
      );
      assert.deepEqual(await termsNow(), [...start, ids.second, ids.tag].sort());
    });

    it('sends a bulk action without articles, or moving without a term, back to its list with what to do', async () => {
      const editor = await as('editor');
      const list = await editor.get('/admin/articles?from=2000-01-01&sort=title');
      assert.match(list.body, /<input type="hidden" name="list" value="from=2000-01-01&amp;sort=title">/);
      const none = await bulk(editor, 'publish', [], { list: 'from=2000-01-01&sort=title&evil=1' });
      assert.equal(none.statusCode, 303);
      assert.equal(none.headers.location, '/admin/articles?from=2000-01-01&sort=title&notice=bulk-none');
      const shown = await editor.get(String(none.headers.location));
      assert.equal(shown.statusCode, 200);
      assert.match(shown.body, /Nothing was done: tick the articles to apply the action to/);
      assert.doesNotMatch(shown.body, /id: choose/);
      const noTerm = await bulk(editor, 'move', [articles[0]!.id], { term: ' ' });
      assert.equal(noTerm.statusCode, 303);
      assert.equal(noTerm.headers.location, '/admin/articles?notice=bulk-no-term');
      assert.match(
        (await editor.get(String(noTerm.headers.location))).body,
        /Nothing was moved: choose the term to move the ticked articles to/,
      );
      const badId = await bulk(editor, 'publish', [0]);
      assert.equal(badId.statusCode, 400);
    });

    it('highlights the status filter in use when other filters are on too', async () => {
      const editor = await as('editor');
      const body = (await editor.get('/admin/articles?status=draft&sort=title&q=a')).body;
      assert.match(body, /<a href="\/admin\/articles\?status=draft"[^>]* aria-current="true">Draft<\/a>/);
      assert.equal(
        body.match(/aria-current="(page|true)">(All|Draft|In review|Scheduled|Published|Unpublished)</g)
          ?.length,
        1,
      );
    });

    it('offers deleting from the list to those who may, and the confirmation page from there', async () => {
      const editor = await as('editor');
      const body = (await editor.get('/admin/articles')).body;
      const target = articles[2]!;
      assert.match(body, new RegExp(`href="/admin/articles/${target.id}/delete"`));
      const confirm = await editor.get(`/admin/articles/${target.id}/delete`);
      assert.equal(confirm.statusCode, 200);
      assert.match(confirm.body, /Delete the article/);
      const contributor = await as('contributor');
      assert.doesNotMatch((await contributor.get('/admin/articles')).body, /\/delete"/);
    });

    it('parses an empty query as the first page of everything by last change', () => {
      assert.deepEqual(parseArticleListQuery({}), { filters: { sort: 'updated' }, errors: [] });
    });
  });
}
