import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { renderMarkdown } from '../../src/content/markdown.ts';
import type { MigrationReport } from '../../src/domain/migration-report.ts';
import { importJson } from '../../src/services/import/json.ts';
import { importMarkdown } from '../../src/services/import/markdown.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

const STAMP = '2026-11-01T08:00:00.000Z';
const EVIL_HTML = '<p>Hi</p><script>alert(1)</script><img src="x" onerror="alert(1)">';

function article(slug: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    slug,
    title: `Article ${slug}`,
    subtitle: null,
    summary: null,
    epigraph_text: null,
    epigraph_attribution: null,
    body_markdown: 'Plain words.',
    body_html: EVIL_HTML,
    status: 'published',
    published_at: STAMP,
    created_at: STAMP,
    updated_at: STAMP,
    source_name: null,
    source_url: null,
    canonical_url: null,
    license: null,
    language: 'en',
    featured_image: null,
    featured_image_alt: null,
    visibility: 'public',
    is_featured: 0,
    has_comments: 1,
    word_count: 2,
    version: 1,
    created_by: null,
    deleted_at: null,
    deleted_slug: null,
    authors: ['ana-reis'],
    terms: ['region/europe'],
    corrections: [],
    comments: [],
    revisions: [],
    ...fields,
  };
}

function person(slug: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    slug,
    name: `Person ${slug}`,
    bio: 'Writes about *rivers*.',
    bio_html: EVIL_HTML,
    email: null,
    website: null,
    links: '[]',
    photo: null,
    created_at: STAMP,
    updated_at: STAMP,
    revisions: [],
    ...fields,
  };
}

/** An export written by hand: every list holds good rows and rows that must be refused alone. */
const DOCUMENT = {
  format: 'pressroom-export',
  version: 1,
  exportedAt: STAMP,
  siteUrl: 'https://old.example',
  settings: [
    { key: 'site_name', value: 'Imported Review', updated_at: STAMP },
    { key: 'membership_url', value: 'javascript:alert(1)', updated_at: STAMP },
  ],
  taxonomies: [
    {
      slug: 'region',
      name: 'Region',
      plural_name: 'Regions',
      is_hierarchical: 1,
      is_multiple: 1,
      position: 1,
    },
  ],
  terms: [
    {
      taxonomy: 'region',
      slug: 'europe',
      parent: null,
      name: 'Europe',
      description: 'The *old* continent.',
      description_html: EVIL_HTML,
      position: 0,
      created_at: STAMP,
      updated_at: STAMP,
      revisions: [],
    },
  ],
  people: [
    person('ana-reis'),
    person('bad-website', { website: 'javascript:alert(1)' }),
    person('bad-link', { links: JSON.stringify([{ label: 'Blog', url: 'javascript:alert(1)' }]) }),
    person('bad-photo', { photo: '//evil.example/me.jpg' }),
  ],
  articles: [
    article('kept', {
      comments: [
        {
          parent: null,
          author_name: 'Reader',
          author_email: null,
          author_url: 'https://reader.example/',
          body: 'Good point.',
          status: 'approved',
          kind: 'comment',
          created_at: STAMP,
          source_id: null,
        },
        {
          parent: 0,
          author_name: 'Troll',
          author_email: null,
          author_url: 'javascript:alert(1)',
          body: 'Click me.',
          status: 'approved',
          kind: 'comment',
          created_at: STAMP,
          source_id: null,
        },
      ],
    }),
    article('raw-html', { body_markdown: `Text.\n\n${EVIL_HTML}\n\n<a href="javascript:alert(1)">x</a>` }),
    article('gated', {
      visibility: 'members',
      body_markdown: 'Open.\n\n<!-- members-only -->\n\nClosed.',
      preview_html: `${EVIL_HTML}<p>Closed.</p>`,
    }),
    article('bad-canonical', { canonical_url: 'javascript:alert(1)' }),
    article('bad-image', { featured_image: '/\\evil.example/x.jpg' }),
    article('bad-source', { source_name: 'Elsewhere', source_url: 'https://elsewhere.example/\u0001x' }),
    article('bad-title', { title: 42 }),
  ],
  pages: [
    {
      slug: 'about',
      title: 'About',
      body_markdown: 'Who we *are*.',
      body_html: EVIL_HTML,
      status: 'published',
      show_in_navigation: 1,
      position: 0,
      created_at: STAMP,
      updated_at: STAMP,
      revisions: [],
    },
    {
      slug: '../admin',
      title: 'Bad slug',
      body_markdown: 'x',
      body_html: 'x',
      status: 'published',
      show_in_navigation: 0,
      position: 1,
      created_at: STAMP,
      updated_at: STAMP,
      revisions: [],
    },
  ],
  settingsRevisions: [],
  media: [
    { url: '/media/ok.jpg', local_path: 'ok.jpg', mime: 'image/jpeg', alt: '', title: '', created_at: STAMP },
    { url: '/\\evil.example/x.jpg', local_path: null, mime: null, alt: '', title: '', created_at: STAMP },
    {
      url: '/media/up.jpg',
      local_path: '../../etc/passwd',
      mime: null,
      alt: '',
      title: '',
      created_at: STAMP,
    },
  ],
  redirects: [
    { from_path: '/old-kept', to_path: '/articles/kept', status_code: 301, created_at: STAMP },
    { from_path: '/old-trick', to_path: '//evil.example/', status_code: 301, created_at: STAMP },
    { from_path: '/old-script', to_path: 'javascript:alert(1)', status_code: 302, created_at: STAMP },
    { from_path: '/old-gone', to_path: '', status_code: 410, created_at: STAMP },
  ],
  importSources: [],
};

