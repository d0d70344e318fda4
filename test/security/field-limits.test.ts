// Over-long and out-of-range values, on every path that stores them: each is refused with a 4xx
// that names the field (and the limit), and nothing is stored, the same on SQLite and PostgreSQL
// (where a varchar(N) or integer column would otherwise overflow into a 500, and SQLite would
// store it as given). Importers report the one item and carry on with the rest.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { Role, User } from '../../src/domain/user.ts';
import { importGhost } from '../../src/services/import/ghost.ts';
import { importJson } from '../../src/services/import/json.ts';
import { importMarkdown } from '../../src/services/import/markdown.ts';
import { importWordPress } from '../../src/services/import/wordpress.ts';
import { AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addArticle } from '../helpers/discovery-fixtures.ts';

const long = (n: number, unit = 'a') => unit.repeat(n);
/** An http URL of exactly `n` characters. */
const urlOf = (n: number) => {
  const head = 'https://example.org/';
  return head + long(n - head.length);
};
/** A language tag of `n` characters ("en-abcdefgh-abcdefgh-…"), well formed apart from its length. */
const languageOf = (n: number) =>
  `en${'-abcdefgh'.repeat(Math.ceil(n / 9))}`.slice(0, n).replace(/-[^-]?$/, '-ab');

/** Tables whose row counts show whether anything was stored (every save keeps a revision and an audit entry). */
const COUNTED_TABLES = [
  'articles',
  'people',
  'taxonomies',
  'terms',
  'pages',
  'users',
  'redirects',
  'revisions',
  'audit_log',
  'article_autosaves',
  'article_views',
  'login_attempts',
] as const;

interface FormCase {
  name: string;
  /** Who sends it; anonymous for the sign-in form. */
  role: Role | 'anonymous';
  /** A page to open first, for its CSRF token. */
  open: string;
  url: string;
  form: Record<string, string>;
  /** The field the answer must name. */
  field: string;
  /** The limit the answer must state, for a length. */
  limit?: string;
}

