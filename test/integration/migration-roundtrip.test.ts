import assert from 'node:assert/strict';
import {
  type Dirent,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { printImportReport, printMigrationReport } from '../../src/cli/import.ts';
import type { MigrationReport } from '../../src/domain/migration-report.ts';
import { ITEM_OUTCOMES } from '../../src/domain/migration-report.ts';
import { draftOf, saveArticle } from '../../src/services/articles.ts';
import { exportMarkdown } from '../../src/services/export/markdown-export.ts';
import { exportPublication } from '../../src/services/export/publication-export.ts';
import { importGhost } from '../../src/services/import/ghost.ts';
import { importJson } from '../../src/services/import/json.ts';
import { type ImportReport, importMarkdown } from '../../src/services/import/markdown.ts';
import { importWordPress } from '../../src/services/import/wordpress.ts';
import { updateSettings } from '../../src/services/settings.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addStaff } from '../helpers/newsroom.ts';
import { skipUnlessCI } from '../helpers/prerequisites.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const SHARED = path.resolve(here, '..', '..', '..', 'shared', 'fixtures');
const THEME_UNIT_TEST = path.join(SHARED, 'wxr', 'wordpress-importer', 'theme-unit-test-data.xml');
const GHOST_V4 = path.join(SHARED, 'ghost', 'ghost-core', 'v4_export.json');
const sharedMissing = skipUnlessCI(
  existsSync(THEME_UNIT_TEST) && existsSync(GHOST_V4) ? undefined : 'the shared fixtures folder is absent',
);

/** A WordPress export made up here: posts with authors, categories, tags and comments, and a page. */
function generatedWxr(posts: number): string {
  const items: string[] = [];
  for (let n = 1; n <= posts; n += 1)
    items.push(`<item>
  <title>Dispatch ${n}</title>
  <link>https://harbour.example/${2015 + (n % 5)}/03/dispatch-${n}/</link>
  <dc:creator><![CDATA[${n % 2 === 0 ? 'keeper' : 'pilot'}]]></dc:creator>
  <content:encoded><![CDATA[<p>Report number ${n} from the <strong>harbour</strong>.</p><p>Second paragraph.</p>]]></content:encoded>
  <excerpt:encoded><![CDATA[]]></excerpt:encoded>
  <wp:post_id>${100 + n}</wp:post_id>
  <wp:post_date_gmt>2015-03-${String((n % 27) + 1).padStart(2, '0')} 10:00:00</wp:post_date_gmt>
  <wp:post_modified_gmt>2016-01-02 03:04:05</wp:post_modified_gmt>
  <wp:post_name>dispatch-${n}</wp:post_name>
  <wp:status>${n % 7 === 0 ? 'draft' : 'publish'}</wp:status>
  <wp:post_type>post</wp:post_type>
  <category domain="category" nicename="${n % 3 === 0 ? 'tides' : 'weather'}"><![CDATA[${n % 3 === 0 ? 'Tides' : 'Weather'}]]></category>
  <category domain="post_tag" nicename="log-${n % 4}"><![CDATA[Log ${n % 4}]]></category>
  <wp:comment>
    <wp:comment_id>${1000 + n}</wp:comment_id>
    <wp:comment_author><![CDATA[Reader ${n}]]></wp:comment_author>
    <wp:comment_date_gmt>2015-04-01 12:00:00</wp:comment_date_gmt>
    <wp:comment_content><![CDATA[Thanks for dispatch ${n}.]]></wp:comment_content>
    <wp:comment_approved>1</wp:comment_approved>
    <wp:comment_parent>0</wp:comment_parent>
  </wp:comment>
</item>`);
  items.push(`<item>
  <title>About the harbour</title>
  <link>https://harbour.example/about/</link>
  <dc:creator><![CDATA[keeper]]></dc:creator>
  <content:encoded><![CDATA[<p>Who we are.</p>]]></content:encoded>
  <wp:post_id>99</wp:post_id>
  <wp:post_date_gmt>2014-01-01 00:00:00</wp:post_date_gmt>
  <wp:post_name>about</wp:post_name>
  <wp:status>publish</wp:status>
  <wp:post_type>page</wp:post_type>
</item>`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Harbour</title>
  <link>https://harbour.example</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:author><wp:author_login>keeper</wp:author_login><wp:author_display_name>Kit Keeper</wp:author_display_name></wp:author>
  <wp:author><wp:author_login>pilot</wp:author_login><wp:author_display_name>Pat Pilot</wp:author_display_name></wp:author>
  <wp:category><wp:category_nicename>tides</wp:category_nicename><wp:cat_name><![CDATA[Tides]]></wp:cat_name></wp:category>
  <wp:category><wp:category_nicename>weather</wp:category_nicename><wp:cat_name><![CDATA[Weather]]></wp:cat_name></wp:category>
  ${items.join('\n')}
</channel>
</rss>`;
}

/** Everything a write would change: each entity's times, version and number of revisions, and the totals. */
async function writtenState(t: TestWiring): Promise<Record<string, unknown>> {
  const store = t.wiring.store;
  const revisions = async (type: string, id: number) => (await store.revisions.list(type, id)).length;
  const articles = [];
  for (const a of await store.articles.listAll())
    articles.push({
      slug: a.slug,
      updatedAt: a.updatedAt,
      publishedAt: a.publishedAt,
      version: a.version,
      revisions: await revisions('article', a.id),
    });
  const pages = [];
  for (const p of await store.pages.list())
    pages.push({ slug: p.slug, updatedAt: p.updatedAt, revisions: await revisions('page', p.id) });
  const people = [];
  for (const p of await store.people.list())
    people.push({ slug: p.slug, updatedAt: p.updatedAt, revisions: await revisions('person', p.id) });
  const terms = [];
  for (const term of await store.taxonomies.listTerms())
    terms.push({ id: term.id, name: term.name, revisions: await revisions('term', term.id) });
  return {
    articles,
    pages,
    people,
    terms,
    comments: (await store.comments.listAll()).map((c) => [c.id, c.body, c.createdAt]),
    corrections: await Promise.all(
      (await store.articles.listAll()).map(async (a) => (await store.corrections.listFor(a.id)).length),
    ),
    redirects: await countRedirects(t),
    importSources: (await store.importSources.listAll()).length,
    settings: [...(await store.settings.getAll())],
    settingsRevisions: (await store.revisions.list('settings', 0)).length,
  };
}

async function countRedirects(t: TestWiring): Promise<number> {
  let n = 0;
  for (let afterId = 0; ; ) {
    const batch = await t.wiring.store.redirects.listAfter(afterId, 500);
    if (batch.length === 0) return n;
    n += batch.length;
    afterId = (batch.at(-1) as { id: number }).id;
  }
}

/** Each article's revisions (by slug), as version, actor and note, oldest first. */
async function histories(t: TestWiring): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  for (const a of await t.wiring.store.articles.listAll())
    map.set(
      a.slug,
      (await t.wiring.store.revisions.list('article', a.id))
        .reverse()
        .map((r) => `${r.version} ${/^\d+$/.test(r.actor) ? 'import' : r.actor} ${r.note ?? ''}`),
    );
  return map;
}

/** The import mappings, by source, source id and type, naming what they point at by slug or URL. */
async function mappings(t: TestWiring): Promise<string[]> {
  const store = t.wiring.store;
  const articles = new Map((await store.articles.listAll()).map((a) => [a.id, a.slug]));
  const pages = new Map((await store.pages.list()).map((p) => [p.id, p.slug]));
  const people = new Map((await store.people.list()).map((p) => [p.id, p.slug]));
  const terms = new Map((await store.taxonomies.listTerms()).map((x) => [x.id, x.slug]));
  const name = (type: string, id: number) =>
    (type === 'article' ? articles : type === 'page' ? pages : type === 'person' ? people : terms).get(id) ??
    String(id);
  return (await store.importSources.listAll())
    .filter((s) => s.source !== 'markdown' && ['article', 'page', 'person', 'term'].includes(s.entityType))
    .map((s) => `${s.source} ${s.entityType} ${s.sourceId} → ${name(s.entityType, s.entityId)}`)
    .sort();
}

/** The counts of a report, summed over kinds by outcome. */
function totals(report: MigrationReport): Record<string, number> {
  const sum: Record<string, number> = { imported: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 };
  for (const counts of Object.values(report.counts))
    for (const [outcome, n] of Object.entries(counts)) sum[outcome] = (sum[outcome] ?? 0) + n;
  return sum;
}

function assertNothingFailed(report: ImportReport): void {
  assert.equal(report.failed, 0, JSON.stringify(report.outcomes.filter((o) => o.status === 'failed')));
}

/** Moves a publication from `source` to `target` through the Markdown export, or the JSON one. */
async function moveThrough(
  format: 'markdown' | 'json',
  source: TestWiring,
  target: TestWiring,
  folder: string,
): Promise<() => Promise<void>> {
  if (format === 'markdown') {
    const out = path.join(folder, 'export');
    await exportMarkdown(source.wiring.store, out, { mediaDir: path.join(source.database.dataDir, 'media') });
    const readBack = async () => {
      const report = await importMarkdown(target.wiring, out);
      assertNothingFailed(report);
    };
    await readBack();
    return readBack;
  }
  const file = path.join(folder, 'export.json');
  let text = '';
  await exportPublication(source.wiring, {
    write: (piece) => {
      text += piece;
    },
  });
  writeFileSync(file, text);
  const readBack = async () => {
    const report = await importJson(target.wiring, file);
    assert.equal(
      totals(report).failed,
      0,
      JSON.stringify(report.items.filter((i) => i.outcome === 'failed')),
    );
  };
  await readBack();
  return readBack;
}

for (const kind of DATABASE_KINDS) {
  for (const format of ['markdown', 'json'] as const) {
    describe(`a ${format} round trip on ${kind}`, () => {
      let folder: string;
      before(() => {
        folder = mkdtempSync(path.join(tmpdir(), `pressroom-roundtrip-${format}-`));
      });
      after(() => rmSync(folder, { recursive: true, force: true }));

      test('keeps revisions and import mappings, so the old WordPress site imports as known, and a re-run writes nothing', async () => {
        const source = await createTestWiring(kind);
        const target = await createTestWiring(kind);
        try {
          const wxr = path.join(folder, 'harbour.xml');
          writeFileSync(wxr, generatedWxr(12));
          await importWordPress(source.wiring, wxr);
          // One article edited in the newsroom after the import: it has two revisions.
          const editor = await addStaff(source.wiring, 'editor');
          const edited = await source.wiring.store.articles.findBySlug('dispatch-3');
          assert.ok(edited);
          await saveArticle(
            source.wiring,
            { ...draftOf(edited), bodyMarkdown: `${edited.bodyMarkdown}\n\nA correction from the desk.` },
            { actor: String(editor.id), id: edited.id },
          );

          await updateSettings(source.wiring, { site_name: 'The Harbour Review' }, String(editor.id));
          await source.wiring.store.corrections.add({
            articleId: edited.id,
            kind: 'correction',
            note: 'An earlier version gave the wrong tide times.',
            createdAt: '2026-11-20T12:00:00.000Z',
            updatedAt: null,
            withdrawnAt: null,
            withdrawnReason: null,
          });

          const readBack = await moveThrough(format, source, target, folder);

          const before = await histories(source);
          const moved = await histories(target);
          assert.deepEqual([...moved.keys()].sort(), [...before.keys()].sort());
          for (const [slug, revisions] of before) assert.deepEqual(moved.get(slug), revisions, slug);
          assert.equal(before.get('dispatch-3')?.length, 2);
          assert.deepEqual(await mappings(target), await mappings(source));
          assert.ok((await mappings(target)).length > 12);
          assert.equal((await target.wiring.store.settings.getAll()).get('site_name'), 'The Harbour Review');
          assert.equal((await target.wiring.store.revisions.list('settings', 0)).length, 1);
          const moved3 = await target.wiring.store.articles.findBySlug('dispatch-3');
          assert.ok(moved3);
          assert.deepEqual(
            (await target.wiring.store.corrections.listFor(moved3.id)).map((c) => [
              c.kind,
              c.note,
              c.createdAt,
            ]),
            [['correction', 'An earlier version gave the wrong tide times.', '2026-11-20T12:00:00.000Z']],
          );

          // The old site again: every post, page, author, term and comment is known.
          const again = await importWordPress(target.wiring, wxr);
          const outcomes = new Set(again.items.map((i) => i.outcome));
          assert.ok(
            !outcomes.has('imported'),
            JSON.stringify(again.items.filter((i) => i.outcome === 'imported')),
          );
          assert.ok(!outcomes.has('failed'));
          assert.equal(totals(again).imported, 0, JSON.stringify(again.counts));
          const editedItem = again.items.find((i) => i.id === '103');
          assert.equal(editedItem?.outcome, 'skipped');
          assert.match(editedItem?.reason ?? '', /edited here since the last import/);
          assert.equal(
            again.items.filter((i) => i.outcome === 'unchanged').length,
            again.items.length - 1,
            JSON.stringify(again.items.filter((i) => i.outcome !== 'unchanged')),
          );

          // The same export read again writes nothing at all.
          const state = await writtenState(target);
          await readBack();
          assert.deepEqual(await writtenState(target), state);
        } finally {
          await source.cleanup();
          await target.cleanup();
        }
      });

      test('a re-run leaves alone what was edited here since, and says so', async () => {
        const source = await createTestWiring(kind);
        const target = await createTestWiring(kind);
        try {
          const wxr = path.join(folder, 'edited.xml');
          writeFileSync(wxr, generatedWxr(3));
          await importWordPress(source.wiring, wxr);
          await moveThrough(format, source, target, folder);
          // Edited in the newsroom here; then the source changes the same article and is exported again.
          target.setNow(new Date(target.wiring.now().getTime() + 3_600_000));
          const here = await target.wiring.store.articles.findBySlug('dispatch-1');
          const there = await source.wiring.store.articles.findBySlug('dispatch-1');
          assert.ok(here && there);
          await saveArticle(
            target.wiring,
            { ...draftOf(here), bodyMarkdown: 'Rewritten here.' },
            { actor: 'editor', id: here.id },
          );
          await saveArticle(
            source.wiring,
            { ...draftOf(there), bodyMarkdown: 'Rewritten there.' },
            { actor: 'editor', id: there.id },
          );
          const hereBefore = await target.wiring.store.articles.findBySlug('dispatch-1');
          const revisionsBefore = (await target.wiring.store.revisions.list('article', here.id)).length;
          await moveThrough(format, source, target, folder);
          const hereAfter = await target.wiring.store.articles.findBySlug('dispatch-1');
          assert.equal(hereAfter?.bodyMarkdown, 'Rewritten here.');
          assert.equal(hereAfter?.updatedAt, hereBefore?.updatedAt);
          assert.equal(
            (await target.wiring.store.revisions.list('article', here.id)).length,
            revisionsBefore,
          );
        } finally {
          await source.cleanup();
          await target.cleanup();
        }
      });
    });
  }

  describe(`a Markdown export read back and exported again on ${kind}`, () => {
    let folder: string;
    before(() => {
      folder = mkdtempSync(path.join(tmpdir(), 'pressroom-markdown-twice-'));
    });
    after(() => rmSync(folder, { recursive: true, force: true }));

    test('gives the same files, and the rows they come from keep their times (redirects, terms, import mappings)', async () => {
      const source = await createTestWiring(kind);
      // Read back a while later: a time taken from the clock instead of the files would show.
      const target = await createTestWiring(kind, { now: new Date('2027-02-03T04:05:06.000Z') });
      try {
        const wxr = path.join(folder, 'harbour.xml');
        writeFileSync(wxr, generatedWxr(10));
        await importWordPress(source.wiring, wxr);
        const first = path.join(folder, 'first');
        const second = path.join(folder, 'second');
        await exportMarkdown(source.wiring.store, first, {
          mediaDir: path.join(source.database.dataDir, 'media'),
        });
        assertNothingFailed(await importMarkdown(target.wiring, first));
        await exportMarkdown(target.wiring.store, second, {
          mediaDir: path.join(target.database.dataDir, 'media'),
        });

        const files = (root: string) =>
          (readdirSync(root, { recursive: true, withFileTypes: true }) as Dirent[])
            .filter((entry) => entry.isFile())
            .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
            .sort();
        assert.deepEqual(files(second), files(first));
        for (const file of files(first))
          assert.equal(
            readFileSync(path.join(second, file), 'utf8'),
            readFileSync(path.join(first, file), 'utf8'),
            file,
          );

        const rows = async (t: TestWiring) => {
          const db = t.wiring.database.db;
          return {
            redirects: await db
              .selectFrom('redirects')
              .select(['from_path', 'to_path', 'status_code', 'created_at'])
              .orderBy('from_path')
              .execute(),
            terms: await db
              .selectFrom('terms')
              .select(['slug', 'name', 'created_at', 'updated_at'])
              .orderBy('slug')
              .execute(),
            // What a Markdown import notes of the files it read (so that reading them again updates
            // in place) is its own, made again by each such import: the export leaves it out.
            // Comments carry their origin on their own row (comments.yaml keeps it there).
            importSources: await db
              .selectFrom('import_sources')
              .select(['source', 'entity_type', 'source_id', 'created_at'])
              .where('source', '!=', 'markdown')
              .where('entity_type', '!=', 'comment')
              .orderBy(['source', 'entity_type', 'source_id'])
              .execute(),
          };
        };
        const before = await rows(source);
        assert.ok(before.redirects.length > 10 && before.terms.length > 2);
        assert.deepEqual(await rows(target), before);
      } finally {
        await source.cleanup();
        await target.cleanup();
      }
    });
  });

  describe(`import reports on ${kind}`, () => {
    let folder: string;
    before(() => {
      folder = mkdtempSync(path.join(tmpdir(), 'pressroom-report-counts-'));
    });
    after(() => rmSync(folder, { recursive: true, force: true }));

    /** The printed table's column totals and the "Source items" line's figures, by outcome. */
    const printed = (report: MigrationReport) => {
      const lines: string[] = [];
      printMigrationReport(report, { out: (line) => lines.push(line), err: (line) => lines.push(line) });
      const header =
        lines
          .find((line) => line.trim().startsWith('what'))
          ?.trim()
          .split(/\s+/) ?? [];
      assert.deepEqual(header, ['what', ...ITEM_OUTCOMES]);
      const table: Record<string, number> = Object.fromEntries(ITEM_OUTCOMES.map((o) => [o, 0]));
      for (const line of lines.slice(
        lines.indexOf(lines.find((l) => l.trim().startsWith('what')) ?? '') + 1,
      )) {
        const cells = line.trim().split(/\s+/);
        const figures = cells.slice(-ITEM_OUTCOMES.length);
        if (cells.length < ITEM_OUTCOMES.length + 1 || !figures.every((f) => /^\d+$/.test(f))) break;
        for (const [i, o] of ITEM_OUTCOMES.entries()) table[o] = (table[o] ?? 0) + Number(figures[i]);
      }
      const summary = lines.find((line) => line.startsWith('Source items:')) ?? '';
      const listed: Record<string, number> = Object.fromEntries(
        ITEM_OUTCOMES.map((o) => [o, Number(new RegExp(`(\\d+) ${o}`).exec(summary)?.[1] ?? 0)]),
      );
      return { table, listed, total: Number(/Source items: (\d+)/.exec(summary)?.[1]) };
    };

    test('a JSON import counts every row once, failures as failed, and its table agrees with its items', async () => {
      const t = await createTestWiring(kind);
      try {
        const stamp = '2024-01-01T00:00:00.000Z';
        const article = (slug: string, fields: Record<string, unknown> = {}) => ({
          slug,
          title: slug,
          body_markdown: 'Text.',
          status: 'draft',
          created_at: stamp,
          updated_at: stamp,
          version: 1,
          authors: ['ana'],
          comments: [
            {
              parent: null,
              author_name: 'Reader',
              body: 'Hello.',
              status: 'approved',
              kind: 'comment',
              created_at: stamp,
            },
          ],
          ...fields,
        });
        const file = path.join(folder, 'export.json');
        writeFileSync(
          file,
          JSON.stringify({
            format: 'pressroom-export',
            version: 1,
            people: [{ slug: 'ana', name: 'Ana', links: '[]', created_at: stamp, updated_at: stamp }],
            articles: [
              article('fine'),
              article('unsafe', { canonical_url: 'javascript:alert(1)' }),
              article('too-long', { source_url: `https://example.org/${'x'.repeat(2100)}` }),
            ],
            redirects: [
              { from_path: '/old', to_path: '/articles/fine', status_code: 301, created_at: stamp },
            ],
          }),
        );
        const report = await importJson(t.wiring, file);
        const items = (o: string) => report.items.filter((i) => i.outcome === o).length;
        for (const o of ITEM_OUTCOMES) assert.equal(totals(report)[o], items(o), o);
        assert.equal(report.counts.article.failed, 2);
        assert.equal(report.counts.article.skipped, 0);
        const { table, listed, total } = printed(report);
        assert.deepEqual(table, listed);
        assert.equal(total, report.items.length);
        assert.equal(listed.failed, 2);

        // Read again: the same rows are all found as they were, and still add up.
        const again = await importJson(t.wiring, file);
        assert.deepEqual(totals(again), {
          imported: 0,
          updated: 0,
          unchanged: totals(report).imported,
          skipped: 0,
          failed: 2,
        });
        assert.deepEqual(printed(again).table, printed(again).listed);
      } finally {
        await t.cleanup();
      }
    });

    test('WordPress and Ghost imports count a post that fails as failed, in the table as in the items', async () => {
      const t = await createTestWiring(kind);
      try {
        const wxr = path.join(folder, 'bad-date.xml');
        writeFileSync(wxr, generatedWxr(4).replace('2015-03-02 10:00:00', '2015-02-30 10:00:00'));
        const wordpress = await importWordPress(t.wiring, wxr);
        const ghostFile = path.join(folder, 'bad-date.json');
        writeFileSync(
          ghostFile,
          JSON.stringify({
            db: [
              {
                meta: { exported_on: 1700000000000, version: '5.75.0' },
                data: {
                  posts: [
                    {
                      id: 'g1',
                      title: 'Fine',
                      slug: 'fine',
                      html: '<p>Fine.</p>',
                      type: 'post',
                      status: 'published',
                      created_at: '2019-01-01T00:00:00.000Z',
                      published_at: '2019-01-01T00:00:00.000Z',
                    },
                    {
                      id: 'g2',
                      title: 'Never',
                      slug: 'never',
                      html: '<p>No.</p>',
                      type: 'post',
                      status: 'published',
                      created_at: '2019-02-30T00:00:00.000Z',
                      published_at: '2019-02-30T00:00:00.000Z',
                    },
                  ],
                },
              },
            ],
          }),
        );
        const ghost = await importGhost(t.wiring, ghostFile);
        for (const report of [wordpress, ghost]) {
          const failed = report.items.filter((i) => i.outcome === 'failed');
          assert.equal(failed.length, 1, report.source);
          assert.equal(report.counts.article.failed, 1, report.source);
          assert.equal(totals(report).failed, 1, report.source);
          const { table, listed } = printed(report);
          assert.equal(table.failed, listed.failed, report.source);
          assert.equal(listed.failed, 1);
        }
      } finally {
        await t.cleanup();
      }
    });

    test('a Markdown export whose history or import mappings cannot be read is refused whole, naming the file and field', async () => {
      const source = await createTestWiring(kind);
      const target = await createTestWiring(kind);
      try {
        const wxr = path.join(folder, 'history-check.xml');
        writeFileSync(wxr, generatedWxr(2));
        await importWordPress(source.wiring, wxr);
        const out = path.join(folder, 'history-check');
        await exportMarkdown(source.wiring.store, out, { mediaDir: path.join(folder, 'no-media') });
        const history = path.join(out, 'history', 'articles', 'dispatch-1.yaml');
        const { readFileSync } = await import('node:fs');
        writeFileSync(history, readFileSync(history, 'utf8').replace(/^- version: 1$/m, '- version: first'));
        const sources = path.join(out, 'import-sources.yaml');
        writeFileSync(
          sources,
          readFileSync(sources, 'utf8').replace(/entity_type: article/, 'entity_type: poster'),
        );
        const report = await importMarkdown(target.wiring, out);
        const failed = report.outcomes.filter((o) => o.status === 'failed');
        assert.deepEqual(
          failed.map((o) => [
            path.basename(o.file),
            o.errors?.[0]?.field.replace(/\d+/, 'N'),
            o.errors?.[0]?.message,
          ]),
          [
            ['dispatch-1.yaml', '[N].version', 'must be a whole number from 1'],
            ['import-sources.yaml', '[N].entity_type', 'must be one of article, page, person, term, media'],
          ],
        );
        assert.equal(await target.wiring.store.articles.count(), 0);
        assert.equal((await target.wiring.store.importSources.listAll()).length, 0);
      } finally {
        await source.cleanup();
        await target.cleanup();
      }
    });

    test('a Markdown export whose history holds a date that does not exist is refused, naming the file, field and value', async () => {
      const source = await createTestWiring(kind);
      const target = await createTestWiring(kind);
      try {
        const wxr = path.join(folder, 'history-dates.xml');
        writeFileSync(wxr, generatedWxr(2));
        await importWordPress(source.wiring, wxr);
        const out = path.join(folder, 'history-dates');
        await exportMarkdown(source.wiring.store, out, { mediaDir: path.join(folder, 'no-media') });
        const history = path.join(out, 'history', 'articles', 'dispatch-1.yaml');
        const { readFileSync } = await import('node:fs');
        const text = readFileSync(history, 'utf8');
        assert.match(text, /^ {2}created_at: .*$/m);
        writeFileSync(
          history,
          text.replace(/^ {2}created_at: .*$/m, '  created_at: "2023-02-30T10:00:00.000Z"'),
        );
        const report = await importMarkdown(target.wiring, out);
        const failed = report.outcomes.filter((o) => o.status === 'failed');
        assert.deepEqual(
          failed.map((o) => [path.basename(o.file), o.errors?.[0]?.field.replace(/\d+/, 'N')]),
          [['dispatch-1.yaml', '[N].created_at']],
        );
        assert.match(failed[0]?.errors?.[0]?.message ?? '', /not a real date.*2023-02-30T10:00:00\.000Z/);
        assert.equal(await target.wiring.store.articles.count(), 0);
      } finally {
        await source.cleanup();
        await target.cleanup();
      }
    });

    test('a Markdown import reports each file in the same words, and a re-run finds everything unchanged without touching dates', async () => {
      const t = await createTestWiring(kind);
      try {
        const dir = path.join(folder, 'plain');
        const { mkdirSync } = await import('node:fs');
        mkdirSync(dir, { recursive: true });
        writeFileSync(
          path.join(dir, 'undated.md'),
          '---\ntitle: Undated\nstatus: published\n---\n\nNo date given.\n',
        );
        writeFileSync(
          path.join(dir, 'dated.md'),
          '---\ntitle: Dated\ndate: 2020-05-01T00:00:00Z\n---\n\nA date.\n',
        );
        writeFileSync(
          path.join(dir, 'broken.md'),
          '---\ntitle: Broken\ndate: 2020-02-30\n---\n\nNo such day.\n',
        );
        const first = await importMarkdown(t.wiring, dir);
        assert.deepEqual(
          ITEM_OUTCOMES.map((o) => first[o]),
          [2, 0, 0, 0, 1],
        );
        for (const o of ITEM_OUTCOMES)
          assert.equal(first[o], first.outcomes.filter((x) => x.status === o).length, o);
        const state = await writtenState(t);
        const published = (await t.wiring.store.articles.findBySlug('undated'))?.publishedAt;
        assert.ok(published);

        t.setNow(new Date(t.wiring.now().getTime() + 86_400_000));
        const again = await importMarkdown(t.wiring, dir);
        assert.deepEqual(
          ITEM_OUTCOMES.map((o) => again[o]),
          [0, 0, 2, 0, 1],
        );
        assert.equal((await t.wiring.store.articles.findBySlug('undated'))?.publishedAt, published);
        assert.deepEqual(await writtenState(t), state);
        const lines: string[] = [];
        printImportReport(again, { out: (line) => lines.push(line), err: (line) => lines.push(line) });
        assert.ok(lines.includes('Files: 3 (2 unchanged, 1 failed)'), lines.join('\n'));
      } finally {
        await t.cleanup();
      }
    });
  });

  describe(`round trips of real exports on ${kind}`, { skip: sharedMissing ?? false }, () => {
    let folder: string;
    before(() => {
      folder = mkdtempSync(path.join(tmpdir(), 'pressroom-roundtrip-real-'));
    });
    after(() => rmSync(folder, { recursive: true, force: true }));

    for (const format of ['markdown', 'json'] as const)
      test(`WordPress's theme unit test data and a Ghost export, moved through ${format}, import again as known`, async () => {
        const source = await createTestWiring(kind);
        const target = await createTestWiring(kind);
        try {
          await importWordPress(source.wiring, THEME_UNIT_TEST);
          await importGhost(source.wiring, GHOST_V4);
          const work = path.join(folder, format);
          const readBack = await moveThrough(format, source, target, mkdtempSync(`${work}-`));
          assert.deepEqual(await mappings(target), await mappings(source));
          const before = await histories(source);
          const moved = await histories(target);
          for (const [slug, revisions] of before) assert.deepEqual(moved.get(slug), revisions, slug);

          // Both imports again, on the moved publication and on the one it came from: every item is
          // known (none new, none rewritten), and the two reports agree count for count.
          const state = await writtenState(target);
          for (const run of [
            (t: TestWiring) => importWordPress(t.wiring, THEME_UNIT_TEST),
            (t: TestWiring) => importGhost(t.wiring, GHOST_V4),
          ]) {
            const moved = await run(target);
            const stayed = await run(source);
            const written = moved.items.filter((i) => i.outcome === 'imported' || i.outcome === 'updated');
            assert.deepEqual(written, [], moved.source);
            assert.deepEqual(moved.items, stayed.items, moved.source);
            assert.deepEqual(moved.counts, stayed.counts, moved.source);
          }
          // What the imports wrote again (a redirect one import takes from the other, as on the
          // source) aside, the moved publication is as it was; reading the export again writes nothing.
          const reread = await writtenState(target);
          await readBack();
          assert.deepEqual(await writtenState(target), reread);
          assert.deepEqual((reread.articles as unknown[]).length, (state.articles as unknown[]).length);
        } finally {
          await source.cleanup();
          await target.cleanup();
        }
      });
  });
}
