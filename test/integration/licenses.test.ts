import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { Role, User } from '../../src/domain/user.ts';
import { saveArticle } from '../../src/services/articles.ts';
import { exportPublication } from '../../src/services/export/publication-export.ts';
import { importJson } from '../../src/services/import/json.ts';
import { importMarkdown } from '../../src/services/import/markdown.ts';
import { articleDraft } from '../../src/services/testing/fixtures.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { skipOrFail } from '../helpers/prerequisites.ts';

const CC_BY = 'https://creativecommons.org/licenses/by/4.0/';
const CC_BY_ND = 'https://creativecommons.org/licenses/by-nd/4.0/';
const FORM = { title: 'Sea walls', body: 'The wall **holds**.', language: 'en', visibility: 'public' };
const PUBLISHED = { status: 'published' as const, publishedAt: '2026-11-01T09:00:00.000Z' };

/** Debian's python3-feedparser, as feed readers parse feeds; undefined when it is not there. */
const PYTHON = '/usr/bin/python3';
function feedparserMissing(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import feedparser'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : `${PYTHON} cannot import feedparser`;
}

/** Each entry's link, license and rights as feedparser reads them from a feed's text. */
function parseWithFeedparser(
  text: string,
): { link: string; license: string | null; rights: string | null }[] {
  const script = `import sys, json, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps([{"link": e.get("link"), "license": e.get("license"), "rights": e.get("rights")} for e in d.entries]))`;
  const run = spawnSync(PYTHON, ['-c', script], { input: text, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

for (const kind of DATABASE_KINDS) {
  describe(`licenses on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    const users = new Map<Role, User>();
    const as = async (role: Role): Promise<AdminClient> => {
      const client = await clientAs(
        app,
        t.wiring,
        users.get(role) as User,
        sessionCookieName(t.wiring.siteUrl),
      );
      await client.get('/admin/articles/new');
      return client;
    };
    const bySlug = (slug: string) => t.wiring.store.articles.findBySlug(slug);
    const setDefault = async (code: string) => {
      const admin = await as('admin');
      const answer = await admin.post('/admin/settings', { default_license: code });
      assert.equal(answer.statusCode, 303, answer.body);
    };

    before(async () => {
      t = await createTestWiring(kind);
      app = await buildApp(t.wiring, { shouldLog: false });
      for (const role of ['editor', 'admin'] as const) users.set(role, await makeUser(t.wiring, role));
      await saveArticle(
        t.wiring,
        articleDraft({ slug: 'open-water', title: 'Open water', license: 'cc-by-4.0', ...PUBLISHED }),
        { actor: 'cli' },
      );
      await saveArticle(t.wiring, articleDraft({ slug: 'house-rules', title: 'House rules', ...PUBLISHED }), {
        actor: 'cli',
      });
      await saveArticle(
        t.wiring,
        articleDraft({
          slug: 'closed-book',
          title: 'Closed book',
          license: 'all-rights-reserved',
          ...PUBLISHED,
        }),
        { actor: 'cli' },
      );
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    it('is chosen in the editor from the set or left to the site default, and an unknown code is refused by field', async () => {
      const editor = await as('editor');
      const form = (await editor.get('/admin/articles/new')).body;
      assert.match(
        form,
        /<option value="" selected>Site default \(The publication’s republishing terms\)<\/option>/,
      );
      assert.match(form, /<option value="cc-by-nd-4.0">CC BY-ND 4.0<\/option>/);

      const saved = await editor.post('/admin/articles', {
        ...FORM,
        title: 'Chosen license',
        license: 'cc-by-nd-4.0',
      });
      assert.equal(saved.statusCode, 303, saved.body);
      const [chosen] = (await t.wiring.store.articles.listAll()).filter((a) => a.title === 'Chosen license');
      assert.equal(chosen?.license, 'cc-by-nd-4.0');
      const page = (await editor.get(`/admin/articles/${chosen?.id}`)).body;
      assert.match(page, /<option value="cc-by-nd-4.0" selected>CC BY-ND 4.0<\/option>/);

      const cleared = await editor.post(`/admin/articles/${chosen?.id}`, {
        ...FORM,
        title: 'Chosen license',
        slug: chosen?.slug ?? '',
        version: String(chosen?.version),
        license: '',
      });
      assert.equal(cleared.statusCode, 303, cleared.body);
      assert.equal((await t.wiring.store.articles.findById(chosen?.id ?? 0))?.license, null);

      const refused = await editor.post('/admin/articles', {
        ...FORM,
        title: 'Bad license',
        license: 'cc-by-sa-4.0',
      });
      assert.equal(refused.statusCode, 400);
      assert.match(
        refused.body,
        /id="field-license-error">Must be one of site-terms, cc-by-4.0, cc-by-nd-4.0/,
      );
      assert.equal(
        (await t.wiring.store.articles.listAll()).filter((a) => a.title === 'Bad license').length,
        0,
      );
    });

    it('keeps a license kept from before as words when the editor saves the article unchanged', async () => {
      const { article: kept } = await saveArticle(
        t.wiring,
        articleDraft({ slug: 'kept-words', title: 'Kept words', license: 'other:CC BY-SA 4.0' }),
        { actor: 'cli' },
      );
      const editor = await as('editor');
      const page = (await editor.get(`/admin/articles/${kept.id}`)).body;
      assert.match(
        page,
        /<option value="other:CC BY-SA 4.0" selected>As kept from before: CC BY-SA 4.0<\/option>/,
      );
      const saved = await editor.post(`/admin/articles/${kept.id}`, {
        ...FORM,
        title: 'Kept words',
        slug: 'kept-words',
        version: String(kept.version),
        license: 'other:CC BY-SA 4.0',
      });
      assert.equal(saved.statusCode, 303, saved.body);
      assert.equal((await bySlug('kept-words'))?.license, 'other:CC BY-SA 4.0');
    });

    it('sets the site default in the settings from a select, and refuses an unknown code by field', async () => {
      const admin = await as('admin');
      const form = (await admin.get('/admin/settings')).body;
      assert.match(form, /<select[^>]*name="default_license"/);
      assert.match(form, /<option value="site-terms" selected>/);
      const refused = await admin.post('/admin/settings', { default_license: 'public-domain' });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /id="field-default_license-error">Must be one of site-terms/);
      await setDefault('cc-by-nd-4.0');
      assert.equal((await t.wiring.store.settings.getAll()).get('default_license'), 'cc-by-nd-4.0');
      assert.match((await admin.get('/admin/settings')).body, /<option value="cc-by-nd-4.0" selected>/);
      const article = (await app.inject('/articles/house-rules')).body;
      assert.match(article, new RegExp(`<a rel="license" href="${CC_BY_ND}">CC BY-ND 4.0</a>`));
      await setDefault('site-terms');
    });

    it('shows the license on the article page with rel=license and in the NewsArticle JSON-LD', async () => {
      const own = (await app.inject('/articles/open-water')).body;
      assert.match(own, new RegExp(`License: <a rel="license" href="${CC_BY}">CC BY 4.0</a>`));
      assert.match(own, /"license":"https:\/\/creativecommons.org\/licenses\/by\/4.0\/"/);
      assert.match(own, /class="republish-kit"/);

      // No license of its own: the site default, the publication's own terms on a page of the site.
      const terms = `${t.wiring.siteUrl}/republishing-terms`;
      const byDefault = (await app.inject('/articles/house-rules')).body;
      assert.match(
        byDefault,
        new RegExp(`<a rel="license" href="${terms}">The publication’s republishing terms</a>`),
      );
      assert.match(byDefault, new RegExp(`"license":"${terms}"`));
      assert.match(byDefault, /Non-commercial cross-posting is permitted/);
      const termsPage = await app.inject('/republishing-terms');
      assert.equal(termsPage.statusCode, 200);
      assert.match(termsPage.body, /<h1>Republishing terms<\/h1>/);
      assert.match(termsPage.body, /Commercial reprints require written permission/);

      const closed = (await app.inject('/articles/closed-book')).body;
      assert.match(closed, /Copyright © [^<]*, 2026\. All rights reserved\.<\/p>/);
      assert.doesNotMatch(closed, /rel="license"/);
      assert.doesNotMatch(closed, /"license":/);
      assert.doesNotMatch(closed, /class="republish-kit"|Cross-post it on your blog/);
      assert.doesNotMatch(closed, /Non-commercial cross-posting is permitted/);
    });

    it('carries each item’s license in RSS, Atom and JSON Feed', async () => {
      const rss = (await app.inject('/feed.xml')).body;
      assert.match(rss, /xmlns:creativeCommons="http:\/\/backend.userland.com\/creativeCommonsRssModule"/);
      const rssItem = (slug: string) =>
        rss.split('<item>').find((i) => i.includes(`/articles/${slug}<`)) ?? '';
      assert.match(
        rssItem('open-water'),
        new RegExp(`<creativeCommons:license>${CC_BY}</creativeCommons:license>`),
      );
      assert.match(rssItem('open-water'), /<dc:rights>Copyright © .*License: CC BY 4.0.<\/dc:rights>/);
      assert.doesNotMatch(rssItem('house-rules'), /creativeCommons:license/);
      assert.match(rssItem('house-rules'), /<atom:link rel="license" href="[^"]+\/republishing-terms"\/>/);
      assert.match(rssItem('closed-book'), /<dc:rights>Copyright © .*All rights reserved.<\/dc:rights>/);
      assert.doesNotMatch(rssItem('closed-book'), /license/);

      const atom = (await app.inject('/feed.atom')).body;
      const atomEntry = (slug: string) =>
        atom.split('<entry>').find((e) => e.includes(`/articles/${slug}<`)) ?? '';
      assert.match(atomEntry('open-water'), new RegExp(`<link rel="license" href="${CC_BY}"/>`));
      assert.match(
        atomEntry('open-water'),
        /<rights type="text">Copyright © .*License: CC BY 4.0.<\/rights>/,
      );

      const json = JSON.parse((await app.inject('/feed.json')).body) as {
        items: { url: string; _license: { code: string; url: string | null } }[];
      };
      const item = json.items.find((i) => i.url.endsWith('/articles/open-water'));
      assert.deepEqual([item?._license.code, item?._license.url], ['cc-by-4.0', CC_BY]);
      const closedItem = json.items.find((i) => i.url.endsWith('/articles/closed-book'));
      assert.deepEqual([closedItem?._license.code, closedItem?._license.url], ['all-rights-reserved', null]);
    });

    it('shows each entry’s license to feedparser, in RSS and in Atom', async (tc: TestContext) => {
      const missing = feedparserMissing();
      if (missing) return skipOrFail(tc, missing);
      for (const file of ['/feed.xml', '/feed.atom']) {
        const entries = parseWithFeedparser((await app.inject(file)).body);
        const entry = (slug: string) => entries.find((e) => e.link.endsWith(`/articles/${slug}`));
        assert.equal(entry('open-water')?.license, CC_BY, file);
        assert.match(entry('open-water')?.rights ?? '', /License: CC BY 4.0/, file);
        assert.equal(entry('house-rules')?.license, `${t.wiring.siteUrl}/republishing-terms`, file);
        assert.equal(entry('closed-book')?.license ?? null, null, file);
        assert.match(entry('closed-book')?.rights ?? '', /All rights reserved/, file);
      }
    });

    it('keeps licenses, codes and words alike, through an export imported into another instance', async () => {
      await saveArticle(
        t.wiring,
        articleDraft({ slug: 'words-only', title: 'Words only', license: 'other:Public domain' }),
        { actor: 'cli' },
      );
      let text = '';
      await exportPublication(t.wiring, {
        write: (piece) => {
          text += piece;
        },
      });
      const target = await createTestWiring(kind);
      try {
        const file = path.join(target.database.dataDir, 'export.json');
        writeFileSync(file, text);
        const report = await importJson(target.wiring, file);
        assert.equal(report.counts.article.failed, 0);
        for (const slug of ['open-water', 'house-rules', 'closed-book', 'words-only']) {
          const [from, to] = [await bySlug(slug), await target.wiring.store.articles.findBySlug(slug)];
          assert.equal(to?.license, from?.license, slug);
        }
        assert.equal(
          (await target.wiring.store.articles.findBySlug('words-only'))?.license,
          'other:Public domain',
        );
        assert.equal((await target.wiring.store.settings.getAll()).get('default_license'), 'site-terms');

        // A file naming a license outside the set is refused by its field.
        const bad = text.replace('"license":"cc-by-4.0"', '"license":"cc-by-sa-4.0"');
        assert.notEqual(bad, text);
        writeFileSync(file, bad);
        const refused = await importJson(target.wiring, file);
        const failed = refused.items.find((i) => i.outcome === 'failed');
        assert.match(JSON.stringify(failed), /license.*must be one of site-terms/);
      } finally {
        await target.cleanup();
      }
    });

    it('reads front matter license: as a code or a usual way of writing one, and refuses others by field', async () => {
      const folder = mkdtempSync(path.join(tmpdir(), 'pressroom-licenses-'));
      try {
        const file = (slug: string, license: string) =>
          writeFileSync(
            path.join(folder, `${slug}.md`),
            `---\ntitle: ${slug}\ndate: 2026-10-01\nstatus: published\nlicense: ${license}\n---\nText of ${slug}.\n`,
          );
        file('fm-code', 'cc-by-nc-nd-4.0');
        file('fm-written', 'CC BY-ND 4.0');
        file('fm-url', 'https://creativecommons.org/licenses/by/4.0/');
        file('fm-unknown', 'CC BY-SA 4.0');
        const report = await importMarkdown(t.wiring, folder);
        assert.equal((await bySlug('fm-code'))?.license, 'cc-by-nc-nd-4.0');
        assert.equal((await bySlug('fm-written'))?.license, 'cc-by-nd-4.0');
        assert.equal((await bySlug('fm-url'))?.license, 'cc-by-4.0');
        assert.equal(await bySlug('fm-unknown'), undefined);
        const refused = report.outcomes.find((o) => o.file.endsWith('fm-unknown.md'));
        assert.equal(refused?.status, 'failed');
        assert.deepEqual(
          refused?.errors?.map((e) => e.field),
          ['license'],
        );
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    });
  });
}
