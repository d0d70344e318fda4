import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { importMarkdown } from '../../src/services/import/markdown.ts';
import { Reader } from '../../src/services/reader.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

const FULL_ARTICLE = `---
title: "Rivers, Ledgers and the Law: A Test Article"
date: 2026-11-01T09:00:00Z
slug: rivers-ledgers
subtitle: A subtitle
summary: A summary of the test article.
epigraph: { text: "Water finds its level.", attribution: "An old saying" }
authors:
  - { name: Ana Reis, bio: "Ana writes about water.", email: ana@example.org, website: "https://example.org/ana" }
  - Tom Li
region: [Europe]
theme: [Law and Justice, Environment]
report: The Water Ledger
tag: [water]
source: The Harbour Quarterly
source_url: https://example.org/hq/rivers
canonical_url: https://example.org/hq/rivers
license: CC BY-NC-ND 4.0
status: published
---

**Ana Reis** writes *this*.

> A quoted passage.
`;

for (const kind of DATABASE_KINDS) {
  describe(`articles on ${kind}`, () => {
    let t: TestWiring;
    let dir: string;
    before(async () => {
      t = await createTestWiring(kind);
      dir = path.join(t.database.dataDir, 'import');
      mkdirSync(dir, { recursive: true });
    });
    after(async () => t.cleanup());

    test('imports a Markdown article with every front-matter key and shows it to readers', async () => {
      const file = path.join(dir, 'full.md');
      writeFileSync(file, FULL_ARTICLE);
      const report = await importMarkdown(t.wiring, file);
      assert.deepEqual([report.imported, report.failed], [1, 0], JSON.stringify(report.outcomes));
      const model = await new Reader(t.wiring).article('rivers-ledgers');
      assert.ok(model);
      assert.deepEqual(
        model.authors.map((a) => a.name),
        ['Ana Reis', 'Tom Li'],
      );
      assert.equal(model.authors[0]?.bio, 'Ana writes about water.');
      assert.deepEqual(
        model.classification.map((g) => [g.taxonomy.slug, g.terms.map((x) => x.name)]),
        [
          ['region', ['Europe']],
          ['theme', ['Law and Justice', 'Environment']],
          ['report', ['The Water Ledger']],
          ['tag', ['water']],
        ],
      );
      assert.equal(model.article.epigraph?.attribution, 'An old saying');
      assert.equal(model.canonicalUrl, 'https://example.org/hq/rivers');
      assert.equal(model.attribution.sourceName, 'The Harbour Quarterly');
      assert.match(model.article.bodyHtml, /<strong>Ana Reis<\/strong>/);
      const ana = model.authors[0]!;
      assert.equal((await t.wiring.store.revisions.list('person', ana.id)).length, 1);
      const europe = model.classification[0]!.terms[0]!;
      assert.equal((await t.wiring.store.revisions.list('term', europe.id))[0]?.actor, 'import');
    });

    test('re-importing the same slug updates in place and keeps a revision per save', async () => {
      const file = path.join(dir, 'full.md');
      writeFileSync(file, FULL_ARTICLE.replace('A summary of the test article.', 'A new summary.'));
      const report = await importMarkdown(t.wiring, file);
      assert.equal(report.updated, 1);
      const article = await t.wiring.store.articles.findBySlug('rivers-ledgers');
      assert.equal(article?.summary, 'A new summary.');
      const revisions = await t.wiring.store.revisions.list('article', article!.id);
      assert.deepEqual(
        revisions.map((r) => r.version),
        [2, 1],
      );
    });

    test('rejects bad front matter by field and stores nothing', async () => {
      const cases: [string, string, RegExp][] = [
        ['unknown-taxonomy.md', '---\ntitle: X\ncontinent: Europe\n---\nbody', /continent/],
        ['bad-date.md', '---\ntitle: X\ndate: 2026-13-45\n---\nbody', /date/],
        ['empty-title.md', '---\ntitle: ""\nslug: empty\n---\nbody', /title/],
        ['broken-yaml.md', '---\ntitle: [unclosed\n---\nbody', /YAML/],
      ];
      const before = await t.wiring.store.articles.count();
      for (const [name, text, field] of cases) {
        writeFileSync(path.join(dir, name), text);
        const report = await importMarkdown(t.wiring, path.join(dir, name));
        assert.equal(report.failed, 1, name);
        const messages = (report.outcomes[0]?.errors ?? []).map((e) => `${e.field}: ${e.message}`).join('\n');
        assert.match(messages, field, name);
      }
      assert.equal(await t.wiring.store.articles.count(), before);
      assert.equal(await t.wiring.store.people.findBySlug('x'), undefined);
    });

    test('strips scripts from an imported body', async () => {
      const file = path.join(dir, 'xss.md');
      writeFileSync(
        file,
        '---\ntitle: Hostile\nauthors: [Eve]\n---\nHello <script>alert(1)</script><img src=x onerror=alert(2)> [a](javascript:alert(3))',
      );
      const report = await importMarkdown(t.wiring, file);
      assert.equal(report.imported, 1);
      const article = await t.wiring.store.articles.findBySlug('hostile');
      assert.doesNotMatch(article!.bodyHtml, /<script|onerror|href="javascript:/);
    });

    test('terms whose names share a slug stay apart; accents and case alone do not make a new one', async () => {
      const files: [string, string][] = [
        ['lang-c.md', '---\ntitle: On C\ntheme: [C]\n---\nbody'],
        ['lang-csharp.md', '---\ntitle: On C sharp\ntheme: [C#, c++]\n---\nbody'],
        ['lang-again.md', '---\ntitle: On all three\ntheme: [C++, c#, C, Sao Paulo, São Paulo]\n---\nbody'],
      ];
      for (const [name, text] of files) {
        writeFileSync(path.join(dir, name), text);
        assert.equal((await importMarkdown(t.wiring, path.join(dir, name))).failed, 0, name);
      }
      const termsOf = async (slug: string) => {
        const article = (await t.wiring.store.articles.findBySlug(slug))!;
        return (await t.wiring.store.taxonomies.findTermsByIds(article.termIds)).map(
          (term) => `${term.name}=${term.slug}`,
        );
      };
      assert.deepEqual(await termsOf('on-c'), ['C=c']);
      assert.deepEqual(await termsOf('on-c-sharp'), ['C#=c-sharp', 'c++=c-plus-plus']);
      assert.deepEqual(await termsOf('on-all-three'), [
        'c++=c-plus-plus',
        'C#=c-sharp',
        'C=c',
        'Sao Paulo=sao-paulo',
      ]);
    });

    test('a term named F# or .NET gets the slug the WordPress and Ghost imports give it, with no clash needed', async () => {
      writeFileSync(path.join(dir, 'lang-fsharp.md'), '---\ntitle: On F sharp\ntheme: [F#, .NET]\n---\nbody');
      assert.equal((await importMarkdown(t.wiring, path.join(dir, 'lang-fsharp.md'))).failed, 0);
      const article = (await t.wiring.store.articles.findBySlug('on-f-sharp'))!;
      const terms = await t.wiring.store.taxonomies.findTermsByIds(article.termIds);
      assert.deepEqual(terms.map((term) => `${term.name}=${term.slug}`).sort(), [
        '.NET=dot-net',
        'F#=f-sharp',
      ]);
    });

    test('a file holding the character U+FFFD is read; bytes that are not UTF-8 refuse it', async () => {
      const kept = path.join(dir, 'mojibake.md');
      writeFileSync(kept, '---\ntitle: Caf\uFFFD au lait\n---\nAn old archive\u2019s caf\uFFFD.');
      const report = await importMarkdown(t.wiring, kept);
      assert.equal(report.imported, 1);
      assert.match(
        (await t.wiring.store.articles.findBySlug('caf-au-lait'))?.bodyMarkdown ?? '',
        /caf\uFFFD\./,
      );
      const broken = path.join(dir, 'latin1.md');
      writeFileSync(
        broken,
        Buffer.concat([Buffer.from('---\ntitle: Caf'), Buffer.from([0xe9]), Buffer.from('\n---\nbody')]),
      );
      const refused = await importMarkdown(t.wiring, broken);
      assert.equal(refused.failed, 1);
      assert.match(JSON.stringify(refused.outcomes[0]?.errors), /not valid UTF-8/);
    });

    test('a renamed slug redirects from the old path', async () => {
      const { saveArticle, draftOf } = await import('../../src/services/articles.ts');
      const article = await t.wiring.store.articles.findBySlug('hostile');
      await saveArticle(
        t.wiring,
        { ...draftOf(article!), slug: 'renamed-hostile' },
        { actor: 'test', id: article!.id, expectedVersion: article!.version },
      );
      assert.deepEqual(await new Reader(t.wiring).oldAddress('/articles/hostile'), {
        kind: 'moved',
        to: '/articles/renamed-hostile',
      });
    });

    test('an old address of an article readers cannot see yet answers nothing, until it is published', async () => {
      const { saveArticle, draftOf } = await import('../../src/services/articles.ts');
      const { articleDraft } = await import('../../src/services/testing/fixtures.ts');
      const saved = await saveArticle(
        t.wiring,
        articleDraft({ slug: 'unannounced-merger', status: 'draft' }),
        {
          actor: 'test',
        },
      );
      await t.wiring.store.redirects.put(
        { fromPath: '/?p=4242', toPath: '/articles/unannounced-merger', statusCode: 301 },
        '2026-11-20T12:00:00.000Z',
      );
      const reader = new Reader(t.wiring);
      assert.equal(await reader.oldAddress('/?p=4242'), undefined, "a draft's slug is not told");
      const draft = (await t.wiring.store.articles.findById(saved.article.id))!;
      await saveArticle(
        t.wiring,
        { ...draftOf(draft), status: 'published', publishedAt: '2026-11-19T09:00:00.000Z' },
        { actor: 'test', id: draft.id, expectedVersion: draft.version },
      );
      assert.deepEqual(await reader.oldAddress('/?p=4242'), {
        kind: 'moved',
        to: '/articles/unannounced-merger',
      });
    });

    test('refuses a save based on an outdated version', async () => {
      const { saveArticle, draftOf } = await import('../../src/services/articles.ts');
      const article = (await t.wiring.store.articles.findBySlug('renamed-hostile'))!;
      await saveArticle(
        t.wiring,
        { ...draftOf(article), title: 'First editor' },
        { actor: 'a', id: article.id, expectedVersion: article.version },
      );
      await assert.rejects(
        saveArticle(
          t.wiring,
          { ...draftOf(article), title: 'Second editor' },
          { actor: 'b', id: article.id, expectedVersion: article.version },
        ),
        (error: Error & { kind?: string }) => error.kind === 'conflict',
      );
      assert.equal((await t.wiring.store.articles.findById(article.id))?.title, 'First editor');
    });

    test('hides drafts and articles scheduled for later', async () => {
      writeFileSync(path.join(dir, 'draft.md'), '---\ntitle: Draft one\nstatus: draft\n---\nx');
      writeFileSync(path.join(dir, 'later.md'), '---\ntitle: Later one\ndate: 2030-01-01T00:00:00Z\n---\nx');
      await importMarkdown(t.wiring, path.join(dir, 'draft.md'));
      await importMarkdown(t.wiring, path.join(dir, 'later.md'));
      const reader = new Reader(t.wiring);
      assert.equal(await reader.article('draft-one'), undefined);
      assert.equal(await reader.article('later-one'), undefined);
      t.setNow(new Date('2030-01-02T00:00:00Z'));
      assert.ok(await reader.article('later-one'));
      t.setNow(new Date('2026-11-20T12:00:00.000Z'));
    });
  });
}