for (const kind of DATABASE_KINDS) {
  describe(`importing a hand-made export on ${kind}`, () => {
    let t: TestWiring;
    let report: MigrationReport;
    before(async () => {
      t = await createTestWiring(kind);
      const file = path.join(t.database.dataDir, 'export.json');
      writeFileSync(file, JSON.stringify(DOCUMENT));
      report = await importJson(t.wiring, file);
    });
    after(async () => {
      await t.cleanup();
    });

    const failure = (kind: string, id: string) =>
      report.items.find((i) => i.kind === kind && i.id === id && i.outcome === 'failed');

    test('stored HTML is rendered from the Markdown source, never taken from the file', async () => {
      const kept = await t.wiring.store.articles.findBySlug('kept');
      assert.equal(kept?.bodyHtml, await renderMarkdown('Plain words.'));
      const raw = await t.wiring.store.articles.findBySlug('raw-html');
      assert.ok(raw);
      assert.doesNotMatch(raw.bodyHtml, /<script|onerror|javascript:/i);
      const gated = await t.wiring.store.articles.findBySlug('gated');
      assert.equal(gated?.previewHtml, '<p>Open.</p>', 'the preview is made again too');
      const ana = await t.wiring.store.people.findBySlug('ana-reis');
      assert.equal(ana?.bioHtml, await renderMarkdown('Writes about *rivers*.'));
      const region = (await t.wiring.store.taxonomies.listTaxonomies()).find((x) => x.slug === 'region');
      const europe = await t.wiring.store.taxonomies.findTerm(region!.id, 'europe');
      assert.equal(europe?.descriptionHtml, await renderMarkdown('The *old* continent.'));
      const about = await t.wiring.store.pages.findBySlug('about');
      assert.equal(about?.bodyHtml, await renderMarkdown('Who we *are*.'));
    });

    test('an article with an unsafe address fails alone, naming the field', async () => {
      for (const [slug, field] of [
        ['bad-canonical', 'canonical_url'],
        ['bad-image', 'featured_image'],
        ['bad-source', 'source_url'],
        ['bad-title', 'title'],
      ] as const) {
        assert.equal(await t.wiring.store.articles.findBySlug(slug), undefined, slug);
        const item = failure('article', slug);
        assert.ok(item, `no failure reported for ${slug}`);
        assert.match(item.reason ?? '', new RegExp(field), slug);
      }
      assert.equal(report.counts.article.imported, 3);
      // Refused rows are counted as failed, as their items say, not as skipped.
      assert.equal(report.counts.article.failed, 4);
      assert.equal(report.counts.article.skipped, 0);
    });

    test('people, pages, media, redirects, settings and comments are checked like the editor checks them', async () => {
      for (const [slug, field] of [
        ['bad-website', 'website'],
        ['bad-link', 'links'],
        ['bad-photo', 'photo'],
      ] as const) {
        assert.equal(await t.wiring.store.people.findBySlug(slug), undefined, slug);
        assert.match(failure('person', slug)?.reason ?? '', new RegExp(field), slug);
      }
      assert.ok(failure('page', '../admin'));
      assert.equal((await t.wiring.store.pages.list()).length, 1);

      assert.ok(await t.wiring.store.media.findByUrl('/media/ok.jpg'));
      assert.equal(await t.wiring.store.media.findByUrl('/\\evil.example/x.jpg'), undefined);
      assert.equal(await t.wiring.store.media.findByUrl('/media/up.jpg'), undefined);
      assert.match(failure('media', '/media/up.jpg')?.reason ?? '', /local_path/);
      assert.match(failure('media', '/\\evil.example/x.jpg')?.reason ?? '', /url/);

      assert.equal((await t.wiring.store.redirects.find('/old-kept'))?.toPath, '/articles/kept');
      assert.equal((await t.wiring.store.redirects.find('/old-gone'))?.statusCode, 410);
      assert.equal(await t.wiring.store.redirects.find('/old-trick'), undefined);
      assert.equal(await t.wiring.store.redirects.find('/old-script'), undefined);
      assert.match(failure('redirect', '/old-trick')?.reason ?? '', /to_path/);

      const settings = await t.wiring.store.settings.getAll();
      assert.equal(settings.get('site_name'), 'Imported Review');
      assert.equal(settings.get('membership_url'), undefined);
      assert.match(failure('setting', 'membership_url')?.reason ?? '', /membership_url/);

      const kept = await t.wiring.store.articles.findBySlug('kept');
      const comments = await t.wiring.store.comments.listForArticle(kept!.id);
      assert.deepEqual(
        comments.map((c) => c.authorName),
        ['Reader'],
      );
      assert.match(failure('comment', 'kept#1')?.reason ?? '', /author_url/);
    });
  });
}

