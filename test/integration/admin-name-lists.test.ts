import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { type CompiledQuery, sql } from 'kysely';
import { buildApp } from '../../src/app.ts';
import type { NameListSort } from '../../src/domain/ports/admin-list-store.ts';
import type { Role, User } from '../../src/domain/user.ts';
import { listPagesPage } from '../../src/services/newsroom/page-admin.ts';
import { listTermsPage } from '../../src/services/newsroom/taxonomy-admin.ts';
import { addTerm } from '../../src/services/testing/fixtures.ts';
import { adminListQueries } from '../../src/storage/admin-list-repository.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

/** Region names: mixed case, a shared beginning, LIKE's wildcards, and two to a timestamp. */
const REGIONS = ['Europe', 'europa', 'Eastern Europe', 'Asia', '100% Africa', 'A_frica', 'Oceania', 'Arctic'];

function listedNames(body: string, label: string): string[] {
  return [
    ...body.matchAll(
      new RegExp(`<td data-label="${label}"><a href="/admin/(?:terms|pages)/\\d+"[^>]*>([^<]+)</a>`, 'g'),
    ),
  ].map((m) => (m[1] ?? '').replaceAll('&amp;', '&'));
}

function nextLink(body: string): string | undefined {
  return /<a href="([^"]+)" rel="next">/.exec(body)?.[1]?.replaceAll('&amp;', '&');
}

