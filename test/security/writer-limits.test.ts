// What contributors and authors may do with bylines: they credit only themselves (and keep whom
// an editor credited); only editors and admins name anyone else or add people by name. Every
// door is tried: the form, autosave (JSON), restoring a revision, and publishing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { Role, User } from '../../src/domain/user.ts';
import { draftOf, saveArticleIn } from '../../src/services/articles.ts';
import { createUser } from '../../src/services/users.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName, TEST_PASSWORD } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addArticle } from '../helpers/discovery-fixtures.ts';

for (const kind of DATABASE_KINDS) {
  describe(`limits for writers on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    const users = new Map<Role, User>();
    const as = (role: Role): Promise<AdminClient> =>
      clientAs(app, t.wiring, users.get(role)!, sessionCookieName(t.wiring.siteUrl));
    /** The person the role's user writes as, made by a first save of their own. */
    const ownPersonOf = async (role: Role): Promise<number> =>
      (await t.wiring.store.users.findById(users.get(role)!.id))!.personId!;
    const peopleCount = async () => (await t.wiring.store.people.list()).length;

    before(async () => {
      t = await createTestWiring(kind);
      app = await buildApp(t.wiring, { shouldLog: false });
      for (const role of ['contributor', 'author', 'editor', 'admin'] as const) {
        users.set(role, await makeUser(t.wiring, role, `${role}@limits.example`));
      }
      await addArticle(t.wiring, {
        slug: 'the-ledger',
        title: 'The ledger',
        body: 'Text.',
        publishedAt: '2026-11-01T00:00:00.000Z',
        authors: ['Nadia Korvell'],
      });
      // Each writer saves once, naming no one, and so gets a person of their own.
      for (const role of ['contributor', 'author'] as const) {
        const client = await as(role);
        await client.get('/admin/articles/new');
        const res = await client.post('/admin/articles', {
          title: `First words of the ${role}`,
          body: 'Text.',
          language: 'en',
        });
        assert.equal(res.statusCode, 303, res.body);
      }
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    describe('bylines', () => {
      test('a writer cannot put an existing person on a new article, by name in any case or by slug', async () => {
        for (const role of ['contributor', 'author'] as const) {
          const client = await as(role);
          await client.get('/admin/articles/new');
          const own = (await t.wiring.store.people.findById(await ownPersonOf(role)))!.name;
          for (const [index, name] of ['nadia korvell', 'NADIA KORVELL', 'nadia-korvell'].entries()) {
            const before = await peopleCount();
            const form = new URLSearchParams({
              _csrf: client.csrf,
              title: `Under a borrowed name ${role} ${index}`,
              body: 'Text.',
              language: 'en',
            });
            form.append('author', own);
            form.append('author', name);
            const posted = await app.inject({
              method: 'POST',
              url: '/admin/articles',
              headers: {
                cookie: client.cookieHeader(),
                'content-type': 'application/x-www-form-urlencoded',
              },
              payload: form.toString(),
            });
            assert.equal(posted.statusCode, 400, `${role} naming ${name}: ${posted.statusCode}`);
            assert.match(posted.body, /ask an editor to credit|only an editor can add someone new/);
            assert.equal(await peopleCount(), before, 'no person is made');
            assert.equal(
              await t.wiring.store.articles.findBySlug(`under-a-borrowed-name-${role}-${index}`),
              undefined,
            );
          }
        }
      });

      test('a writer cannot add people by typing new names; an editor can', async () => {
        const contributor = await as('contributor');
        await contributor.get('/admin/articles/new');
        const before = await peopleCount();
        const refused = await contributor.post('/admin/articles', {
          title: 'With an invented colleague',
          body: 'Text.',
          language: 'en',
          author: 'Invented Colleague',
        });
        assert.equal(refused.statusCode, 400);
        assert.match(refused.body, /Invented Colleague.*only an editor can add someone new/);
        assert.equal(await peopleCount(), before);
        const editor = await as('editor');
        await editor.get('/admin/articles/new');
        const form = new URLSearchParams({
          _csrf: editor.csrf,
          title: 'Two names',
          body: 'Text.',
          language: 'en',
        });
        form.append('author', 'Nadia Korvell');
        form.append('author', 'A New Columnist');
        const accepted = await app.inject({
          method: 'POST',
          url: '/admin/articles',
          headers: { cookie: editor.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
          payload: form.toString(),
        });
        assert.equal(accepted.statusCode, 303, accepted.body);
        const saved = await t.wiring.store.articles.findBySlug('two-names');
        const names = (await t.wiring.store.people.findByIds(saved!.authorIds)).map((p) => p.name);
        assert.deepEqual(names, ['Nadia Korvell', 'A New Columnist']);
      });

      test('saving and autosaving refuse someone else on a writer’s own article, with a field error', async () => {
        const author = await as('author');
        await author.get('/admin/articles/new');
        const created = await author.post('/admin/articles', {
          title: 'My own piece',
          body: 'Text.',
          language: 'en',
        });
        assert.equal(created.statusCode, 303);
        const article = (await t.wiring.store.articles.findBySlug('my-own-piece'))!;
        const own = (await t.wiring.store.people.findById(await ownPersonOf('author')))!.name;
        await author.get(`/admin/articles/${article.id}`);
        const fields = (name: string) => {
          const form = new URLSearchParams({
            _csrf: author.csrf,
            title: 'My own piece',
            body: 'Text.',
            language: 'en',
            version: String(article.version),
          });
          form.append('author', own);
          form.append('author', name);
          return form.toString();
        };
        const headers = (accept?: string) => ({
          cookie: author.cookieHeader(),
          'content-type': 'application/x-www-form-urlencoded',
          ...(accept ? { accept } : {}),
        });
        const saved = await app.inject({
          method: 'POST',
          url: `/admin/articles/${article.id}`,
          headers: headers(),
          payload: fields('Nadia Korvell'),
        });
        assert.equal(saved.statusCode, 400);
        assert.match(saved.body, /ask an editor to credit “Nadia Korvell”/);
        const lowerCase = await app.inject({
          method: 'POST',
          url: `/admin/articles/${article.id}`,
          headers: headers(),
          payload: fields('nadia korvell'),
        });
        assert.equal(lowerCase.statusCode, 400);
        assert.match(lowerCase.body, /ask an editor to credit “Nadia Korvell”/);
        const autosave = await app.inject({
          method: 'POST',
          url: `/admin/articles/${article.id}/autosave`,
          headers: headers('application/json'),
          payload: fields('Nadia Korvell'),
        });
        assert.equal(autosave.statusCode, 400);
        assert.equal((autosave.json() as { details: { field: string }[] }).details[0]?.field, 'authors');
        assert.equal(await t.wiring.store.autosaves.find(article.id, users.get('author')!.id), undefined);
        const stored = (await t.wiring.store.articles.findById(article.id))!;
        assert.deepEqual(stored.authorIds, [await ownPersonOf('author')]);
        assert.equal(stored.version, article.version);
      });

      test('a writer keeps and publishes under whom an editor credited, but not after the editor took them off', async () => {
        const author = await as('author');
        await author.get('/admin/articles/new');
        await author.post('/admin/articles', { title: 'A shared piece', body: 'Text.', language: 'en' });
        const article = (await t.wiring.store.articles.findBySlug('a-shared-piece'))!;
        const own = (await t.wiring.store.people.findById(await ownPersonOf('author')))!.name;
        const editor = await as('editor');
        await editor.get(`/admin/articles/${article.id}`);
        const credit = new URLSearchParams({
          _csrf: editor.csrf,
          title: 'A shared piece',
          body: 'Text.',
          language: 'en',
          version: String(article.version),
        });
        credit.append('author', own);
        credit.append('author', 'Nadia Korvell');
        const credited = await app.inject({
          method: 'POST',
          url: `/admin/articles/${article.id}`,
          headers: { cookie: editor.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
          payload: credit.toString(),
        });
        assert.equal(credited.statusCode, 303, credited.body);
        const withNadia = (await t.wiring.store.articles.findById(article.id))!;
        // The author edits the text, keeping the byline the editor set, and publishes.
        await author.get(`/admin/articles/${article.id}`);
        const keep = new URLSearchParams({
          _csrf: author.csrf,
          title: 'A shared piece',
          body: 'Text, edited.',
          language: 'en',
          version: String(withNadia.version),
        });
        keep.append('author', own);
        keep.append('author', 'Nadia Korvell');
        const kept = await app.inject({
          method: 'POST',
          url: `/admin/articles/${article.id}`,
          headers: { cookie: author.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
          payload: keep.toString(),
        });
        assert.equal(kept.statusCode, 303, kept.body);
        const published = await author.post(`/admin/articles/${article.id}/workflow`, { action: 'publish' });
        assert.equal(published.statusCode, 303, published.body);
        await author.post(`/admin/articles/${article.id}/workflow`, { action: 'unpublish' });
        // The editor takes Nadia off; the author cannot bring her back by restoring a version.
        const current = (await t.wiring.store.articles.findById(article.id))!;
        await editor.get(`/admin/articles/${article.id}`);
        const removed = await editor.post(`/admin/articles/${article.id}`, {
          title: 'A shared piece',
          body: 'Text, edited.',
          language: 'en',
          author: own,
          version: String(current.version),
        });
        assert.equal(removed.statusCode, 303, removed.body);
        const revisions = await t.wiring.store.revisions.list('article', article.id);
        const withHer = revisions.find(
          (r) => ((r.snapshot as { authorIds: number[] }).authorIds ?? []).length > 1,
        )!;
        await author.get(`/admin/articles/${article.id}/revisions`);
        const restore = await author.post(
          `/admin/articles/${article.id}/revisions/${withHer.id}/restore`,
          {},
        );
        assert.equal(restore.statusCode, 400, restore.body);
        assert.match(restore.body, /ask an editor to credit/);
        assert.deepEqual((await t.wiring.store.articles.findById(article.id))!.authorIds, [
          await ownPersonOf('author'),
        ]);
      });

      test('publishing refuses a byline no editor credited, however it was saved; an editor may publish it', async () => {
        const authorId = users.get('author')!.id;
        const ownId = await ownPersonOf('author');
        const nadia = (await t.wiring.store.people.findBySlug('nadia-korvell'))!;
        // A byline saved before writers were limited: the author's own save put Nadia there.
        const { article } = await t.wiring.store.transaction(async (repos) => {
          const { article: draft } = await saveArticleIn(
            repos,
            {
              ...draftOf((await repos.articles.findBySlug('my-own-piece'))!),
              slug: 'an-older-draft',
              title: 'An older draft',
              authorIds: [ownId],
            },
            { actor: String(authorId), now: t.wiring.now(), createdBy: authorId },
          );
          return saveArticleIn(
            repos,
            { ...draftOf(draft), authorIds: [ownId, nadia.id] },
            { actor: String(authorId), now: t.wiring.now(), id: draft.id },
          );
        });
        const author = await as('author');
        await author.get(`/admin/articles/${article.id}`);
        for (const action of ['publish', 'schedule']) {
          const refused = await author.post(`/admin/articles/${article.id}/workflow`, {
            action,
            publish_at: '2027-01-01T08:00',
          });
          assert.equal(refused.statusCode, 400, `${action}: ${refused.statusCode}`);
          assert.match(refused.body, /Nadia Korvell.*was not credited by an editor/);
        }
        assert.equal((await t.wiring.store.articles.findById(article.id))?.status, 'draft');
        const editor = await as('editor');
        await editor.get(`/admin/articles/${article.id}`);
        const published = await editor.post(`/admin/articles/${article.id}/workflow`, { action: 'publish' });
        assert.equal(published.statusCode, 303, published.body);
      });

      test('a writer with no person whose name is an author’s is refused a person; an admin gives them one, never hers', async () => {
        const namesake = await createUser(t.wiring, {
          email: 'namesake@limits.example',
          name: 'Nadia Korvell',
          role: 'author',
          password: TEST_PASSWORD,
        });
        const client = await clientAs(app, t.wiring, namesake, sessionCookieName(t.wiring.siteUrl));
        await client.get('/admin/articles/new');
        const form = { title: 'In my own name', body: 'Text.', language: 'en', author: 'Nadia Korvell' };
        const refused = await client.post('/admin/articles', form);
        assert.equal(refused.statusCode, 400);
        assert.match(refused.body, /reads like the name of Nadia Korvell, an author here already/);
        assert.equal((await t.wiring.store.users.findById(namesake.id))!.personId, null);
        // An admin makes the second Nadia Korvell a page of her own and links the account to it.
        const admin = await as('admin');
        await admin.get('/admin/people/new');
        const made = await admin.post('/admin/people', { name: 'Nadia Korvell', slug: 'nadia-korvell-2' });
        assert.equal(made.statusCode, 303, made.body);
        const second = (await t.wiring.store.people.findBySlug('nadia-korvell-2'))!;
        await admin.get('/admin/users');
        const linked = await admin.post(`/admin/users/${namesake.id}/person`, {
          person_id: String(second.id),
        });
        assert.equal(linked.statusCode, 303);
        const nadia = (await t.wiring.store.people.findBySlug('nadia-korvell'))!;
        const res = await client.post('/admin/articles', form);
        assert.equal(res.statusCode, 303, res.body);
        const article = (await t.wiring.store.articles.findBySlug('in-my-own-name'))!;
        assert.deepEqual(article.authorIds, [second.id]);
        assert.notEqual(second.id, nadia.id);
      });

      test('with two people of one name, an unchanged save keeps the one on the byline; a new choice between them is asked, not guessed', async () => {
        // The namesake writer of the test above has a person of their own called Nadia Korvell.
        const own = (await t.wiring.store.articles.findBySlug('in-my-own-name'))!;
        const namesakeId = own.authorIds[0]!;
        const real = (await t.wiring.store.people.findBySlug('nadia-korvell'))!;
        assert.notEqual(namesakeId, real.id);
        const editor = await as('editor');
        await editor.get(`/admin/articles/${own.id}`);
        // The editor's form names the author as the page shows her: by name.
        const saved = await editor.post(`/admin/articles/${own.id}`, {
          title: own.title,
          body: own.bodyMarkdown,
          language: 'en',
          author: 'Nadia Korvell',
          version: String(own.version),
        });
        assert.equal(saved.statusCode, 303, saved.body);
        assert.deepEqual((await t.wiring.store.articles.findById(own.id))!.authorIds, [namesakeId]);
        // A new article naming her: which one is meant is asked, with each one's address name.
        await editor.get('/admin/articles/new');
        const ambiguous = await editor.post('/admin/articles', {
          title: 'Which Nadia',
          body: 'Text.',
          language: 'en',
          author: 'nadia korvell',
        });
        assert.equal(ambiguous.statusCode, 400);
        assert.match(ambiguous.body, /2 people are called “nadia korvell”/);
        const bySlug = await editor.post('/admin/articles', {
          title: 'This Nadia',
          body: 'Text.',
          language: 'en',
          author: 'nadia-korvell',
        });
        assert.equal(bySlug.statusCode, 303, bySlug.body);
        assert.deepEqual((await t.wiring.store.articles.findBySlug('this-nadia'))!.authorIds, [real.id]);
      });
    });

    describe('terms and people of unpublished work', () => {
      test('writers pick existing terms; only editors add new ones, tags included', async () => {
        const termCount = async () => (await t.wiring.store.taxonomies.listTerms()).length;
        for (const role of ['contributor', 'author'] as const) {
          const client = await as(role);
          const page = await client.get('/admin/articles/new');
          assert.doesNotMatch(page.body, /name="new_terms_tag"/, 'no field to add terms');
          const before = await termCount();
          for (const field of ['new_terms_tag', 'new_terms_region']) {
            const res = await client.post('/admin/articles', {
              title: `A new term from the ${role} ${field}`,
              body: 'Text.',
              language: 'en',
              [field]: 'Embargoed merger',
            });
            assert.equal(res.statusCode, 400, `${role} ${field}`);
            assert.match(res.body, /“Embargoed merger” is not a (tag|region) yet; ask an editor to add it/);
          }
          assert.equal(await termCount(), before);
        }
        const editor = await as('editor');
        await editor.get('/admin/articles/new');
        const res = await editor.post('/admin/articles', {
          title: 'Editor files a tag',
          body: 'Text.',
          language: 'en',
          new_terms_tag: 'Harbour works',
        });
        assert.equal(res.statusCode, 303, res.body);
        const tag = (await t.wiring.store.taxonomies.listTerms()).find((x) => x.name === 'Harbour works');
        assert.ok(tag);
        // A writer may file under the existing tag.
        const author = await as('author');
        await author.get('/admin/articles/new');
        const filed = await author.post('/admin/articles', {
          title: 'Filed under harbour works',
          body: 'Text.',
          language: 'en',
          term: String(tag.id),
        });
        assert.equal(filed.statusCode, 303, filed.body);
      });

      test('no public page shows a term or person that only unpublished articles use, until one is published', async () => {
        // A new writer's first draft makes their person; an editor's draft makes a region,
        // a tag and a person by name. None of them is public while the draft is a draft.
        const newcomer = await createUser(t.wiring, {
          email: 'newcomer@limits.example',
          name: 'Quinn Newcomer',
          role: 'contributor',
          password: TEST_PASSWORD,
        });
        const writer = await clientAs(app, t.wiring, newcomer, sessionCookieName(t.wiring.siteUrl));
        await writer.get('/admin/articles/new');
        assert.equal(
          (
            await writer.post('/admin/articles', {
              title: 'Quiet first draft',
              body: 'Text.',
              language: 'en',
            })
          ).statusCode,
          303,
        );
        const editor = await as('editor');
        await editor.get('/admin/articles/new');
        const drafted = await editor.post('/admin/articles', {
          title: 'The embargoed story',
          body: 'Not yet.',
          language: 'en',
          author: 'Secret Source',
          new_terms_region: 'Atlantis',
          new_terms_tag: 'Embargoed merger',
        });
        assert.equal(drafted.statusCode, 303, drafted.body);
        const story = (await t.wiring.store.articles.findBySlug('the-embargoed-story'))!;
        const secrets = /Atlantis|Embargoed merger|Secret Source|Quinn Newcomer/;
        const hidden = async (when: string) => {
          for (const url of [
            '/region/atlantis',
            '/tag/embargoed-merger',
            '/authors/secret-source',
            '/authors/quinn-newcomer',
            '/region/atlantis/feed.xml',
            '/tag/embargoed-merger/feed.json',
            '/authors/secret-source/feed.atom',
          ]) {
            const res = await app.inject({ method: 'GET', url });
            assert.equal(res.statusCode, 404, `${when}: ${url} answers ${res.statusCode}`);
          }
          for (const url of [
            '/region',
            '/tag',
            '/sitemaps/terms.xml',
            '/sitemaps/authors.xml',
            '/search',
            '/search?q=text',
            '/feed.xml',
          ]) {
            const res = await app.inject({ method: 'GET', url });
            assert.equal(res.statusCode, 200, `${when}: ${url}`);
            assert.doesNotMatch(res.body, secrets, `${when}: ${url} shows an unpublished term or person`);
          }
          for (const url of ['/search?q=text&region=atlantis', '/search?q=text&author=secret-source']) {
            const res = await app.inject({ method: 'GET', url });
            assert.match(res.body, /There is no/, `${when}: ${url}`);
          }
        };
        await hidden('as drafts');

        // Published, they appear everywhere readers look.
        await editor.get(`/admin/articles/${story.id}`);
        const published = await editor.post(`/admin/articles/${story.id}/workflow`, { action: 'publish' });
        assert.equal(published.statusCode, 303, published.body);
        for (const url of ['/region/atlantis', '/tag/embargoed-merger', '/authors/secret-source']) {
          assert.equal((await app.inject({ method: 'GET', url })).statusCode, 200, url);
        }
        assert.match((await app.inject({ method: 'GET', url: '/region' })).body, /Atlantis/);
        assert.match((await app.inject({ method: 'GET', url: '/sitemaps/terms.xml' })).body, /atlantis/);
        assert.match(
          (await app.inject({ method: 'GET', url: '/sitemaps/authors.xml' })).body,
          /secret-source/,
        );
        assert.match((await app.inject({ method: 'GET', url: '/search' })).body, /Atlantis/);
        // The newcomer's own person stays hidden: their draft is still a draft.
        assert.equal((await app.inject({ method: 'GET', url: '/authors/quinn-newcomer' })).statusCode, 404);

        // Unpublished again, they leave with it.
        const current = (await t.wiring.store.articles.findById(story.id))!;
        await editor.get(`/admin/articles/${story.id}`);
        const unpublished = await editor.post(`/admin/articles/${story.id}/workflow`, {
          action: 'unpublish',
          version: String(current.version),
        });
        assert.equal(unpublished.statusCode, 303, unpublished.body);
        await hidden('unpublished');
      });
    });
  });
}
