import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { buildApp } from '../../src/app.ts';
import type { Role, User } from '../../src/domain/user.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

function multipart(fields: Record<string, string>, file: { name: string; type: string; bytes: Buffer }) {
  const boundary = `----pressroom${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`,
    ),
    file.bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

const ARTICLE_FORM = {
  title: 'Salt in the aquifer',
  subtitle: 'What the wells say',
  body: 'The wells are **turning salty**.\n\nSecond paragraph.',
  summary: 'Seawater is moving inland.',
  language: 'en',
  visibility: 'public',
  has_comments: '1',
};

for (const kind of DATABASE_KINDS) {
  describe(`newsroom admin pages on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    const users = new Map<Role, User>();
    const as = async (role: Role): Promise<AdminClient> =>
      clientAs(app, t.wiring, users.get(role)!, sessionCookieName(t.wiring.siteUrl));

    before(async () => {
      t = await createTestWiring(kind);
      app = await buildApp(t.wiring, { shouldLog: false });
      for (const role of ['contributor', 'author', 'editor', 'admin'] as const) {
        users.set(role, await makeUser(t.wiring, role, `${role}@newsroom.example`));
      }
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    const idFrom = (location: unknown) => Number(/\/admin\/articles\/(\d+)/.exec(String(location))?.[1]);

    it('lets a contributor write and submit, and an editor schedule, publish and correct', async () => {
      const contributor = await as('contributor');
      await contributor.get('/admin/articles/new');
      const created = await contributor.post('/admin/articles', ARTICLE_FORM);
      assert.equal(created.statusCode, 303);
      const id = idFrom(created.headers.location);
      const editorPage = await contributor.get(`/admin/articles/${id}`);
      assert.equal(editorPage.statusCode, 200);
      assert.match(editorPage.body, /Submit for review/);
      assert.doesNotMatch(editorPage.body, /Publish now/);

      const refused = await contributor.post(`/admin/articles/${id}/workflow`, {
        action: 'publish',
        version: '1',
      });
      assert.equal(refused.statusCode, 403);
      assert.equal((await t.wiring.store.articles.findById(id))?.status, 'draft');
      assert.equal(
        (await contributor.post(`/admin/articles/${id}/workflow`, { action: 'submit', version: '1' }))
          .statusCode,
        303,
      );

      const editor = await as('editor');
      const queue = await editor.get('/admin/articles?status=review');
      assert.match(queue.body, /Salt in the aquifer/);
      await editor.get(`/admin/articles/${id}`);
      const badSchedule = await editor.post(`/admin/articles/${id}/workflow`, {
        action: 'schedule',
        version: '2',
        publish_at: '2020-01-01T08:00',
      });
      assert.equal(badSchedule.statusCode, 400);
      assert.match(badSchedule.body, /class="field-error" id="field-publish_at-error">Must be in the future/);
      assert.match(badSchedule.body, /value="2020-01-01T08:00"/);
      const scheduled = await editor.post(`/admin/articles/${id}/workflow`, {
        action: 'schedule',
        version: '2',
        publish_at: '2026-11-22T08:00',
      });
      assert.equal(scheduled.statusCode, 303);
      assert.equal((await t.wiring.store.articles.findById(id))?.publishedAt, '2026-11-22T08:00:00.000Z');
      await editor.get(`/admin/articles/${id}`);
      assert.equal(
        (await editor.post(`/admin/articles/${id}/workflow`, { action: 'publish', version: '3' })).statusCode,
        303,
      );
      const public1 = await app.inject({ url: '/articles/salt-in-the-aquifer' });
      assert.equal(public1.statusCode, 200);

      await editor.get(`/admin/articles/${id}`);
      const emptyNote = await editor.post(`/admin/articles/${id}/corrections`, {
        kind: 'correction',
        note: '',
      });
      assert.equal(emptyNote.statusCode, 400);
      assert.match(emptyNote.body, /Must say what was corrected/);
      await editor.post(`/admin/articles/${id}/corrections`, {
        kind: 'correction',
        note: 'An earlier version named the wrong well.',
      });
      const public2 = await app.inject({ url: '/articles/salt-in-the-aquifer' });
      assert.match(public2.body, /An earlier version named the wrong well\./);

      const contributorAgain = await as('contributor');
      assert.equal((await contributorAgain.get(`/admin/articles/${id}`)).statusCode, 403);
      assert.equal(
        (await contributorAgain.post(`/admin/articles/${id}/corrections`, { kind: 'update', note: 'x' }))
          .statusCode,
        403,
      );
    });

    it('keeps what was typed and stores nothing when the form is wrong', async () => {
      const editor = await as('editor');
      await editor.get('/admin/articles/new');
      const before = await t.wiring.store.articles.count();
      const people = (await t.wiring.store.people.list()).length;
      const response = await editor.post('/admin/articles', {
        ...ARTICLE_FORM,
        title: '',
        author: 'Someone Entirely New',
        canonical_url: 'ftp://nowhere',
        body: 'Carefully written paragraph that must survive.',
      });
      assert.equal(response.statusCode, 400);
      assert.match(response.body, /Carefully written paragraph that must survive\./);
      assert.match(response.body, /value="Someone Entirely New"/);
      assert.match(response.body, /id="field-title-error">Must not be empty/);
      assert.match(response.body, /id="field-canonical_url-error">Must be an http or https URL/);
      assert.equal(await t.wiring.store.articles.count(), before);
      assert.equal((await t.wiring.store.people.list()).length, people);
    });

    it('tells the second editor saving the same version, keeping their text', async () => {
      const first = await as('editor');
      await first.get('/admin/articles/new');
      const id = idFrom(
        (await first.post('/admin/articles', { ...ARTICLE_FORM, title: 'Contested text' })).headers.location,
      );
      const second = await as('admin');
      await second.get(`/admin/articles/${id}`);
      await first.get(`/admin/articles/${id}`);
      assert.equal(
        (
          await first.post(`/admin/articles/${id}`, {
            ...ARTICLE_FORM,
            title: 'Contested text',
            version: '1',
            body: 'First editor’s words.',
          })
        ).statusCode,
        303,
      );
      const conflict = await second.post(`/admin/articles/${id}`, {
        ...ARTICLE_FORM,
        title: 'Contested text',
        version: '1',
        body: 'Second editor’s words.',
      });
      assert.equal(conflict.statusCode, 409);
      assert.match(conflict.body, /Someone else saved this article/);
      assert.match(conflict.body, /Second editor’s words\./);
      assert.match(conflict.body, /First editor’s words\./);
      assert.equal((await t.wiring.store.articles.findById(id))?.bodyMarkdown, 'First editor’s words.');
    });

    it('previews a draft as readers will see it, lists revisions, diffs and restores', async () => {
      const editor = await as('editor');
      await editor.get('/admin/articles/new');
      const id = idFrom(
        (await editor.post('/admin/articles', { ...ARTICLE_FORM, title: 'Draft preview', body: 'Old line.' }))
          .headers.location,
      );
      await editor.get(`/admin/articles/${id}`);
      await editor.post(`/admin/articles/${id}`, {
        ...ARTICLE_FORM,
        title: 'Draft preview',
        version: '1',
        body: 'New line.',
      });
      const preview = await editor.get(`/admin/articles/${id}/preview`);
      assert.equal(preview.statusCode, 200);
      assert.match(preview.body, /<meta name="robots" content="noindex">/);
      assert.match(preview.body, /Preview of a draft article/);
      assert.equal((await app.inject({ url: '/articles/draft-preview' })).statusCode, 404);

      const history = await editor.get(`/admin/articles/${id}/revisions`);
      const revisionId = [...history.body.matchAll(/\/revisions\/(\d+)"/g)].map((m) => Number(m[1]))[0];
      assert.ok(revisionId);
      const diff = await editor.get(`/admin/articles/${id}/revisions/${revisionId}`);
      assert.match(diff.body, /class="diff-removed"[^>]*>.*<del class="diff-word">Old<\/del> line\./s);
      assert.match(diff.body, /class="diff-added"[^>]*>.*<ins class="diff-word">New<\/ins> line\./s);
      assert.equal(
        (await editor.post(`/admin/articles/${id}/revisions/${revisionId}/restore`, { version: '2' }))
          .statusCode,
        303,
      );
      assert.equal((await t.wiring.store.articles.findById(id))?.bodyMarkdown, 'Old line.');
    });

    it('compares two versions that differ everywhere in a page of bounded size', async () => {
      const editor = await as('editor');
      await editor.get('/admin/articles/new');
      const lines = Array.from({ length: 20_000 }, (_, i) => `L${i}`);
      const id = idFrom(
        (await editor.post('/admin/articles', { ...ARTICLE_FORM, title: 'Reversed', body: lines.join('\n') }))
          .headers.location,
      );
      await editor.get(`/admin/articles/${id}`);
      const saved = await editor.post(`/admin/articles/${id}`, {
        ...ARTICLE_FORM,
        title: 'Reversed',
        version: '1',
        body: [...lines].reverse().join('\n'),
      });
      assert.equal(saved.statusCode, 303);
      const history = await editor.get(`/admin/articles/${id}/revisions`);
      const revisionId = [...history.body.matchAll(/\/revisions\/(\d+)"/g)].map((m) => Number(m[1]))[0];
      const diff = await editor.get(`/admin/articles/${id}/revisions/${revisionId}`);
      assert.equal(diff.statusCode, 200);
      assert.ok(diff.body.length < 1_000_000, `${diff.body.length} bytes`);
      assert.match(diff.body, /… 18,\d{3} lines more not shown: the comparison shows the first 2,000 rows/);
    });

    it('says a preview of a published article shows what readers see now', async () => {
      const editor = await as('editor');
      await editor.get('/admin/articles/new');
      const id = idFrom(
        (await editor.post('/admin/articles', { ...ARTICLE_FORM, title: 'Banner check' })).headers.location,
      );
      const editorPage = await editor.get(`/admin/articles/${id}`);
      assert.match((await editor.get(`/admin/articles/${id}/preview`)).body, /once published/);
      const version = /name="version" value="(\d+)"/.exec(editorPage.body)?.[1] ?? '1';
      await editor.post(`/admin/articles/${id}/workflow`, { action: 'publish', version });
      assert.equal((await t.wiring.store.articles.findById(id))?.status, 'published');
      const preview = await editor.get(`/admin/articles/${id}/preview`);
      assert.match(preview.body, /Preview of this published article: readers see it like this now\./);
      assert.doesNotMatch(preview.body, /once published/);
    });

    it('tells a writer with no author page what saving will do, and what to ask an admin', async () => {
      const unlinked = await clientAs(
        app,
        t.wiring,
        await makeUser(t.wiring, 'author', 'unlinked-author@newsroom.example'),
        sessionCookieName(t.wiring.siteUrl),
      );
      const page = await unlinked.get('/admin/articles/new');
      assert.match(page.body, /Your account is not linked to an author page yet/);
      assert.match(page.body, /A author/);
      // The first save makes the writer's author page; the hint is gone from then on.
      const saved = await unlinked.post('/admin/articles', { ...ARTICLE_FORM, title: 'First piece' });
      assert.equal(saved.statusCode, 303);
      assert.doesNotMatch((await unlinked.get('/admin/articles/new')).body, /not linked to an author page/);
    });

    it('autosaves without touching the article and offers the autosave back', async () => {
      const author = await as('author');
      await author.get('/admin/articles/new');
      const id = idFrom(
        (await author.post('/admin/articles', { ...ARTICLE_FORM, title: 'Autosave me' })).headers.location,
      );
      await author.get(`/admin/articles/${id}`);
      const saved = await author.post(`/admin/articles/${id}/autosave`, {
        ...ARTICLE_FORM,
        title: 'Autosave me',
        version: '1',
        body: 'Unsaved thought.',
      });
      assert.equal(saved.statusCode, 200);
      assert.equal(JSON.parse(saved.body).isStale, false);
      assert.equal((await t.wiring.store.articles.findById(id))?.version, 1);
      const page = await author.get(`/admin/articles/${id}`);
      assert.match(page.body, /You have unsaved changes/);
      assert.match((await author.get(`/admin/articles/${id}?restore=autosave`)).body, /Unsaved thought\./);
    });

    it('converts pasted HTML and previews Markdown as sanitized HTML', async () => {
      const author = await as('author');
      await author.get('/admin/articles/new');
      const paste = await author.post('/admin/paste', {
        html: '<p><span style="font-weight:700">Bold</span> move<script>x()</script></p>',
      });
      assert.deepEqual(JSON.parse(paste.body), { markdown: '**Bold** move' });
      const preview = await author.post('/admin/preview', {
        markdown: '# Hi\n\n<img src=x onerror=alert(1)>',
      });
      assert.doesNotMatch(JSON.parse(preview.body).html, /onerror/);
    });

    it('uploads an image by form, serves its variants, and refuses a fake image', async () => {
      const contributor = await as('contributor');
      await contributor.get('/admin/media');
      const png = await sharp({ create: { width: 800, height: 500, channels: 4, background: '#88aa55' } })
        .png()
        .toBuffer();
      const upload = (bytes: Buffer, accept: string, returnTo = '/admin/media') => {
        const body = multipart(
          { _csrf: contributor.csrf, alt: 'A field', return_to: returnTo },
          { name: 'field.png', type: 'image/png', bytes },
        );
        return app.inject({
          method: 'POST',
          url: '/admin/media',
          headers: {
            cookie: [...contributor.cookies].map(([n, v]) => `${n}=${v}`).join('; '),
            'content-type': body.contentType,
            accept,
          },
          payload: body.payload,
        });
      };
      const json = await upload(png, 'application/json');
      assert.equal(json.statusCode, 200, json.body);
      const uploaded = JSON.parse(json.body) as { url: string; variants: { url: string; format: string }[] };
      assert.match(uploaded.url, /\.png$/);
      const webp = uploaded.variants.find((v) => v.format === 'webp');
      assert.ok(webp);
      const served = await app.inject({ url: webp.url });
      assert.equal(served.statusCode, 200);
      assert.equal(served.headers['content-type'], 'image/webp');

      const html = await upload(png, 'text/html');
      assert.equal(html.statusCode, 303);
      assert.match(String(html.headers.location), /^\/admin\/media\?uploaded=/);
      for (const away of [
        '//evil.example',
        '/\\evil.example',
        'https://evil.example/admin',
        '/admin/..//x',
      ]) {
        const sent = await upload(png, 'text/html', away);
        assert.match(String(sent.headers.location), /^\/admin\/media\?uploaded=/, away);
      }
      const fake = await upload(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'text/html');
      assert.equal(fake.statusCode, 400);
      assert.match(fake.body, /not an image we accept/);

      // A NUL in a field of the upload form is refused by the field, as in every other form
      // (PostgreSQL cannot store one: it was a 500 there, and stored raw on SQLite); one in the
      // file's own name is dropped from the title made of it.
      const mediaRows = async () =>
        Number(
          (
            await t.wiring.database.db
              .selectFrom('media')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirst()
          )?.n,
        );
      const before = await mediaRows();
      const nul = multipart(
        { _csrf: contributor.csrf, alt: 'a\u0000b', return_to: '/admin/media' },
        { name: 'nul\u0000name.png', type: 'image/png', bytes: png },
      );
      const refused = await app.inject({
        method: 'POST',
        url: '/admin/media',
        headers: {
          cookie: [...contributor.cookies].map(([n, v]) => `${n}=${v}`).join('; '),
          'content-type': nul.contentType,
          accept: 'application/json',
        },
        payload: nul.payload,
      });
      assert.equal(refused.statusCode, 400, refused.body);
      assert.match(refused.body, /alt/);
      assert.match(refused.body, /NUL/);
      assert.equal(await mediaRows(), before, 'nothing stored');
      const named = await upload(png, 'application/json');
      assert.equal(named.statusCode, 200);
      const titled = multipart(
        { _csrf: contributor.csrf, alt: 'Fine', return_to: '/admin/media' },
        { name: 'nul\u0000name.png', type: 'image/png', bytes: png },
      );
      const kept = await app.inject({
        method: 'POST',
        url: '/admin/media',
        headers: {
          cookie: [...contributor.cookies].map(([n, v]) => `${n}=${v}`).join('; '),
          'content-type': titled.contentType,
          accept: 'application/json',
        },
        payload: titled.payload,
      });
      assert.equal(kept.statusCode, 200, kept.body);
    });

    it('finds an uploaded image by the name its file had, in the picker and the library', async () => {
      const contributor = await as('contributor');
      const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#456' } })
        .png()
        .toBuffer();
      const body = multipart(
        { _csrf: contributor.csrf, alt: '' },
        { name: 'estuary-survey-07.png', type: 'image/png', bytes: png },
      );
      const sent = await app.inject({
        method: 'POST',
        url: '/admin/media',
        headers: {
          cookie: [...contributor.cookies].map(([n, v]) => `${n}=${v}`).join('; '),
          'content-type': body.contentType,
          accept: 'text/html',
        },
        payload: body.payload,
      });
      assert.equal(sent.statusCode, 303, sent.body);
      const url = decodeURIComponent(/uploaded=([^&]+)/.exec(String(sent.headers.location))?.[1] ?? '');
      const picker = await contributor.get('/admin/media/picker?q=estuary-survey');
      assert.deepEqual(
        JSON.parse(picker.body).images.map((i: { url: string; title: string }) => [i.url, i.title]),
        [[url, 'estuary-survey-07.png']],
      );
      const library = await contributor.get('/admin/media?q=estuary-survey-07');
      assert.match(library.body, new RegExp(`value="${url}"`));
    });

    it('merges the terms ticked on a taxonomy list into one, each as a merge alone, and says what is wrong by the field', async () => {
      const editor = await as('editor');
      await editor.get('/admin/taxonomies/theme');
      for (const name of ['Oceans', 'Seas', 'Marine', 'Coasts']) {
        assert.equal(
          (await editor.post('/admin/taxonomies/theme/terms', { name, slug: '' })).statusCode,
          303,
        );
      }
      const terms = await t.wiring.store.taxonomies.listTerms();
      const idOf = (name: string) => terms.find((x) => x.name === name)!.id;
      const bulk = (ids: number[], into: string, confirmed = '1') =>
        app.inject({
          method: 'POST',
          url: '/admin/taxonomies/theme/merge',
          headers: { cookie: editor.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams([
            ['_csrf', editor.csrf],
            ...ids.map((id) => ['id', String(id)]),
            ['into', into],
            ['confirmed', confirmed],
          ]).toString(),
        });
      const list = await editor.get('/admin/taxonomies/theme');
      assert.match(list.body, new RegExp(`name="id" value="${idOf('Seas')}" form="terms-bulk"`));
      // Its three forms (merge, add a term, settings) share field names, never ids.
      const ids = [...list.body.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
      assert.deepEqual(
        ids.filter((id, i) => ids.indexOf(id) !== i),
        [],
      );

      // Nothing ticked, or no such term to merge into: the list again, the message by the field.
      const none = await bulk([], 'Oceans');
      assert.equal(none.statusCode, 400);
      assert.match(none.body, /id="field-bulk-into-error">Choose the terms to merge/);
      const unknown = await bulk([idOf('Seas')], 'Atlantis');
      assert.equal(unknown.statusCode, 400);
      assert.match(unknown.body, /id="field-bulk-into-error"/);
      assert.match(unknown.body, /Atlantis/);
      assert.ok(
        await t.wiring.store.taxonomies.findTermsByIds([idOf('Seas')]).then((found) => found.length === 1),
      );

      // Unconfirmed, a page names both sides and asks; nothing is merged yet.
      const asked = await bulk([idOf('Seas'), idOf('Marine'), idOf('Oceans')], 'Oceans', '');
      assert.equal(asked.statusCode, 200);
      assert.match(asked.body, /<h2 id="merge-heading">Merge “Seas” and “Marine” into “Oceans”\?<\/h2>/);
      assert.equal(
        (await t.wiring.store.taxonomies.findTermsByIds([idOf('Seas'), idOf('Marine')])).length,
        2,
      );
      const merged = await bulk([idOf('Seas'), idOf('Marine'), idOf('Oceans')], 'Oceans');
      assert.equal(merged.statusCode, 303, merged.body);
      assert.equal(merged.headers.location, '/admin/taxonomies/theme?notice=merged');
      const left = (await t.wiring.store.taxonomies.listTerms()).map((x) => x.name);
      assert.ok(left.includes('Oceans') && left.includes('Coasts'));
      assert.ok(!left.includes('Seas') && !left.includes('Marine'));
      assert.equal((await t.wiring.store.redirects.find('/theme/seas'))?.toPath, '/theme/oceans');
      assert.equal((await t.wiring.store.redirects.find('/theme/marine'))?.toPath, '/theme/oceans');
      // A writer may not: the same permission as one merge.
      const author = await as('author');
      await author.get('/admin');
      const refused = await app.inject({
        method: 'POST',
        url: '/admin/taxonomies/theme/merge',
        headers: { cookie: author.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams([
          ['_csrf', author.csrf],
          ['id', String(idOf('Coasts'))],
          ['into', 'Oceans'],
        ]).toString(),
      });
      assert.equal(refused.statusCode, 403);
    });

    it('manages terms, people and pages with errors next to the fields', async () => {
      const editor = await as('editor');
      await editor.get('/admin/taxonomies/theme');
      const bad = await editor.post('/admin/taxonomies/theme/terms', { name: '', slug: 'Bad Slug!' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /id="field-name-error"/);
      assert.match(bad.body, /value="Bad Slug!"/);
      assert.equal(
        (await editor.post('/admin/taxonomies/theme/terms', { name: 'Fisheries', slug: '' })).statusCode,
        303,
      );
      const term = (await t.wiring.store.taxonomies.listTerms()).find((x) => x.name === 'Fisheries');
      assert.ok(term);
      await editor.get(`/admin/terms/${term.id}`);
      await editor.post(`/admin/terms/${term.id}`, { name: 'Fisheries', slug: 'fishing', description: '' });
      assert.equal((await t.wiring.store.redirects.find('/theme/fisheries'))?.toPath, '/theme/fishing');
      // No article is filed under it yet, so neither address has a page: 404, not a 301 to a 404.
      assert.equal((await app.inject({ url: '/theme/fisheries' })).statusCode, 404);

      await editor.get('/admin/people/new');
      const person = await editor.post('/admin/people', {
        name: 'Noor Analyst',
        email: 'noor@',
        links: 'Blog | notaurl',
      });
      assert.equal(person.statusCode, 400);
      assert.match(person.body, /id="field-email-error">Must be an email address/);
      assert.match(person.body, /id="field-links-error">Line 1: must be an http or https URL/);

      await editor.get('/admin/pages/new');
      const page = await editor.post('/admin/pages', {
        title: 'Funding',
        slug: 'funding',
        body: 'Who pays.',
        status: 'published',
        position: 'x',
      });
      assert.equal(page.statusCode, 400);
      assert.match(page.body, /Who pays\./);
      // A new page at a page's address, typed or made from the title, is refused, not written over it.
      const made = await editor.post('/admin/pages', {
        title: 'Funding',
        body: 'Who pays.',
        status: 'draft',
      });
      assert.equal(made.statusCode, 303, made.body);
      for (const fields of [{ title: 'Funding' }, { title: 'Another', slug: 'funding' }] as Record<
        string,
        string
      >[]) {
        const clash = await editor.post('/admin/pages', { ...fields, body: 'Overwritten?', status: 'draft' });
        assert.equal(clash.statusCode, 400);
        assert.match(clash.body, /id="field-slug-error">Is already used by “Funding”/);
      }
      assert.equal((await t.wiring.store.pages.findBySlug('funding'))?.bodyMarkdown, 'Who pays.');
      const contributor = await as('contributor');
      assert.equal((await contributor.get('/admin/taxonomies/theme')).statusCode, 403);
      assert.equal((await contributor.get('/admin/people')).statusCode, 403);
    });
  });
}
