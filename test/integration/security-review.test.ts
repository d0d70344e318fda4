import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { SaxesParser } from 'saxes';
import { mediaDir } from '../../src/adapters/media-store.ts';
import { buildApp } from '../../src/app.ts';
import { isAppError } from '../../src/errors.ts';
import { parseArticleFile } from '../../src/services/import/front-matter.ts';
import { findOrCreatePerson } from '../../src/services/people.ts';
import { ensureDefaultTaxonomies } from '../../src/services/taxonomies.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addArticle } from '../helpers/discovery-fixtures.ts';

const XSS = '"><script>alert(1)</script>';
const EXECUTABLE = /<script>alert|javascript:alert|<\/script><script/;

function isWellFormedXml(text: string): boolean {
  const parser = new SaxesParser();
  let failed = false;
  parser.on('error', () => {
    failed = true;
  });
  parser.write(text).close();
  return !failed;
}

function refusedField(error: unknown): string | undefined {
  if (!isAppError(error) || error.code !== 'VALIDATION_FAILED') return undefined;
  return error.details?.[0]?.field;
}

for (const kind of DATABASE_KINDS) {
  describe(`security review on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    before(async () => {
      t = await createTestWiring(kind);
      await t.wiring.store.transaction((repos) => ensureDefaultTaxonomies(repos));
      await addArticle(t.wiring, {
        slug: 'hostile-text',
        title: `River ${XSS} </script><script>alert(3)</script> ]]> ledger`,
        subtitle: `Sub ${XSS}`,
        summary: `Summary ${XSS}`,
        body: `River &lt;script&gt;alert(2)&lt;/script&gt; and ${XSS} in the text.`,
        publishedAt: '2026-11-01T00:00:00.000Z',
        authors: [`Author ${XSS}`],
        terms: { region: [`Term ${XSS}`], tag: ['a<b & c'] },
      });
      app = await buildApp(t.wiring, { shouldLog: false });
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    test('hostile titles, summaries, names and search terms are escaped on every reader page', async () => {
      for (const url of [
        '/',
        '/articles/hostile-text',
        '/region',
        '/region/term-script-alert-1-script',
        '/authors/author-script-alert-1-script',
        '/search?q=river',
        `/search?q=${encodeURIComponent(XSS)}`,
        `/share/mastodon?text=${encodeURIComponent(XSS)}`,
        `/${encodeURIComponent(XSS)}`,
      ]) {
        const res = await app.inject(url);
        assert.ok(res.statusCode < 500, url);
        assert.doesNotMatch(res.body, EXECUTABLE, url);
      }
      const search = await app.inject('/search?q=river');
      assert.match(search.body, /<mark>River<\/mark> &lt;script&gt;alert\(2\)/);
    });

    test('the Atom and RSS feeds stay well-formed with markup in titles and term names', async () => {
      for (const file of ['feed.atom', 'feed.xml']) {
        const res = await app.inject(`/${file}`);
        assert.equal(res.statusCode, 200);
        assert.ok(isWellFormedXml(res.body), `${file} is not well-formed XML`);
      }
      const atom = (await app.inject('/feed.atom')).body;
      assert.match(atom, /<category label="a&lt;b &amp; c"/);
      assert.match(atom, /<title type="text">River "&gt;&lt;script&gt;.* \]\]&gt; ledger<\/title>/);
    });

    test('an imported author website must be an http or https URL', async () => {
      await assert.rejects(
        t.wiring.store.transaction((repos) =>
          findOrCreatePerson(repos, { name: 'Mallory', website: 'javascript:alert(1)' }, t.wiring.now()),
        ),
        (error) => refusedField(error) === 'authors',
      );
      assert.equal(await t.wiring.store.people.findBySlug('mallory'), undefined);
      const parsed = parseArticleFile(
        '---\ntitle: T\ndate: 2026-11-01\nauthors:\n  - name: Mallory\n    website: "javascript:alert(1)"\n---\nBody\n',
        [],
      );
      assert.ok(
        !parsed.ok && parsed.errors.some((e) => e.field === 'authors[0].website'),
        JSON.stringify(parsed),
      );
    });

    test('a featured image with a script or data scheme is refused; site and https addresses are kept', async () => {
      const spec = { title: 'Pictured', body: 'Text.', publishedAt: '2026-11-02T00:00:00.000Z' };
      for (const featuredImage of ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>']) {
        await assert.rejects(
          addArticle(t.wiring, { ...spec, slug: 'bad-image', featuredImage }),
          (error) => refusedField(error) === 'featured_image',
        );
      }
      await addArticle(t.wiring, { ...spec, slug: 'site-image', featuredImage: '/media/2026/11/a.jpg' });
      await addArticle(t.wiring, {
        ...spec,
        slug: 'remote-image',
        featuredImage: 'https://img.example/a.jpg',
      });
    });

    test('media files are served sandboxed, so an imported SVG cannot run script on the site', async () => {
      const folder = path.join(mediaDir(t.database.dataDir), 'wordpress');
      mkdirSync(folder, { recursive: true });
      writeFileSync(
        path.join(folder, 'logo.svg'),
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      );
      const res = await app.inject('/media/wordpress/logo.svg');
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-security-policy'] as string, /sandbox/);
      assert.match(res.headers['content-security-policy'] as string, /default-src 'none'/);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      const missing = await app.inject('/media/wordpress/none.svg');
      assert.equal(missing.statusCode, 404);
      assert.match(missing.headers['content-security-policy'] as string, /style-src 'self'/);
    });
  });
}
