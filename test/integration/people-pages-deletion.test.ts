// Deleting people and pages, one at a time and in bulk from their lists, on SQLite and (when
// TEST_DATABASE_URL is set) PostgreSQL: the refusals, the revision and audit entry each deletion
// keeps, what the old address answers, the navigation, the confirmation pages and their CSRF.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { Role, User } from '../../src/domain/user.ts';
import { isAppError } from '../../src/errors.ts';
import { deleteArticle } from '../../src/services/newsroom/deletion.ts';
import { deletePage, savePage } from '../../src/services/newsroom/page-admin.ts';
import { deletePerson, type PersonInput, savePerson } from '../../src/services/newsroom/people-admin.ts';
import { linkPerson } from '../../src/services/users.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addArticle } from '../helpers/discovery-fixtures.ts';

const hasCode = (code: string) => (error: unknown) => isAppError(error) && error.code === code;

function personInput(name: string, slug: string): PersonInput {
  return { name, slug, bio: '', email: '', website: '', links: [], photo: '' };
}

function pageInput(title: string, slug: string, options: { isPublished?: boolean; inNav?: boolean } = {}) {
  return {
    title,
    slug,
    bodyMarkdown: `About ${title}.`,
    status: options.isPublished === false ? ('draft' as const) : ('published' as const),
    showInNavigation: options.inNav ?? false,
    position: 0,
  };
}