for (const kind of DATABASE_KINDS) {
  describe(`importing a Markdown export folder with unsafe addresses on ${kind}`, () => {
    let t: TestWiring;
    before(async () => {
      t = await createTestWiring(kind);
    });
    after(async () => {
      await t.cleanup();
    });

    const folderWith = (files: Record<string, string>): string => {
      const folder = mkdtempSync(path.join(t.database.dataDir, 'md-'));
      mkdirSync(path.join(folder, 'articles'));
      writeFileSync(
        path.join(folder, 'articles', 'a.md'),
        '---\ntitle: A\nslug: a\nstatus: draft\nauthors: [Bo Writer]\n---\nText.\n',
      );
      for (const [name, text] of Object.entries(files)) writeFileSync(path.join(folder, name), text);
      return folder;
    };

    test('a redirect to "//host", "/\\host" or another scheme is refused, naming the row', async () => {
      for (const to of ['//evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
        const folder = folderWith({
          'people.yaml': '[]\n',
          'redirects.yaml': `- from: /old-a\n  to: /articles/a\n  status: 301\n- from: /old-b\n  to: ${JSON.stringify(to)}\n  status: 301\n`,
        });
        const report = await importMarkdown(t.wiring, folder);
        const outcome = report.outcomes.find((o) => o.file.endsWith('redirects.yaml'));
        assert.equal(outcome?.status, 'failed', to);
        assert.equal(outcome?.errors?.[0]?.field, '[1].to', to);
        assert.equal(await t.wiring.store.redirects.find('/old-b'), undefined, to);
      }
    });

    test('a person’s photo or link that the people editor would refuse is refused, not stored or dropped', async () => {
      for (const [extra, field] of [
        ['  photo: "//evil.example/me.jpg"\n', '[0].photo'],
        ['  links:\n    - label: Blog\n      url: "javascript:alert(1)"\n', '[0].links_0'],
      ] as const) {
        const folder = folderWith({ 'people.yaml': `- name: Ana Reis\n  slug: ana-reis\n${extra}` });
        const report = await importMarkdown(t.wiring, folder);
        const outcome = report.outcomes.find((o) => o.file.endsWith('people.yaml'));
        assert.equal(outcome?.status, 'failed', field);
        assert.equal(outcome?.errors?.[0]?.field, field);
        assert.equal(await t.wiring.store.people.findBySlug('ana-reis'), undefined, field);
      }
    });
  });
}

for (const kind of DATABASE_KINDS) {
  describe(`impossible dates in a hand-made export on ${kind}`, () => {
    test('a row with a date that does not exist fails alone, naming the field', async () => {
      const t = await createTestWiring(kind);
      try {
        const document = {
          ...DOCUMENT,
          settings: [],
          people: [person('ana-reis'), person('leap-person', { created_at: '2023-02-29T10:00:00.000Z' })],
          articles: [
            article('good-date', {
              comments: [
                {
                  parent: null,
                  author_name: 'Reader',
                  author_email: null,
                  author_url: null,
                  body: 'Kept.',
                  status: 'approved',
                  kind: 'comment',
                  created_at: STAMP,
                },
                {
                  parent: null,
                  author_name: 'Time traveller',
                  author_email: null,
                  author_url: null,
                  body: 'From month 13.',
                  status: 'approved',
                  kind: 'comment',
                  created_at: '2023-13-01T00:00:00.000Z',
                },
              ],
            }),
            article('feb-thirtieth', { published_at: '2023-02-30T10:00:00.000Z' }),
            article('month-thirteen', { created_at: '2023-13-01T10:00:00.000Z' }),
            article('far-future', { updated_at: '99999-01-01T00:00:00.000Z' }),
            article('expanded-year', { published_at: '+099999-01-01T00:00:00.000Z' }),
          ],
          pages: [
            {
              slug: 'about',
              title: 'About',
              body_markdown: 'Who.',
              body_html: '',
              status: 'published',
              show_in_navigation: 0,
              position: 0,
              created_at: STAMP,
              updated_at: '2023-04-31T00:00:00.000Z',
            },
          ],
          media: [],
          redirects: [
            {
              from_path: '/old-when',
              to_path: '/articles/good-date',
              status_code: 301,
              created_at: '2023-00-10',
            },
          ],
        };
        const file = path.join(t.database.dataDir, 'dates.json');
        writeFileSync(file, JSON.stringify(document));
        const report = await importJson(t.wiring, file);
        const reason = (kind: string, id: string) =>
          report.items.find((i) => i.kind === kind && i.id === id && i.outcome === 'failed')?.reason ?? '';
        for (const [slug, field] of [
          ['feb-thirtieth', 'published_at'],
          ['month-thirteen', 'created_at'],
          ['far-future', 'updated_at'],
          ['expanded-year', 'published_at'],
        ] as const) {
          assert.match(reason('article', slug), new RegExp(`^${field} .*date`), slug);
          assert.equal(await t.wiring.store.articles.findBySlug(slug), undefined, slug);
        }
        assert.match(reason('person', 'leap-person'), /^created_at .*date/);
        assert.match(reason('page', 'about'), /^updated_at .*date/);
        assert.match(reason('redirect', '/old-when'), /^created_at .*date/);
        assert.match(reason('comment', 'good-date#1'), /created_at .*date/);
        const kept = await t.wiring.store.articles.findBySlug('good-date');
        assert.ok(kept);
        assert.equal(await t.wiring.store.people.findBySlug('leap-person'), undefined);
        assert.equal(report.counts.article.imported, 1);
        assert.equal(report.counts.article.failed, 4);
      } finally {
        await t.cleanup();
      }
    });
  });
}

for (const kind of DATABASE_KINDS) {
  describe(`impossible dates in revisions of a hand-made export on ${kind}`, () => {
    test('a revision whose date (or a date it saved) does not exist is left out alone, naming the field and value', async () => {
      const t = await createTestWiring(kind);
      try {
        const revision = (version: number, createdAt: string, snapshot: Record<string, unknown> = {}) => ({
          version,
          actor: 'import',
          note: null,
          created_at: createdAt,
          snapshot: { title: `Version ${version}`, publishedAt: STAMP, ...snapshot },
        });
        const document = {
          ...DOCUMENT,
          settings: [],
          settingsRevisions: [
            { version: 1, actor: 'import', note: null, created_at: STAMP, snapshot: {} },
            { version: 2, actor: 'import', note: null, created_at: '2023-02-29T00:00:00.000Z', snapshot: {} },
          ],
          people: [
            person('ana-reis', {
              revisions: [
                { version: 1, actor: 'import', note: null, created_at: STAMP, snapshot: { name: 'Ana' } },
                {
                  version: 2,
                  actor: 'import',
                  note: null,
                  created_at: '99999-01-01T00:00:00.000Z',
                  snapshot: { name: 'Ana Reis' },
                },
              ],
            }),
          ],
          articles: [
            article('with-history', {
              version: 4,
              revisions: [
                revision(1, STAMP),
                revision(2, '2023-02-30T10:00:00.000Z'),
                revision(3, STAMP, { publishedAt: '2023-13-01T00:00:00.000Z' }),
                revision(4, '2026-11-02 08:00:00'),
              ],
            }),
          ],
          pages: [],
          media: [],
          redirects: [],
        };
        const file = path.join(t.database.dataDir, 'revision-dates.json');
        writeFileSync(file, JSON.stringify(document));
        const report = await importJson(t.wiring, file);
        const kept = await t.wiring.store.articles.findBySlug('with-history');
        assert.ok(kept, 'the article is imported: only its bad revisions are left out');
        assert.equal(report.counts.article.imported, 1);
        const versions = (await t.wiring.store.revisions.list('article', kept.id))
          .map((r) => r.version)
          .sort();
        assert.deepEqual(versions, [1, 4]);
        const skipped = (ref: string) => report.skipped.find((s) => s.ref === ref)?.reason ?? '';
        assert.match(
          skipped('revision 2 of article with-history'),
          /^created_at is not a real date.*"2023-02-30T10:00:00\.000Z"/,
        );
        assert.match(
          skipped('revision 3 of article with-history'),
          /^snapshot\.publishedAt is not a real date.*"2023-13-01T00:00:00\.000Z"/,
        );
        assert.match(skipped('revision 2 of person ana-reis'), /^created_at .*"99999-01-01T00:00:00\.000Z"/);
        assert.match(
          skipped('settings revision 2'),
          /^created_at is not a real date.*"2023-02-29T00:00:00\.000Z"/,
        );
        const ana = await t.wiring.store.people.findBySlug('ana-reis');
        assert.deepEqual(
          (await t.wiring.store.revisions.list('person', ana?.id ?? 0)).map((r) => r.version),
          [1],
        );
      } finally {
        await t.cleanup();
      }
    });
  });
}