for (const kind of DATABASE_KINDS) {
  describe(`the newsroom’s term and page lists and pickers on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    const users = new Map<Role, User>();
    const as = (role: Role): Promise<AdminClient> =>
      clientAs(app, t.wiring, users.get(role)!, sessionCookieName(t.wiring.siteUrl));
    const ids = new Map<string, number>();
    let regionId = 0;

    before(async () => {
      t = await createTestWiring(kind);
      app = await buildApp(t.wiring, { shouldLog: false });
      for (const role of ['contributor', 'editor'] as const) {
        users.set(role, await makeUser(t.wiring, role, `${role}@names.example`));
      }
      const taxonomies = new Map(
        (await t.wiring.store.taxonomies.listTaxonomies()).map((x) => [x.slug, x.id]),
      );
      regionId = taxonomies.get('region')!;
      for (const [i, name] of REGIONS.entries()) {
        t.setNow(new Date(Date.UTC(2026, 10, 1, Math.floor(i / 2))));
        const slug = name
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-|-$/g, '');
        const id = await t.wiring.store.transaction((repos) =>
          addTerm(repos, { taxonomyId: regionId, slug, name }),
        );
        ids.set(name, id);
      }
      // A tag called like a region: the article list's term picker must tell them apart.
      ids.set(
        'tag Europe',
        await t.wiring.store.transaction((repos) =>
          addTerm(repos, { taxonomyId: taxonomies.get('tag')!, slug: 'europe', name: 'Europe' }),
        ),
      );
      for (const [i, title] of ['About us', 'about the data', 'Membership', 'Contact'].entries()) {
        await t.wiring.store.pages.insert({
          slug: title.toLowerCase().replace(/\s+/g, '-'),
          title,
          bodyMarkdown: 'Text.',
          bodyHtml: '<p>Text.</p>',
          status: 'published',
          showInNavigation: i % 2 === 0,
          position: 4 - i,
          createdAt: '2026-01-01T00:00:00.000Z',
          updatedAt: `2026-01-0${1 + Math.floor(i / 2)}T00:00:00.000Z`,
        });
      }
      for (const [slug, name] of [
        ['ana-reis', 'Ana Reis'],
        ['ana-reis-2', 'Ana Reis'],
        ['anabel-ortiz', 'Anabel Ortiz'],
      ] as const) {
        await t.wiring.store.people.insert({
          slug,
          name,
          bio: null,
          bioHtml: null,
          email: null,
          website: null,
          links: [],
          photo: null,
          createdAt: '2026-01-01T00:00:00.000Z',
          updatedAt: '2026-01-01T00:00:00.000Z',
        });
      }
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    it('pages through every term by keyset in each order, each once, in that order', async () => {
      const editor = users.get('editor')!;
      for (const sort of ['position', 'name', 'updated'] as NameListSort[]) {
        const seen: string[] = [];
        let cursor: { key: string; id: number } | undefined;
        for (let page = 0; page < 10; page++) {
          const result = await listTermsPage(
            t.wiring,
            editor,
            'region',
            { sort, ...(cursor ? { after: cursor } : {}) },
            { pageSize: 3 },
          );
          seen.push(...result.rows.map((r) => r.name));
          if (!result.next) break;
          cursor = result.next;
        }
        assert.equal(seen.length, REGIONS.length, sort);
        assert.equal(new Set(seen).size, REGIONS.length, sort);
        if (sort === 'name') {
          assert.deepEqual(
            seen,
            [...REGIONS].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)),
          );
        }
        if (sort === 'updated') assert.deepEqual(seen.slice(-2).sort(), ['Europe', 'europa'].sort());
      }
    });

    it('searches names by their beginning, case aside, with % and _ as written, and follows “next page”', async () => {
      const editor = await as('editor');
      const names = async (query: string) =>
        listedNames((await editor.get(`/admin/taxonomies/region?${query}`)).body, 'Name');
      assert.deepEqual(await names('q=EUR&sort=name'), ['europa', 'Europe']);
      assert.deepEqual(await names('q=eastern%20eu'), ['Eastern Europe']);
      assert.deepEqual(await names('q=100%25'), ['100% Africa']);
      assert.deepEqual(await names('q=A_'), ['A_frica']);
      assert.deepEqual(await names('q=rope'), []);
      const first = await editor.get('/admin/taxonomies/region?sort=name');
      assert.equal(listedNames(first.body, 'Name').length, REGIONS.length);
      assert.equal(nextLink(first.body), undefined);
      // The order buttons belong to the site order only.
      assert.doesNotMatch(first.body, /\/move"/);
      assert.match((await editor.get('/admin/taxonomies/region')).body, /\/move"/);
    });

    it('refuses a wrong order or page with a 400 naming the field, and contributors altogether', async () => {
      const editor = await as('editor');
      for (const [url, prefix, label] of [
        ['/admin/taxonomies/region?sort=size', 'terms', 'Name'],
        ['/admin/pages?sort=size', 'pages', 'Title'],
      ] as const) {
        const response = await editor.get(url);
        assert.equal(response.statusCode, 400, url);
        assert.match(
          response.body,
          new RegExp(
            `id="${prefix}-sort" name="sort" aria-invalid="true" aria-describedby="${prefix}-sort-error"`,
          ),
          url,
        );
        assert.match(
          response.body,
          new RegExp(
            `<p class="field-error" id="${prefix}-sort-error">Must be one of position, name, updated`,
          ),
          url,
        );
        assert.ok(listedNames(response.body, label).length > 0, `${url}: the list is still shown`);
      }
      const badCursor = await editor.get('/admin/taxonomies/region?after=xyz');
      assert.equal(badCursor.statusCode, 400);
      assert.match(badCursor.body, /Page: Is not a page of this list/);
      assert.deepEqual(
        listedNames(badCursor.body, 'Name'),
        listedNames((await editor.get('/admin/taxonomies/region')).body, 'Name'),
        'the first page instead',
      );
      for (const [twice, once, label] of [
        ['/admin/taxonomies/region?q=a&q=e', '/admin/taxonomies/region?q=e', 'Name'],
        ['/admin/pages?sort=name&sort=name', '/admin/pages?sort=name', 'Title'],
      ] as const) {
        const response = await editor.get(twice);
        assert.equal(response.statusCode, 200, twice);
        assert.deepEqual(
          listedNames(response.body, label),
          listedNames((await editor.get(once)).body, label),
          twice,
        );
      }
      for (const [url, prefix, label] of [
        ['/admin/taxonomies/region?q=%00', 'terms', 'Name'],
        ['/admin/pages?q=%00', 'pages', 'Title'],
      ] as const) {
        const response = await editor.get(url);
        assert.equal(response.statusCode, 400, url);
        assert.match(
          response.body,
          new RegExp(`<p class="field-error" id="${prefix}-q-error">Contains a NUL`),
          url,
        );
        assert.ok(listedNames(response.body, label).length > 0, `${url}: the list is still shown`);
      }
      const contributor = await as('contributor');
      assert.equal((await contributor.get('/admin/taxonomies/region')).statusCode, 403);
      assert.equal((await contributor.get('/admin/pages')).statusCode, 403);
    });

    it('pages, searches and sorts the pages list', async () => {
      const editor = users.get('editor')!;
      const positions: string[] = [];
      let cursor: { key: string; id: number } | undefined;
      for (let page = 0; page < 5; page++) {
        const result = await listPagesPage(
          t.wiring,
          editor,
          { sort: 'position', ...(cursor ? { after: cursor } : {}) },
          { pageSize: 3 },
        );
        positions.push(...result.rows.map((r) => r.title));
        if (!result.next) break;
        cursor = result.next;
      }
      assert.deepEqual(positions, ['Contact', 'Membership', 'about the data', 'About us']);
      const client = await as('editor');
      assert.deepEqual(listedNames((await client.get('/admin/pages?q=ABOUT&sort=name')).body, 'Title'), [
        'about the data',
        'About us',
      ]);
      assert.deepEqual(listedNames((await client.get('/admin/pages?sort=updated')).body, 'Title'), [
        'Contact',
        'Membership',
        'about the data',
        'About us',
      ]);
    });

    it('suggests people and terms by the beginning of their name first, telling namesakes apart', async () => {
      const contributor = await as('contributor');
      const suggest = async (url: string) =>
        ((await contributor.get(url)).json() as { suggestions: { value: string; label: string }[] })
          .suggestions;
      assert.deepEqual(await suggest('/admin/suggest/people?q=ana'), [
        { value: 'ana-reis', label: 'Ana Reis' },
        { value: 'ana-reis-2', label: 'Ana Reis' },
        { value: 'Anabel Ortiz', label: 'anabel-ortiz' },
      ]);
      assert.deepEqual(await suggest('/admin/suggest/terms?q=eu'), [
        { value: 'europa', label: 'Region' },
        { value: 'region/europe', label: 'Region' },
        { value: 'tag/europe', label: 'Tag' },
        // After the names that begin with it, those that hold it further in.
        { value: 'Eastern Europe', label: 'Region' },
      ]);
      assert.deepEqual(await suggest('/admin/suggest/terms?q=eu&taxonomy=region'), [
        { value: 'europa', label: 'europa' },
        { value: 'Europe', label: 'europe' },
        { value: 'Eastern Europe', label: 'eastern-europe' },
      ]);
      assert.deepEqual(await suggest('/admin/suggest/terms?q=tag/eu'), [
        { value: 'tag/europe', label: 'Tag' },
      ]);
      assert.deepEqual(await suggest('/admin/suggest/people?q='), []);
    });

    it('filters the article list by a typed name, and names the choices when it is shared', async () => {
      const editor = await as('editor');
      const shared = await editor.get('/admin/articles?term=Europe');
      assert.equal(shared.statusCode, 400);
      assert.match(
        shared.body,
        /id="list-term-error">“Europe” names 2 terms: write one of region\/europe, tag\/europe/,
      );
      const namesake = await editor.get('/admin/articles?author=Ana%20Reis');
      assert.equal(namesake.statusCode, 400);
      assert.match(namesake.body, /ana-reis, ana-reis-2/);
      const chosen = await editor.get('/admin/articles?term=tag%2Feurope&author=ana-reis-2');
      assert.equal(chosen.statusCode, 200);
      assert.match(chosen.body, /id="list-term" name="term" type="text" value="tag\/europe"/);
      assert.match(chosen.body, /id="list-author" name="author" type="text" value="ana-reis-2"/);
      const named = await editor.get('/admin/articles?term=EUROPA');
      assert.match(named.body, /id="list-term" name="term" type="text" value="europa"/);
    });

    it('sets a parent and merges by a typed name, refusing unknown names and cycles by field', async () => {
      const editor = await as('editor');
      const eastern = ids.get('Eastern Europe')!;
      await editor.get(`/admin/terms/${eastern}`);
      const saved = await editor.post(`/admin/terms/${eastern}`, {
        name: 'Eastern Europe',
        slug: '',
        parent: 'europe',
      });
      assert.equal(saved.statusCode, 303);
      assert.equal((await t.wiring.store.taxonomies.findTermById(eastern))?.parentId, ids.get('Europe'));
      const unknown = await editor.post(`/admin/terms/${eastern}`, {
        name: 'Eastern Europe',
        parent: 'Atlantis',
      });
      assert.equal(unknown.statusCode, 400);
      assert.match(unknown.body, /no region is called “Atlantis”/i);
      assert.match(unknown.body, /id="field-parent"[^>]*value="Atlantis"/);
      const europe = ids.get('Europe')!;
      await editor.get(`/admin/terms/${europe}`);
      const cycle = await editor.post(`/admin/terms/${europe}`, { name: 'Europe', parent: 'Eastern Europe' });
      assert.equal(cycle.statusCode, 400);
      assert.equal((await t.wiring.store.taxonomies.findTermById(europe))?.parentId, null);
      const page = await editor.get(`/admin/terms/${eastern}`);
      assert.match(page.body, /id="field-parent"[^>]*value="europe"/);
      assert.doesNotMatch(page.body, /<option value="\d+"/);
      const arctic = ids.get('Arctic')!;
      const merged = await editor.post(`/admin/terms/${arctic}/merge`, { into: 'oceania', confirmed: '1' });
      assert.equal(merged.statusCode, 303);
      assert.equal(await t.wiring.store.taxonomies.findTermById(arctic), undefined);
      const nowhere = await editor.post(`/admin/terms/${ids.get('Asia')}/merge`, {
        into: 'Europe ',
        confirmed: '1',
      });
      assert.equal(nowhere.statusCode, 303, 'a name within the taxonomy is not shared with the tag');
    });

    it('reads each list page and suggestion from an index range, with no sort and no full scan', async () => {
      const db = t.wiring.database.db;
      const queries = adminListQueries(kind);
      const cursor = { key: 'e', id: 3 };
      const cases: [string, CompiledQuery][] = [];
      for (const sort of ['position', 'name', 'updated'] as NameListSort[]) {
        const position = sort === 'position' ? { key: '2', id: 3 } : cursor;
        // A search is always listed by name (parseNameListQuery): one range of the name index.
        for (const text of sort === 'name' ? [undefined, 'eu'] : [undefined]) {
          const base = { sort, limit: 51, after: position, ...(text ? { text } : {}) };
          cases.push([`terms ${sort} ${text}`, queries.terms({ ...base, taxonomyId: regionId }).compile(db)]);
          cases.push([`pages ${sort} ${text}`, queries.pages(base).compile(db)]);
        }
      }
      cases.push(['suggest people', queries.suggestPeople('an', 10).compile(db)]);
      cases.push(['suggest terms', queries.suggestTerms('eu', regionId, 10).compile(db)]);
      cases.push(['people called', queries.peopleCalled('Ana Reis', 'ana reis').compile(db)]);
      cases.push(['terms called', queries.termsCalled('Europe', 'europe', regionId).compile(db)]);
      for (const [label, compiled] of cases) {
        const plan = await db.connection().execute(async (conn) => {
          if (kind === 'sqlite') {
            const rows = await conn.executeQuery<{ detail: string }>({
              ...compiled,
              sql: `EXPLAIN QUERY PLAN ${compiled.sql}`,
            });
            return rows.rows.map((r) => r.detail);
          }
          // The test tables are tiny: without these the planner would rightly read them whole,
          // and without statistics it takes any index on the taxonomy as good as another.
          await sql`ANALYZE terms, pages, people`.execute(conn);
          await sql`SET enable_seqscan = off`.execute(conn);
          await sql`SET enable_sort = off`.execute(conn);
          try {
            const rows = await conn.executeQuery<{ 'QUERY PLAN': string }>({
              ...compiled,
              sql: `EXPLAIN ${compiled.sql}`,
            });
            return rows.rows.map((r) => r['QUERY PLAN']);
          } finally {
            await sql`RESET enable_seqscan`.execute(conn);
            await sql`RESET enable_sort`.execute(conn);
          }
        });
        const text = plan.join('\n');
        assert.doesNotMatch(text, /TEMP B-TREE|\bSort\b|Seq Scan/, `${label}:\n${text}`);
        // Every condition is answered by the index, none by reading rows to test them.
        assert.doesNotMatch(text, /Filter:/, `${label}:\n${text}`);
        assert.doesNotMatch(text, /^SCAN (terms|pages|people)$/m, `${label}:\n${text}`);
        assert.match(
          text,
          /_admin_|_pkey|sqlite_autoindex|terms_taxonomy_slug_unique|people_slug/,
          `${label}:\n${text}`,
        );
      }
    });
  });
}