for (const kind of DATABASE_KINDS) {
  describe(`deleting people and pages on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    const users = new Map<Role, User>();
    const as = (role: Role): Promise<AdminClient> =>
      clientAs(app, t.wiring, users.get(role)!, sessionCookieName(t.wiring.siteUrl));
    const staff = (role: Role) => users.get(role)!;
    const get = (url: string) => app.inject({ method: 'GET', url });
    /** A form with repeated fields ("id" once per ticked row), as a browser sends it. */
    const postForm = (client: AdminClient, url: string, fields: [string, string][]) =>
      app.inject({
        method: 'POST',
        url,
        headers: { cookie: client.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams([['_csrf', client.csrf], ...fields]).toString(),
      });

    before(async () => {
      t = await createTestWiring(kind);
      app = await buildApp(t.wiring, { shouldLog: false });
      for (const role of ['contributor', 'author', 'editor', 'admin'] as const) {
        users.set(role, await makeUser(t.wiring, role, `${role}@people-pages.example`));
      }
      // Nadia has a published article, hence an author page a deleted person's may lead to.
      await addArticle(t.wiring, {
        slug: 'estuary-notes',
        title: 'Estuary notes',
        body: 'Text.',
        publishedAt: '2026-11-02T08:00:00.000Z',
        authors: ['Nadia Korvell'],
      });
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    test('a person on a byline, even of a deleted article, is not deleted, and the refusal names the article', async () => {
      const id = await addArticle(t.wiring, {
        slug: 'tide-tables',
        title: 'Tide tables',
        body: 'Text.',
        publishedAt: '2026-11-03T08:00:00.000Z',
        authors: ['Ilse Marten'],
      });
      const ilse = (await t.wiring.store.people.findBySlug('ilse-marten'))!;
      await assert.rejects(
        deletePerson(t.wiring, staff('editor'), { personId: ilse.id }),
        (error: unknown) => hasCode('PERSON_IN_USE')(error) && /“Tide tables”/.test((error as Error).message),
      );
      await deleteArticle(t.wiring, staff('editor'), { articleId: id });
      await assert.rejects(
        deletePerson(t.wiring, staff('editor'), { personId: ilse.id }),
        hasCode('PERSON_IN_USE'),
      );
      assert.ok(await t.wiring.store.people.findById(ilse.id));

      const editor = await as('editor');
      const confirm = await editor.get(`/admin/people/${ilse.id}/delete`);
      assert.equal(confirm.statusCode, 409);
      assert.match(confirm.body, /Ilse Marten is on the byline of “Tide tables”/);
      assert.doesNotMatch(confirm.body, /<button type="submit" class="danger">/);
      const sent = await editor.post(`/admin/people/${ilse.id}/delete`, {});
      assert.equal(sent.statusCode, 409);
      assert.match(sent.body, /take them off that byline first/);
    });

    test('a person linked to a staff account is not deleted, and the refusal names the account', async () => {
      const person = await savePerson(t.wiring, staff('editor'), personInput('Oren Vale', 'oren-vale'));
      const writer = await makeUser(t.wiring, 'author', 'oren@people-pages.example');
      await linkPerson(t.wiring, staff('admin'), { userId: writer.id, personId: person.id });
      await assert.rejects(
        deletePerson(t.wiring, staff('editor'), { personId: person.id }),
        (error: unknown) =>
          hasCode('PERSON_IN_USE')(error) && /oren@people-pages\.example/.test((error as Error).message),
      );
    });

    test('deleting a person keeps a revision and an audit entry, and their author page answers 410 or 301', async () => {
      const gone = await savePerson(t.wiring, staff('editor'), personInput('Gus Hale', 'gus-hale'));
      const moved = await savePerson(t.wiring, staff('editor'), personInput('Mia Hale', 'mia-hale'));
      const editor = await as('editor');
      assert.equal((await editor.get(`/admin/people/${gone.id}/delete`)).statusCode, 200);
      const refusedCsrf = await editor.post(`/admin/people/${gone.id}/delete`, { _csrf: null });
      assert.equal(refusedCsrf.statusCode, 403);
      const author = await as('author');
      assert.equal((await author.post(`/admin/people/${gone.id}/delete`, {})).statusCode, 403);

      const deleted = await editor.post(`/admin/people/${gone.id}/delete`, {});
      assert.equal(deleted.statusCode, 303);
      assert.equal(deleted.headers.location, '/admin/people?notice=deleted');
      assert.equal(await t.wiring.store.people.findById(gone.id), undefined);
      assert.equal((await get('/authors/gus-hale')).statusCode, 410);
      const [revision] = await t.wiring.store.revisions.listSummaries('person', gone.id);
      assert.match(revision?.note ?? '', /^Deleted; \/authors\/gus-hale answers 410 Gone$/);
      const [audit] = await t.wiring.store.audit.list({ limit: 1 });
      assert.equal(audit?.action, 'person.delete');
      assert.equal(audit?.actorUserId, staff('editor').id);

      const self = await editor.post(`/admin/people/${moved.id}/delete`, { replacement: 'mia-hale' });
      assert.equal(self.statusCode, 400);
      assert.match(self.body, /must be someone other than Mia Hale/i);
      const nobody = await editor.post(`/admin/people/${moved.id}/delete`, { replacement: 'No Such Person' });
      assert.equal(nobody.statusCode, 400);
      assert.match(nobody.body, /no person is called “No Such Person”/i);
      const replaced = await editor.post(`/admin/people/${moved.id}/delete`, {
        replacement: 'Nadia Korvell',
      });
      assert.equal(replaced.statusCode, 303);
      const old = await get('/authors/mia-hale');
      assert.equal(old.statusCode, 301);
      assert.equal(old.headers.location, '/authors/nadia-korvell');
    });

    test('deleting a published page leaves 410 or a redirect and a revision; a draft changes no address', async () => {
      const about = await savePage(
        t.wiring,
        staff('editor'),
        pageInput('About us', 'about-us', { inNav: true }),
      );
      const join = await savePage(t.wiring, staff('editor'), pageInput('Join', 'join'));
      const draft = await savePage(
        t.wiring,
        staff('editor'),
        pageInput('Draft', 'draft-page', { isPublished: false }),
      );
      assert.equal((await get('/about-us')).statusCode, 200);
      assert.match((await get('/join')).body, /href="\/about-us"/);

      const editor = await as('editor');
      const confirm = await editor.get(`/admin/pages/${about.id}/delete`);
      assert.equal(confirm.statusCode, 200);
      assert.match(confirm.body, /<code>\/about-us<\/code> will answer <strong>410 Gone<\/strong>/);
      const contributor = await as('contributor');
      assert.equal((await contributor.post(`/admin/pages/${about.id}/delete`, {})).statusCode, 403);
      assert.equal((await editor.post(`/admin/pages/${about.id}/delete`, { _csrf: null })).statusCode, 403);
      const deleted = await editor.post(`/admin/pages/${about.id}/delete`, {});
      assert.equal(deleted.statusCode, 303);
      assert.equal((await get('/about-us')).statusCode, 410);
      assert.doesNotMatch((await get('/join')).body, /href="\/about-us"/);
      const [revision] = await t.wiring.store.revisions.listSummaries('page', about.id);
      assert.equal(revision?.note, 'Deleted (was published); /about-us answers 410 Gone');
      const [audit] = await t.wiring.store.audit.list({ limit: 1 });
      assert.equal(audit?.action, 'page.delete');

      const own = await editor.post(`/admin/pages/${join.id}/delete`, { redirect_to: '/join' });
      assert.equal(own.statusCode, 400);
      assert.match(own.body, /must be another address than the page’s own/i);
      await deletePage(t.wiring, staff('editor'), { pageId: join.id, redirectTo: '/articles' });
      const old = await get('/join');
      assert.equal(old.statusCode, 301);
      assert.equal(old.headers.location, '/articles');

      const { address } = await deletePage(t.wiring, staff('editor'), { pageId: draft.id });
      assert.deepEqual(address, { kind: 'none' });
      assert.equal((await get('/draft-page')).statusCode, 404);
    });

    test('bulk show and hide on the pages list change the navigation, keep revisions, and list each outcome', async () => {
      const a = await savePage(t.wiring, staff('editor'), pageInput('Masthead', 'masthead'));
      const b = await savePage(t.wiring, staff('editor'), pageInput('Ethics', 'ethics', { inNav: true }));
      const editor = await as('editor');
      const list = await editor.get('/admin/pages?q=e&sort=name');
      assert.match(list.body, /<input type="hidden" name="list" value="q=e&amp;sort=name">/);
      const shown = await postForm(editor, '/admin/pages/bulk', [
        ['action', 'show'],
        ['id', String(a.id)],
        ['id', String(b.id)],
        ['list', 'q=e&sort=name&evil=1'],
      ]);
      assert.equal(shown.statusCode, 200);
      assert.match(shown.body, /Shown in the navigation: 2 done, 0 refused\./);
      assert.match(shown.body, /it was in the navigation already/);
      assert.match(shown.body, /href="\/admin\/pages\?q=e&amp;sort=name">← Back to the pages/);
      assert.equal((await t.wiring.store.pages.findById(a.id))?.showInNavigation, true);
      const [revision] = await t.wiring.store.revisions.listSummaries('page', a.id);
      assert.equal(revision?.note, 'Shown in the navigation');
      assert.match((await get('/')).body, /href="\/masthead"/);

      const hidden = await postForm(editor, '/admin/pages/bulk', [
        ['action', 'hide'],
        ['id', String(a.id)],
        ['id', '999999'],
      ]);
      assert.match(hidden.body, /Hidden from the navigation: 1 done, 1 refused\./);
      assert.match(hidden.body, /No page with id 999999/);
      assert.doesNotMatch((await get('/')).body, /href="\/masthead"/);

      const author = await as('author');
      assert.equal(
        (
          await postForm(author, '/admin/pages/bulk', [
            ['action', 'hide'],
            ['id', String(b.id)],
          ])
        ).statusCode,
        403,
      );
      const noToken = await app.inject({
        method: 'POST',
        url: '/admin/pages/bulk',
        headers: { cookie: editor.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: `action=hide&id=${b.id}`,
      });
      assert.equal(noToken.statusCode, 403);
      const none = await postForm(editor, '/admin/pages/bulk', [
        ['action', 'hide'],
        ['list', 'q=e'],
      ]);
      assert.equal(none.statusCode, 303);
      assert.equal(none.headers.location, '/admin/pages?q=e&notice=bulk-none');
    });

    test('bulk delete on the pages list asks first, then deletes each page on its own', async () => {
      const a = await savePage(t.wiring, staff('editor'), pageInput('Old fund', 'old-fund'));
      const b = await savePage(
        t.wiring,
        staff('editor'),
        pageInput('Old plan', 'old-plan', { isPublished: false }),
      );
      const editor = await as('editor');
      await editor.get('/admin/pages');
      const ask = await postForm(editor, '/admin/pages/bulk', [
        ['action', 'delete'],
        ['id', String(a.id)],
        ['id', String(b.id)],
      ]);
      assert.equal(ask.statusCode, 200);
      assert.match(ask.body, /Delete these 2 pages\?/);
      assert.match(ask.body, /name="confirmed" value="1"/);
      assert.ok(await t.wiring.store.pages.findById(a.id), 'nothing is deleted before the confirmation');
      const done = await postForm(editor, '/admin/pages/bulk', [
        ['action', 'delete'],
        ['confirmed', '1'],
        ['id', String(a.id)],
        ['id', String(b.id)],
      ]);
      assert.equal(done.statusCode, 200);
      assert.match(done.body, /Deleted: 2 done, 0 refused\./);
      assert.match(done.body, /\/old-fund answers 410 Gone/);
      assert.match(done.body, /it was a draft: no address changed/);
      assert.equal((await get('/old-fund')).statusCode, 410);
      assert.equal(await t.wiring.store.pages.findById(b.id), undefined);
    });

    test('bulk delete on the people list deletes those it may and says why it refused the others', async () => {
      const free = await savePerson(t.wiring, staff('editor'), personInput('Free Lance', 'free-lance'));
      const nadia = (await t.wiring.store.people.findBySlug('nadia-korvell'))!;
      const editor = await as('editor');
      const list = await editor.get('/admin/people?q=a');
      assert.match(list.body, /form="people-bulk" aria-label="Select “Free Lance”"/);
      const ask = await postForm(editor, '/admin/people/bulk', [
        ['action', 'delete'],
        ['id', String(free.id)],
        ['id', String(nadia.id)],
        ['list', 'q=a'],
      ]);
      assert.equal(ask.statusCode, 200);
      assert.match(ask.body, /Will be refused: Nadia Korvell is on the byline of “Estuary notes”/);
      assert.match(ask.body, /Delete the 1 who can be/);
      const done = await postForm(editor, '/admin/people/bulk', [
        ['action', 'delete'],
        ['confirmed', '1'],
        ['id', String(free.id)],
        ['id', String(nadia.id)],
        ['list', 'q=a'],
      ]);
      assert.equal(done.statusCode, 200);
      assert.match(done.body, /Deleted: 1 done, 1 refused\./);
      assert.match(done.body, /<strong>Refused:<\/strong> Nadia Korvell is on the byline/);
      assert.match(done.body, /href="\/admin\/people\?q=a">← Back to the people/);
      assert.equal(await t.wiring.store.people.findById(free.id), undefined);
      assert.ok(await t.wiring.store.people.findById(nadia.id));
      assert.equal((await get('/authors/free-lance')).statusCode, 410);
      assert.equal((await get('/authors/nadia-korvell')).statusCode, 200);
      const author = await as('author');
      assert.equal(
        (
          await postForm(author, '/admin/people/bulk', [
            ['action', 'delete'],
            ['id', String(nadia.id)],
          ])
        ).statusCode,
        403,
      );
    });
  });
}
