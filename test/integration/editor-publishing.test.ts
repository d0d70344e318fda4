import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { buildApp } from '../../src/app.ts';
import type { Role, User } from '../../src/domain/user.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

const FORM = { title: 'Sea walls', body: 'The wall **holds**.', language: 'en', visibility: 'public' };

for (const kind of DATABASE_KINDS) {
  describe(`the editor's autosave, preview, publishing and image library on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    const users = new Map<Role, User>();
    const as = async (role: Role): Promise<AdminClient> => {
      const client = await clientAs(app, t.wiring, users.get(role)!, sessionCookieName(t.wiring.siteUrl));
      await client.get('/admin/articles/new');
      return client;
    };
    const titled = async (title: string) =>
      (await t.wiring.store.articles.listAll()).filter((a) => a.title === title);

    /** Uploads a small PNG through the admin, as the picker does. */
    const uploadAs = async (client: AdminClient, alt: string) => {
      const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#336699' } })
        .png()
        .toBuffer();
      const boundary = '----pressroomtest';
      const payload = Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${client.csrf}\r\n--${boundary}\r\nContent-Disposition: form-data; name="alt"\r\n\r\n${alt}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="blue.png"\r\nContent-Type: image/png\r\n\r\n`,
        ),
        png,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      return app.inject({
        method: 'POST',
        url: '/admin/media',
        headers: {
          cookie: client.cookieHeader(),
          'content-type': `multipart/form-data; boundary=${boundary}`,
          accept: 'application/json',
        },
        payload,
      });
    };

    before(async () => {
      t = await createTestWiring(kind);
      app = await buildApp(t.wiring, { shouldLog: false });
      for (const role of ['contributor', 'author', 'editor', 'admin'] as const) {
        users.set(role, await makeUser(t.wiring, role, `${role}@editor.example`));
      }
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    it('keeps bidirectional overrides out of titles, names and sources, so they cannot reverse the page', async () => {
      const editor = await as('editor');
      const saved = await editor.post('/admin/articles', {
        ...FORM,
        title: 'Tides \u202Eof the north\u202C report',
        subtitle: 'Sub\u2067title',
        source_name: 'The \u202DGazette',
        author: 'Nadia \u202EKarimi',
      });
      assert.equal(saved.statusCode, 303, saved.body);
      const [article] = await titled('Tides of the north report');
      assert.ok(article, 'stored without the controls');
      assert.equal(article.subtitle, 'Subtitle');
      assert.equal(article.source?.name, 'The Gazette');
      const people = await t.wiring.store.people.findByIds(article.authorIds);
      assert.deepEqual(
        people.map((p) => p.name),
        ['Nadia Karimi'],
      );
    });

    it('makes a new article a draft, with a revision, at its first autosave, titled or not', async () => {
      const writer = await as('contributor');
      // Typed before any title: an untitled draft, each under an address of its own.
      for (const body of ['Typed first.', 'Typed first, again.']) {
        const untitled = await writer.post('/admin/articles/autosave', { ...FORM, title: '', body });
        assert.equal(untitled.statusCode, 200, untitled.body);
        const made = JSON.parse(untitled.body);
        assert.equal(made.isUntitled, true);
        const stored = await t.wiring.store.articles.findById(made.id);
        assert.equal(stored?.title, 'Untitled draft');
        assert.equal(stored?.status, 'draft');
        assert.equal(stored?.bodyMarkdown, body);
        assert.match(stored?.slug ?? '', /^untitled-[0-9a-z]+(-\d+)?$/);
      }
      assert.equal((await titled('Untitled draft')).length, 2);
      const first = await writer.post('/admin/articles/autosave', { ...FORM, title: 'Autosaved first' });
      assert.equal(first.statusCode, 200, first.body);
      const result = JSON.parse(first.body);
      assert.equal(result.isUntitled, false);
      assert.equal(result.editUrl, `/admin/articles/${result.id}`);
      assert.equal(result.version, 1);
      const [draft] = await titled('Autosaved first');
      assert.equal(draft?.status, 'draft');
      assert.equal((await t.wiring.store.revisions.list('article', result.id)).length, 1);
      // Later autosaves go to the draft and keep work aside; they create nothing more.
      const next = await writer.post(result.autosaveUrl, { ...FORM, title: 'Autosaved first', version: '1' });
      assert.equal(next.statusCode, 200);
      assert.equal((await titled('Autosaved first')).length, 1);
    });

    it('refuses an autosave naming a term that does not exist, as a save does, and keeps nothing', async () => {
      const writer = await as('contributor');
      const first = await writer.post('/admin/articles/autosave', { ...FORM, title: 'Autosaved terms' });
      assert.equal(first.statusCode, 200, first.body);
      const { id, autosaveUrl } = JSON.parse(first.body);
      for (const term of ['987654', 'x']) {
        const answer = await writer.post(autosaveUrl, {
          ...FORM,
          title: 'Autosaved terms',
          version: '1',
          term,
        });
        assert.equal(answer.statusCode, 400, answer.body);
        assert.deepEqual(JSON.parse(answer.body).details, [
          { field: 'terms', message: 'names a term that does not exist' },
        ]);
      }
      assert.equal(await t.wiring.store.autosaves.find(id, users.get('contributor')!.id), undefined);
      const saved = await writer.post(`/admin/articles/${id}`, {
        ...FORM,
        title: 'Autosaved terms',
        version: '1',
        term: '987654',
      });
      assert.equal(saved.statusCode, 400, 'a save refuses the same term');
    });

    it('publishes from the form once confirmed, shows the checklist otherwise, and refuses a writer before saving', async () => {
      const editor = await as('editor');
      const confirmed = await editor.post('/admin/articles', {
        ...FORM,
        title: 'Published in one go',
        intent: 'publish',
        confirmed: '1',
      });
      assert.equal(confirmed.statusCode, 303);
      assert.match(String(confirmed.headers.location), /^\/admin\/articles\/\d+\?notice=publish$/);
      assert.equal((await titled('Published in one go'))[0]?.status, 'published');

      const unconfirmed = await editor.post('/admin/articles', {
        ...FORM,
        title: 'Check me',
        intent: 'publish',
      });
      assert.match(String(unconfirmed.headers.location), /^\/admin\/articles\/\d+\/publish$/);
      const check = await editor.get(String(unconfirmed.headers.location));
      assert.equal(check.statusCode, 200);
      assert.match(check.body, /Summary<\/strong><span class="visually-hidden"> \(missing\)/);
      assert.match(check.body, /Publish now/);
      assert.equal((await titled('Check me'))[0]?.status, 'draft');

      // Saving an existing draft with Publish: saved and published together.
      const [draft] = await titled('Check me');
      const saved = await editor.post(`/admin/articles/${draft?.id}`, {
        ...FORM,
        title: 'Check me',
        summary: 'Now with a summary.',
        version: String(draft?.version),
        intent: 'publish',
        confirmed: '1',
      });
      assert.equal(saved.statusCode, 303);
      const after = (await titled('Check me'))[0];
      assert.equal(after?.status, 'published');
      assert.equal(after?.summary, 'Now with a summary.');

      const writer = await as('contributor');
      const refused = await writer.post('/admin/articles', {
        ...FORM,
        title: 'Not mine to publish',
        intent: 'publish',
        confirmed: '1',
      });
      assert.equal(refused.statusCode, 403);
      assert.equal((await titled('Not mine to publish')).length, 0);
      assert.equal((await writer.get(`/admin/articles/${draft?.id}/publish`)).statusCode, 403);
    });

    it('answers the checklist for the form as it is', async () => {
      const author = await as('author');
      const answer = await author.post('/admin/articles/checklist', {
        ...FORM,
        summary: 'S',
        featured_image: '/media/x.jpg',
      });
      assert.equal(answer.statusCode, 200);
      const items = JSON.parse(answer.body).items as { key: string; isDone: boolean }[];
      assert.deepEqual(
        items.map((i) => [i.key, i.isDone]),
        [
          ['summary', true],
          ['featured_image', true],
          ['featured_image_alt', false],
          ['terms', false],
          ['slug', true],
        ],
      );
    });

    it('saves, autosaves and publishes a featured image still without its description, as the checklist only warns', async () => {
      const editor = await as('editor');
      const withImage = { ...FORM, featured_image: '/media/undescribed.jpg' };
      const draft = await editor.post('/admin/articles/autosave', {
        ...withImage,
        title: 'Undescribed draft',
      });
      assert.equal(draft.statusCode, 200, draft.body);
      const published = await editor.post('/admin/articles', {
        ...withImage,
        title: 'Undescribed image',
        intent: 'publish',
        confirmed: '1',
      });
      assert.equal(published.statusCode, 303, published.body);
      const [article] = await titled('Undescribed image');
      assert.equal(article?.status, 'published');
      const page = await app.inject(`/articles/${article?.slug}`);
      assert.match(page.body, /<img class="article__image" src="\/media\/undescribed\.jpg" alt="">/);
    });

    it('tidies a typed slug and says so, and names the article that already uses one', async () => {
      const author = await as('author');
      const created = await author.post('/admin/articles', {
        ...FORM,
        title: 'Tide tables',
        slug: ' Tide Tables: 2026! ',
      });
      assert.equal(created.statusCode, 303, created.body);
      const location = String(created.headers.location);
      assert.match(location, /\?notice=created&tidied=1$/);
      const id = Number(/articles\/(\d+)/.exec(location)?.[1]);
      assert.equal((await t.wiring.store.articles.findById(id))?.slug, 'tide-tables-2026');
      const editor = await author.get(location);
      assert.match(editor.body, /The address name was tidied to <code>tide-tables-2026<\/code>/);
      // A slug already right is saved without a word about tidying.
      const plain = await author.post('/admin/articles', {
        ...FORM,
        title: 'Neap tides',
        slug: 'neap-tides',
      });
      assert.doesNotMatch(String(plain.headers.location), /tidied/);
      // Taken, typed new or changed to: the message by the field names the article that has it.
      const clash = await author.post('/admin/articles', {
        ...FORM,
        title: 'Other',
        slug: 'Tide tables 2026',
      });
      assert.equal(clash.statusCode, 400);
      assert.match(clash.body, /is already used by “Tide tables”/i);
      const plainId = Number(/articles\/(\d+)/.exec(String(plain.headers.location))?.[1]);
      const renamed = await author.post(`/admin/articles/${plainId}`, {
        ...FORM,
        title: 'Neap tides',
        slug: 'tide-tables-2026',
        version: '1',
      });
      assert.equal(renamed.statusCode, 400);
      assert.match(renamed.body, /is already used by “Tide tables”/i);
    });

    it('previews the unsaved form, new or saved, and nobody else’s article', async () => {
      const author = await as('author');
      // A blank new article does not claim to be saved: it becomes a draft once something is typed.
      const blank = await author.get('/admin/articles/new');
      assert.match(blank.body, /class="autosave-status hint"[^>]*>Not saved yet/);
      const fresh = await author.post('/admin/articles/preview', {
        ...FORM,
        title: 'Never saved',
        epigraph_text: 'A line above.',
      });
      assert.equal(fresh.statusCode, 200, fresh.body);
      assert.match(fresh.body, /<h1[^>]*>Never saved<\/h1>/);
      assert.match(fresh.body, /A line above\./);
      assert.match(fresh.body, /not saved yet/);
      // Undated: the byline's meta line names the publication and the reading time, no stray comma.
      const meta = /<p class="article__meta">([\s\S]*?)<\/p>/.exec(fresh.body)?.[1] ?? '';
      assert.doesNotMatch(meta, /,|<time/, meta);
      assert.match(meta, /<\/span>\s*<span class="reading-time">· 1 min read<\/span>/, meta);
      // No share links, Copy link or forwarding: the address they would give does not exist yet.
      assert.doesNotMatch(fresh.body, /class="share"|Copy link|Forward this article/);
      assert.equal((await titled('Never saved')).length, 0);

      const created = await author.post('/admin/articles', { ...FORM, title: 'Saved once' });
      const id = Number(/articles\/(\d+)/.exec(String(created.headers.location))?.[1]);
      const changed = await author.post(`/admin/articles/${id}/preview`, {
        ...FORM,
        title: 'Changed, not saved',
      });
      assert.equal(changed.statusCode, 200);
      assert.match(changed.body, /<h1[^>]*>Changed, not saved<\/h1>/);
      assert.match(changed.body, /unsaved changes to a draft article/);
      assert.equal((await t.wiring.store.articles.findById(id))?.title, 'Saved once');

      const other = await as('contributor');
      assert.equal((await other.post(`/admin/articles/${id}/preview`, FORM)).statusCode, 403);
      const tooLong = await author.post('/admin/articles/preview', { ...FORM, title: 'x'.repeat(5000) });
      assert.equal(tooLong.statusCode, 400);
    });

    it('finds images by description, and changes a description in the library', async () => {
      const writer = await as('contributor');
      const upload = await uploadAs(writer, 'A blue square');
      assert.equal(upload.statusCode, 200, upload.body);
      const { id, thumb } = JSON.parse(upload.body);
      assert.match(thumb, /-\d+\.webp$/);

      const found = JSON.parse((await writer.get('/admin/media/picker?q=blue%20SQUARE')).body).images;
      assert.deepEqual(
        found.map((i: { id: number; alt: string }) => [i.id, i.alt]),
        [[id, 'A blue square']],
      );
      assert.deepEqual(JSON.parse((await writer.get('/admin/media/picker?q=green')).body).images, []);

      const described = await writer.post(`/admin/media/${id}`, { alt: 'A deep blue square' });
      assert.equal(described.statusCode, 303);
      assert.equal((await t.wiring.store.media.findById(id))?.alt, 'A deep blue square');
      const tooLong = await writer.post(`/admin/media/${id}`, { alt: 'x'.repeat(1001) });
      assert.equal(tooLong.statusCode, 400);
      assert.match(tooLong.body, /Description|alt/);
      assert.equal((await writer.post('/admin/media/999999', { alt: 'x' })).statusCode, 404);
      const page = await writer.get('/admin/media?q=deep');
      assert.match(page.body, /A deep blue square/);
    });

    it('warns where an image is used before an editor deletes it, with its variants and files', async () => {
      const editor = await as('editor');
      const uploaded = JSON.parse((await uploadAs(editor, 'To be deleted')).body) as {
        id: number;
        url: string;
        variants: { url: string }[];
      };
      await editor.post('/admin/articles', {
        ...FORM,
        title: 'Uses it as featured',
        featured_image: uploaded.url,
        featured_image_alt: 'x',
      });
      await editor.post('/admin/articles', {
        ...FORM,
        title: 'Uses it inline',
        body: `![x](${uploaded.url})`,
      });
      // Another address, one character apart, is not a use.
      await editor.post('/admin/articles', {
        ...FORM,
        title: 'Uses another',
        body: `![x](${uploaded.url.replace(/-(?=[^-]*$)/, '_')})`,
      });
      const admin = await as('admin');
      await admin.get('/admin/pages/new');
      await admin.post('/admin/pages', {
        title: 'About our images',
        slug: 'about-images',
        body: `![x](${uploaded.url})`,
      });

      const writer = await as('contributor');
      assert.equal((await writer.get(`/admin/media/${uploaded.id}/delete`)).statusCode, 403);
      assert.equal((await writer.post(`/admin/media/${uploaded.id}/delete`)).statusCode, 403);
      assert.doesNotMatch((await writer.get('/admin/media')).body, /\/delete"/);

      const warning = await editor.get(`/admin/media/${uploaded.id}/delete`);
      assert.equal(warning.statusCode, 200);
      assert.match(warning.body, /used in 3 places/);
      assert.match(warning.body, /Uses it as featured<\/a> — article \(draft\), as its featured image/);
      assert.match(warning.body, /Uses it inline<\/a> — article \(draft\), as its body/);
      assert.match(warning.body, /About our images<\/a> — page/);
      assert.doesNotMatch(warning.body, /Uses another/);

      assert.equal((await app.inject({ url: uploaded.url })).statusCode, 200);
      const deleted = await editor.post(`/admin/media/${uploaded.id}/delete`);
      assert.equal(deleted.statusCode, 303);
      assert.equal(await t.wiring.store.media.findById(uploaded.id), undefined);
      assert.deepEqual(await t.wiring.store.mediaVariants.listFor([uploaded.id]), []);
      assert.equal((await app.inject({ url: uploaded.url })).statusCode, 404);
      assert.equal((await editor.get(`/admin/media/${uploaded.id}/delete`)).statusCode, 404);
    });
  });
}