for (const kind of DATABASE_KINDS) {
  describe(`field limits on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    const users = new Map<Role, User>();
    let articleId = 0;
    let publishedId = 0;
    let termId = 0;
    let staffId = 0;

    const counts = async (): Promise<Record<string, number>> => {
      const out: Record<string, number> = {};
      for (const table of COUNTED_TABLES) {
        const row = await t.wiring.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        out[table] = Number(row.n);
      }
      const deleted = await t.wiring.database.db
        .selectFrom('articles')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('deleted_at', 'is not', null)
        .executeTakeFirstOrThrow();
      out.deleted = Number(deleted.n);
      return out;
    };

    const clientFor = async (role: Role | 'anonymous'): Promise<AdminClient> =>
      role === 'anonymous'
        ? new AdminClient(app)
        : clientAs(app, t.wiring, users.get(role)!, sessionCookieName(t.wiring.siteUrl));

    before(async () => {
      t = await createTestWiring(kind);
      app = await buildApp(t.wiring, { shouldLog: false });
      for (const role of ['contributor', 'author', 'editor', 'admin'] as const) {
        users.set(role, await makeUser(t.wiring, role, `${role}@limits.example`));
      }
      // The first article has id 1: what "0x1" and "01" would be read as.
      publishedId = await addArticle(t.wiring, {
        slug: 'harbour-ledger',
        title: 'The harbour ledger',
        body: 'Text.',
        publishedAt: '2026-11-01T00:00:00.000Z',
        authors: ['Nadia Korvell'],
      });
      const editor = await clientFor('editor');
      await editor.get('/admin/articles/new');
      const created = await editor.post('/admin/articles', {
        title: 'A draft to keep',
        body: 'Text.',
        language: 'en',
        visibility: 'public',
      });
      articleId = Number(/\/admin\/articles\/(\d+)/.exec(String(created.headers.location))?.[1]);
      assert.ok(articleId > 0);
      // In a hierarchical taxonomy, so that its form has a parent field.
      await editor.get('/admin/taxonomies/region');
      await editor.post('/admin/taxonomies/region/terms', { name: 'Baltic', slug: '', description: '' });
      const region = (await t.wiring.store.taxonomies.listTaxonomies()).find((x) => x.slug === 'region')!;
      termId = (await t.wiring.store.taxonomies.findTerm(region.id, 'baltic'))!.id;
      staffId = (await makeUser(t.wiring, 'author', 'linkable@limits.example')).id;
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    // Each case its own slug, so that one stored by mistake does not change why the next is refused.
    let made = 0;
    const article = (fields: Record<string, string>): Record<string, string> => ({
      title: 'Over the limit',
      slug: `over-the-limit-${++made}`,
      body: 'Text.',
      language: 'en',
      visibility: 'public',
      ...fields,
    });
    const page = (fields: Record<string, string>) => ({
      title: 'Ordered page',
      slug: `ordered-page-${++made}`,
      body: 'Text.',
      status: 'draft',
      ...fields,
    });

    const cases = (): FormCase[] => [
      // Articles, through the editor form.
      ...(
        [
          ['source_url', { source_name: 'Elsewhere', source_url: urlOf(2001) }, '2,000'],
          ['canonical_url', { canonical_url: urlOf(2001) }, '2,000'],
          ['featured_image', { featured_image: urlOf(2001), featured_image_alt: 'A picture' }, '2,000'],
          ['source_name', { source_name: long(501) }, '500'],
          // A code, or words kept from before as other:<up to 200 characters>.
          ['license', { license: long(207) }, '206'],
          ['language', { language: languageOf(36) }, '35'],
          ['title', { title: long(301) }, '300'],
          ['author', { author: long(201, 'N') }, '200'],
          ['new_terms_tag', { new_terms_tag: long(201, 't') }, '200'],
        ] as const
      ).map(
        ([field, fields, limit]): FormCase => ({
          name: `article ${field} over ${limit}`,
          role: 'editor',
          open: '/admin/articles/new',
          url: '/admin/articles',
          form: article(fields),
          field,
          limit,
        }),
      ),
      {
        name: 'article term id out of range',
        role: 'editor',
        open: '/admin/articles/new',
        url: '/admin/articles',
        form: article({ term: '99999999999' }),
        field: 'term',
      },
      {
        name: 'article update with a term id out of range',
        role: 'editor',
        open: `/admin/articles/${articleId}`,
        url: `/admin/articles/${articleId}`,
        form: article({ title: 'A draft to keep', slug: '', term: '2147483648', version: '1' }),
        field: 'term',
      },
      {
        name: 'article deletion redirect over 2,000',
        role: 'editor',
        open: `/admin/articles/${publishedId}/delete`,
        url: `/admin/articles/${publishedId}/delete`,
        form: { redirect_to: `/${long(2000)}` },
        field: 'redirect_to',
        limit: '2,000',
      },
      // People.
      ...(
        [
          ['name', { name: long(201) }, '200'],
          ['email', { email: `${long(320)}@example.org` }, '320'],
          ['website', { website: urlOf(2001) }, '2,000'],
          ['photo', { photo: urlOf(2001) }, '2,000'],
        ] as const
      ).map(
        ([field, fields, limit]): FormCase => ({
          name: `person ${field} over ${limit}`,
          role: 'editor',
          open: '/admin/people/new',
          url: '/admin/people',
          form: { name: `Long Fields ${++made}`, ...fields },
          field,
          limit,
        }),
      ),
      // Taxonomies and terms.
      {
        name: 'taxonomy slug over 100',
        role: 'editor',
        open: '/admin/taxonomies/new',
        url: '/admin/taxonomies',
        form: { name: 'Dossier', plural_name: 'Dossiers', slug: long(101, 'd') },
        field: 'slug',
        limit: '100',
      },
      {
        name: 'term name over 200',
        role: 'editor',
        open: '/admin/taxonomies/tag',
        url: '/admin/taxonomies/tag/terms',
        form: { name: long(201), slug: 'long-term', description: '' },
        field: 'name',
        limit: '200',
      },
      {
        name: 'term merged into an id out of range',
        role: 'editor',
        open: `/admin/terms/${termId}`,
        url: `/admin/terms/${termId}/merge`,
        form: { into: '9999999999' },
        field: 'into',
      },
      {
        name: 'term parent out of range',
        role: 'editor',
        open: `/admin/terms/${termId}`,
        url: `/admin/terms/${termId}`,
        form: { name: 'Baltic', slug: 'baltic', description: '', parent: '9999999999' },
        field: 'parent',
      },
      // Pages.
      {
        name: 'page title over 300',
        role: 'editor',
        open: '/admin/pages/new',
        url: '/admin/pages',
        form: page({ title: long(301) }),
        field: 'title',
        limit: '300',
      },
      ...['2147483648', '99999999999', '-1', '1.5', '0x10', '1e3', ' 7'].map(
        (position): FormCase => ({
          name: `page position ${JSON.stringify(position)}`,
          role: 'editor',
          open: '/admin/pages/new',
          url: '/admin/pages',
          form: page({ position }),
          field: 'position',
        }),
      ),
      // Staff.
      {
        name: 'invited user name over 200',
        role: 'admin',
        open: '/admin/users',
        url: '/admin/users/invite',
        form: { email: 'invitee@limits.example', name: long(201), role: 'author' },
        field: 'name',
        limit: '200',
      },
      {
        name: 'invited user email over 320',
        role: 'admin',
        open: '/admin/users',
        url: '/admin/users/invite',
        form: { email: `${long(320)}@limits.example`, name: 'Invitee', role: 'author' },
        field: 'email',
        limit: '320',
      },
      {
        name: 'sign-in email over 320',
        role: 'anonymous',
        open: '/admin/login',
        url: '/admin/login',
        form: { email: `${long(400)}@limits.example`, password: 'whatever it is', next: '/admin' },
        field: 'email',
        limit: '320',
      },
    ];

    test('each over-long or out-of-range form value is a 400 naming the field, and stores nothing', async () => {
      const failures: string[] = [];
      for (const c of cases()) {
        const client = await clientFor(c.role);
        await client.get(c.open);
        const before = await counts();
        const res = await client.post(c.url, c.form);
        const after = await counts();
        const problems: string[] = [];
        if (res.statusCode !== 400) problems.push(`status ${res.statusCode}`);
        if (!new RegExp(`field-${c.field}-error`).test(res.body)) problems.push(`no error on ${c.field}`);
        if (c.limit && !res.body.includes(c.limit)) problems.push(`the limit ${c.limit} is not stated`);
        for (const [table, n] of Object.entries(before))
          if (after[table] !== n) problems.push(`${table}: ${n} → ${after[table]}`);
        if (problems.length > 0) failures.push(`${c.name}: ${problems.join(', ')}`);
      }
      assert.deepEqual(failures, []);
    });

    test('the same through the autosave and the account link, which answer JSON or in a row', async () => {
      const editor = await clientFor('editor');
      await editor.get(`/admin/articles/${articleId}`);
      const failures: string[] = [];
      for (const [field, fields] of [
        ['source_url', { source_name: 'Elsewhere', source_url: urlOf(2001) }],
        ['license', { license: long(207) }],
        ['version', { version: '99999999999' }],
      ] as const) {
        const before = await counts();
        const res = await editor.post(`/admin/articles/${articleId}/autosave`, {
          version: '1',
          ...article({ title: 'A draft to keep', slug: '' }),
          ...fields,
        });
        const after = await counts();
        const details = res.statusCode === 400 ? (JSON.parse(res.body).details ?? []) : [];
        if (res.statusCode !== 400 || !details.some((d: { field: string }) => d.field === field))
          failures.push(`autosave ${field}: ${res.statusCode} ${res.body.slice(0, 200)}`);
        if (JSON.stringify(before) !== JSON.stringify(after))
          failures.push(`autosave ${field} stored something`);
      }
      const admin = await clientFor('admin');
      await admin.get('/admin/users');
      for (const personId of ['99999999999', '2147483648', '0x1']) {
        const res = await admin.post(`/admin/users/${staffId}/person`, { person_id: personId });
        if (res.statusCode !== 400) failures.push(`person link ${personId}: ${res.statusCode}`);
      }
      assert.equal((await t.wiring.store.users.findById(staffId))?.personId, null);
      assert.deepEqual(failures, []);
    });

    test('ids and page numbers are read only as plain decimal numbers, never as another number', async () => {
      const editor = await clientFor('editor');
      const failures: string[] = [];
      for (const id of ['0x1', '1e0', '01', '%201', '+1', '1.0', '0b1', '2147483648']) {
        for (const url of [
          `/admin/articles/${id}`,
          `/admin/articles/${id}/revisions`,
          `/admin/pages/${id}`,
        ]) {
          const res = await editor.get(url);
          if (res.statusCode !== 400 && res.statusCode !== 404) failures.push(`${url}: ${res.statusCode}`);
        }
      }
      const views = await counts();
      for (const url of ['/api/views/0x1', '/api/views/1e0', '/api/views/01']) {
        const res = await app.inject({ method: 'POST', url });
        if (res.statusCode !== 400 && res.statusCode !== 404) failures.push(`POST ${url}: ${res.statusCode}`);
      }
      assert.equal((await counts()).article_views, views.article_views, 'no view counted');
      for (const url of [
        '/?page=0x1',
        '/?page=1e0',
        '/?page=01',
        '/search?q=harbour&page=0x1',
        '/api/search?q=harbour&page=1.0',
        '/authors/nadia-korvell?page=+1',
      ]) {
        const res: LightMyRequestResponse = await app.inject(url);
        if (res.statusCode !== 400) failures.push(`${url}: ${res.statusCode}`);
      }
      // Plain numbers still work.
      assert.equal((await editor.get(`/admin/articles/${articleId}`)).statusCode, 200);
      assert.equal((await app.inject('/?page=1')).statusCode, 200);
      assert.deepEqual(failures, []);
    });
  });

  describe(`importers and field limits on ${kind}`, () => {
    let t: TestWiring;
    let folder: string;
    before(async () => {
      t = await createTestWiring(kind);
      folder = mkdtempSync(path.join(tmpdir(), 'pressroom-limits-'));
    });
    after(async () => {
      await t.cleanup();
      rmSync(folder, { recursive: true, force: true });
    });

    test('Markdown: a file with an over-long field fails by name; the others are imported', async () => {
      const dir = path.join(folder, 'markdown');
      mkdirSync(dir, { recursive: true });
      const file = (name: string, front: string) =>
        writeFileSync(path.join(dir, name), `---\ntitle: ${name}\ndate: 2024-05-01\n${front}\n---\nText.\n`);
      file('a-fine.md', 'authors: [Rosa Tamm]\ntag: [ports]');
      file('b-source.md', `source: Elsewhere\nsource_url: ${urlOf(2001)}`);
      file('c-canonical.md', `canonical_url: ${urlOf(2001)}`);
      file('d-license.md', `license: ${long(207)}`);
      file('e-author.md', `authors: [${long(301, 'N')}]`);
      file('f-author-website.md', `authors:\n  - name: Web Person\n    website: ${urlOf(2001)}`);
      file('g-author-email.md', `authors:\n  - name: Mail Person\n    email: ${long(320)}@example.org`);
      file('h-tag.md', `tag: [${long(301, 't')}]`);
      file('i-source-name.md', `source: ${long(501)}`);
      file('j-fine.md', 'authors: [Rosa Tamm]');
      const report = await importMarkdown(t.wiring, dir);
      const failed = report.outcomes
        .filter((o) => o.status === 'failed')
        .map(
          (o) =>
            `${path.basename(o.file)}: ${(o.errors ?? []).map((e) => `${e.field} ${e.message}`).join('; ')}`,
        );
      assert.equal(report.imported, 2, failed.join('\n'));
      assert.equal(report.failed, 8, failed.join('\n'));
      for (const [name, pattern] of [
        ['b-source.md', /source_url.*2,000/],
        ['c-canonical.md', /canonical_url.*2,000/],
        ['d-license.md', /license.*206/],
        ['e-author.md', /author.*200/],
        ['f-author-website.md', /author.*website.*2,000|website.*2,000/],
        ['g-author-email.md', /email.*320/],
        ['h-tag.md', /200/],
        ['i-source-name.md', /source.*500/],
      ] as const) {
        const line = failed.find((f) => f.startsWith(name));
        assert.ok(line, `${name} is reported`);
        assert.match(line, pattern, line);
      }
      assert.ok(await t.wiring.store.articles.findBySlug('a-fine-md'));
      assert.ok(await t.wiring.store.articles.findBySlug('j-fine-md'));
      assert.equal(
        (await t.wiring.store.people.list()).filter(
          (p) => p.name.length > 200 || (p.website?.length ?? 0) > 2000,
        ).length,
        0,
      );
    });

    test('WordPress: over-long values fail their item (or are clipped where clipping is plainly right); the import goes on', async () => {
      const file = path.join(folder, 'long.xml');
      const post = (id: number, slug: string, extra: string, link = `https://old.example/${slug}/`) => `<item>
  <title>${slug}</title><link>${link}</link>
  <dc:creator><![CDATA[keeper]]></dc:creator>
  <content:encoded><![CDATA[<p>About ${slug}.</p>]]></content:encoded>
  <wp:post_id>${id}</wp:post_id><wp:post_date_gmt>2015-03-02 10:00:00</wp:post_date_gmt>
  <wp:post_name>${slug}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
  ${extra}
</item>`;
      writeFileSync(
        file,
        `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Long</title><link>https://old.example</link><wp:wxr_version>1.2</wp:wxr_version>
  <wp:author><wp:author_login>keeper</wp:author_login><wp:author_display_name>${long(400, 'K')}</wp:author_display_name></wp:author>
  <wp:category><wp:term_id>1</wp:term_id><wp:category_nicename>lengthy</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[${long(400, 'c')}]]></wp:cat_name></wp:category>
  ${post(1, 'fine', '<category domain="category" nicename="lengthy"><![CDATA[Lengthy]]></category>')}
  ${post(2, 'long-source', `<wp:postmeta><wp:meta_key>source_name</wp:meta_key><wp:meta_value><![CDATA[${long(501)}]]></wp:meta_value></wp:postmeta>`)}
  ${post(3, 'long-canonical', `<wp:postmeta><wp:meta_key>_yoast_wpseo_canonical</wp:meta_key><wp:meta_value><![CDATA[${urlOf(2001)}]]></wp:meta_value></wp:postmeta>`)}
  ${post(4, 'long-link', '', urlOf(2100))}
  ${post(5, 'long-commenter', `<wp:comment><wp:comment_id>9</wp:comment_id><wp:comment_author><![CDATA[${long(400, 'C')}]]></wp:comment_author><wp:comment_author_email>${long(400)}@example.org</wp:comment_author_email><wp:comment_author_url>${urlOf(2100)}</wp:comment_author_url><wp:comment_date_gmt>2015-03-03 10:00:00</wp:comment_date_gmt><wp:comment_content><![CDATA[Well said.]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment>`)}
  <item><title>Far down</title><link>https://old.example/far/</link><content:encoded><![CDATA[<p>Order.</p>]]></content:encoded>
    <wp:post_id>6</wp:post_id><wp:post_name>far-down</wp:post_name><wp:status>publish</wp:status><wp:post_type>page</wp:post_type><wp:menu_order>99999999999</wp:menu_order></item>
  <item><title>Up top</title><link>https://old.example/top/</link><content:encoded><![CDATA[<p>Order.</p>]]></content:encoded>
    <wp:post_id>7</wp:post_id><wp:post_name>up-top</wp:post_name><wp:status>publish</wp:status><wp:post_type>page</wp:post_type><wp:menu_order>-3</wp:menu_order></item>
  <item><title>Huge file</title><link>https://old.example/huge/</link><wp:attachment_url>${urlOf(2100)}</wp:attachment_url>
    <wp:post_id>8</wp:post_id><wp:post_name>huge</wp:post_name><wp:status>inherit</wp:status><wp:post_type>attachment</wp:post_type></item>
  ${post(10, 'repeat-a', '')}
  ${post(10, long(400, 'r'), '')}
  ${post(11, 'after-all', '')}
</channel>
</rss>`,
      );
      const report = await importWordPress(t.wiring, file);
      const reasons = (report.items as { id: string; title: string; outcome: string; reason?: string }[]).map(
        (i) => `${i.id} ${i.outcome} ${i.reason ?? ''}`,
      );
      const itemOf = (id: string) => report.items.filter((i) => i.kind === 'item' && i.id === id);
      assert.match(itemOf('2')[0]?.reason ?? '', /source.*500/, reasons.join('\n'));
      assert.match(itemOf('3')[0]?.reason ?? '', /canonical_url.*2,000/, reasons.join('\n'));
      assert.match(itemOf('8')[0]?.reason ?? '', /url.*2,000/, reasons.join('\n'));
      for (const slug of ['fine', 'long-link', 'long-commenter', 'repeat-a', 'after-all'])
        assert.ok(await t.wiring.store.articles.findBySlug(slug), slug);
      assert.equal(await t.wiring.store.articles.findBySlug('long-source'), undefined);
      // The old address too long to keep is reported, not stored.
      assert.ok(
        report.skipped.some((s) => s.kind === 'redirect' && /2,000/.test(s.reason)),
        JSON.stringify(report.skipped),
      );
      const pages = await t.wiring.store.pages.list();
      assert.deepEqual(pages.map((p) => [p.slug, p.position]).sort(), [
        ['far-down', 1_000_000],
        ['up-top', 0],
      ]);
      const keeper = (await t.wiring.store.people.list()).find((p) => p.name.startsWith('KKK'));
      assert.ok(keeper && keeper.name.length <= 200, 'the author name is clipped');
      const terms = await t.wiring.store.taxonomies.listTerms();
      assert.ok(terms.every((term) => term.name.length <= 200));
      const comments = await t.wiring.database.db.selectFrom('comments').selectAll().execute();
      assert.equal(comments.length, 1);
      assert.ok(comments[0]!.author_name.length <= 300);
      // Run again: the long repeated id is found again, not imported twice.
      const again = await importWordPress(t.wiring, file);
      assert.equal(again.counts.article.imported, 0, JSON.stringify(again.counts.article));
    });

    test('Ghost: over-long values fail their post, or are left out of a profile with a note', async () => {
      const file = path.join(folder, 'ghost.json');
      const post = (id: string, slug: string, extra: Record<string, unknown> = {}) => ({
        id,
        title: slug,
        slug,
        html: `<p>${slug}</p>`,
        type: 'post',
        status: 'published',
        created_at: '2019-01-01T00:00:00.000Z',
        updated_at: '2019-01-02T00:00:00.000Z',
        published_at: '2019-01-01T00:00:00.000Z',
        ...extra,
      });
      writeFileSync(
        file,
        JSON.stringify({
          db: [
            {
              meta: { exported_on: 1700000000000, version: '5.75.0' },
              data: {
                users: [
                  { id: 'u1', name: 'Wide Web', slug: 'wide-web', website: urlOf(2100) },
                  { id: long(400, 'u'), name: long(400, 'W'), slug: 'long-user' },
                ],
                tags: [{ id: 't1', name: long(400, 'g'), slug: 'long-tag' }],
                posts: [
                  post('p1', 'ghost-fine'),
                  post('p2', 'ghost-canonical', { canonical_url: urlOf(2100) }),
                  post('p3', 'ghost-language', { locale: languageOf(40) }),
                  post(long(400, 'p'), 'ghost-long-id'),
                ],
                posts_authors: [
                  { id: 'pa1', post_id: 'p1', author_id: 'u1' },
                  { id: 'pa2', post_id: 'p1', author_id: long(400, 'u') },
                ],
                posts_tags: [{ id: 'pt1', post_id: 'p1', tag_id: 't1' }],
              },
            },
          ],
        }),
      );
      const report = await importGhost(t.wiring, file);
      const lines = report.items.map((i) => `${i.kind} ${i.id} ${i.outcome} ${i.reason ?? ''}`).join('\n');
      assert.match(
        report.items.find((i) => i.kind === 'post' && i.title === 'ghost-canonical')?.reason ?? '',
        /canonical_url.*2,000/,
        lines,
      );
      for (const slug of ['ghost-fine', 'ghost-language', 'ghost-long-id'])
        assert.ok(await t.wiring.store.articles.findBySlug(slug), `${slug}\n${lines}`);
      assert.equal((await t.wiring.store.articles.findBySlug('ghost-language'))?.language, 'en');
      const wide = await t.wiring.store.people.findBySlug('wide-web');
      assert.equal(wide?.website, null);
      assert.ok(
        report.warnings.some((w) => /website/.test(w) && /2,000/.test(w)),
        report.warnings.join('\n'),
      );
      assert.ok((await t.wiring.store.people.list()).every((p) => p.name.length <= 200));
      const again = await importGhost(t.wiring, file);
      assert.equal(again.counts.article.imported, 0, JSON.stringify(again.counts.article));
    });

    test('a Pressroom export: rows with over-long or out-of-range values are skipped with the reason; the rest loads', async () => {
      const file = path.join(folder, 'export.json');
      const stamp = '2024-01-01T00:00:00.000Z';
      const person = (slug: string, fields: Record<string, unknown> = {}) => ({
        slug,
        name: slug,
        links: '[]',
        created_at: stamp,
        updated_at: stamp,
        ...fields,
      });
      const articleRow = (slug: string, fields: Record<string, unknown> = {}) => ({
        slug,
        title: slug,
        body_markdown: 'Text.',
        body_html: '<p>Text.</p>',
        status: 'draft',
        created_at: stamp,
        updated_at: stamp,
        version: 1,
        authors: ['json-fine'],
        ...fields,
      });
      writeFileSync(
        file,
        JSON.stringify({
          format: 'pressroom-export',
          version: 1,
          taxonomies: [
            {
              slug: long(101, 'x'),
              name: 'X',
              plural_name: 'Xs',
              is_hierarchical: 0,
              is_multiple: 1,
              position: 9,
            },
          ],
          people: [person('json-fine'), person('json-long', { name: long(400) })],
          articles: [
            articleRow('json-article'),
            articleRow('json-long-source', { source_url: urlOf(2100) }),
            articleRow('json-big-version', { version: 2 ** 31 }),
          ],
          pages: [
            {
              slug: 'json-page',
              title: 'Page',
              body_markdown: 'x',
              body_html: '<p>x</p>',
              status: 'draft',
              show_in_navigation: 0,
              position: 2 ** 31,
              created_at: stamp,
              updated_at: stamp,
            },
          ],
          redirects: [
            {
              from_path: `/${long(2100)}`,
              to_path: '/articles/json-article',
              status_code: 301,
              created_at: stamp,
            },
            {
              from_path: '/old-json',
              to_path: '/articles/json-article',
              status_code: 301,
              created_at: stamp,
            },
          ],
        }),
      );
      const report = await importJson(t.wiring, file);
      const skipped = report.skipped.map((s) => `${s.kind} ${s.ref}: ${s.reason}`).join('\n');
      assert.ok(await t.wiring.store.articles.findBySlug('json-article'));
      assert.ok(await t.wiring.store.people.findBySlug('json-fine'));
      assert.equal(await t.wiring.store.people.findBySlug('json-long'), undefined);
      assert.equal(await t.wiring.store.articles.findBySlug('json-long-source'), undefined);
      assert.equal(await t.wiring.store.articles.findBySlug('json-big-version'), undefined);
      assert.equal(await t.wiring.store.pages.findBySlug('json-page'), undefined);
      assert.ok(await t.wiring.store.redirects.find('/old-json'));
      for (const pattern of [
        /person json-long: name .*300/,
        /source_url .*2,000/,
        /version/,
        /position/,
        /slug .*100/,
        /from_path .*2,000/,
      ])
        assert.match(skipped, pattern);
    });
  });
}
