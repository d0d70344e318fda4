// The Markdown and JSON imports stop cleanly when asked to (a process manager's SIGTERM,
// Ctrl-C), as the WordPress and Ghost imports do, and Markdown files from elsewhere get their
// treatment of other sites' images.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { importJson } from '../../src/services/import/json.ts';
import { importMarkdown } from '../../src/services/import/markdown.ts';
import { ensureDefaultTaxonomies } from '../../src/services/taxonomies.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

const STAMP = '2024-01-01T00:00:00.000Z';

for (const kind of DATABASE_KINDS) {
  describe(`Markdown and JSON imports asked to stop, and other sites' images, on ${kind}`, () => {
    let folder: string;
    before(() => {
      folder = mkdtempSync(path.join(tmpdir(), 'pressroom-md-json-stop-'));
    });
    after(() => rmSync(folder, { recursive: true, force: true }));

    test('a Markdown import asked to stop stops between two files, says how far it got, and a re-run finishes it', async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        await t.wiring.store.transaction((repos) => ensureDefaultTaxonomies(repos));
        const posts = path.join(folder, `posts-${kind}`);
        mkdirSync(posts, { recursive: true });
        for (const n of [1, 2])
          writeFileSync(path.join(posts, `post-${n}.md`), `---\ntitle: Post ${n}\n---\n\nText ${n}.\n`);
        const stop = new AbortController();
        stop.abort('SIGTERM');
        const stopped = await importMarkdown(t.wiring, posts, { stopSignal: stop.signal });
        assert.equal(stopped.stoppedBy, 'SIGTERM after 0 of 2 files');
        assert.equal(stopped.outcomes.length, 0);
        assert.equal(await t.wiring.store.articles.findBySlug('post-1'), undefined);
        const finished = await importMarkdown(t.wiring, posts);
        assert.equal(finished.stoppedBy, undefined);
        assert.equal(finished.imported, 2);
      } finally {
        await t.cleanup();
      }
    });

    test("images at other sites' addresses in Markdown files become links to them, noted on the file's line", async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        await t.wiring.store.transaction((repos) => ensureDefaultTaxonomies(repos));
        const posts = path.join(folder, `hotlinked-${kind}`);
        mkdirSync(posts, { recursive: true });
        writeFileSync(
          path.join(posts, 'hotlinked.md'),
          '---\ntitle: Hotlinked\nimage: https://images.other.example/cover.jpg\nimage_alt: The cover\n---\n\nA chart:\n\n![Rainfall](https://cdn.example/rain.png)\n\n`![in code](https://cdn.example/code.png)`\n',
        );
        const report = await importMarkdown(t.wiring, posts);
        assert.equal(report.imported, 1, JSON.stringify(report.outcomes));
        const article = await t.wiring.store.articles.findBySlug('hotlinked');
        assert.ok(article);
        assert.equal(article.featuredImage, null);
        assert.doesNotMatch(article.bodyHtml, /<img/);
        assert.match(
          article.bodyMarkdown,
          /\[Image: Rainfall, on cdn\.example\]\(https:\/\/cdn\.example\/rain\.png\)/,
        );
        assert.match(article.bodyMarkdown, /\[Image: The cover, on images\.other\.example\]/);
        assert.match(article.bodyMarkdown, /`!\[in code\]\(https:\/\/cdn\.example\/code\.png\)`/);
        const warning = report.outcomes[0]?.warning ?? '';
        assert.match(warning, /external image kept as a link[^;]*https:\/\/cdn\.example\/rain\.png/);
        assert.match(warning, /image external image kept as a link[^;]*cover\.jpg/);
      } finally {
        await t.cleanup();
      }
    });

    test('a JSON import asked to stop while the file is read and checked writes nothing and says so', async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const file = path.join(folder, `export-${kind}.json`);
        writeFileSync(
          file,
          JSON.stringify({
            format: 'pressroom-export',
            version: 1,
            people: [{ slug: 'ana', name: 'Ana', links: '[]', created_at: STAMP, updated_at: STAMP }],
            articles: [
              {
                slug: 'kept-back',
                title: 'Kept back',
                body_markdown: 'Text.',
                status: 'draft',
                created_at: STAMP,
                updated_at: STAMP,
                version: 1,
                authors: ['ana'],
              },
            ],
          }),
        );
        const stop = new AbortController();
        stop.abort('SIGINT');
        const report = await importJson(t.wiring, file, { stopSignal: stop.signal });
        assert.equal(report.stoppedBy, 'SIGINT before anything was written');
        assert.ok(
          report.warnings.some((w) => /nothing was imported: the import was stopped by SIGINT/.test(w)),
        );
        assert.equal(await t.wiring.store.articles.findBySlug('kept-back'), undefined);
        assert.equal((await t.wiring.store.people.list()).length, 0);
        const again = await importJson(t.wiring, file);
        assert.equal(again.stoppedBy, undefined);
        assert.equal(again.counts.article.imported, 1);
      } finally {
        await t.cleanup();
      }
    });

    test('a JSON import asked to stop during its load, one transaction, finishes it and says the stop came too late', async () => {
      const t: TestWiring = await createTestWiring(kind);
      try {
        const file = path.join(folder, `late-stop-${kind}.json`);
        writeFileSync(
          file,
          JSON.stringify({
            format: 'pressroom-export',
            version: 1,
            people: [{ slug: 'ana', name: 'Ana', links: '[]', created_at: STAMP, updated_at: STAMP }],
          }),
        );
        const stop = new AbortController();
        // The signal arrives while the load runs, after the last point where it could stop it.
        const archive = t.wiring.store.archive;
        const load = archive.load.bind(archive);
        archive.load = (...args: Parameters<typeof archive.load>) => {
          stop.abort('SIGTERM');
          return load(...args);
        };
        const report = await importJson(t.wiring, file, { stopSignal: stop.signal });
        assert.equal(report.stoppedBy, undefined);
        assert.equal(report.counts.person.imported, 1);
        assert.ok(
          report.warnings.some((w) =>
            /SIGTERM came during the load.*too late to stop it: everything above was imported/.test(w),
          ),
          report.warnings.join('\n'),
        );
        assert.ok(await t.wiring.store.people.findBySlug('ana'));
      } finally {
        await t.cleanup();
      }
    });
  });
}
