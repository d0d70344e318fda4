import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isAppError } from '../../src/errors.ts';
import {
  blankArticleInput,
  createArticle,
  inputOf,
  updateArticle,
} from '../../src/services/newsroom/editor.ts';
import { savePerson } from '../../src/services/newsroom/people-admin.ts';
import { compareRevisions, listArticleRevisions } from '../../src/services/newsroom/revisions.ts';
import type { Staff } from '../../src/services/newsroom/staff.ts';
import { createTerm } from '../../src/services/newsroom/taxonomy-admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addStaff } from '../helpers/newsroom.ts';

function hasCode(code: string) {
  return (error: unknown) => isAppError(error) && error.code === code;
}

function draftInput(title: string, slug = '') {
  return { ...blankArticleInput('en'), title, slug, bodyMarkdown: 'A paragraph.\n' };
}

for (const kind of DATABASE_KINDS) {
  describe(`newsroom review findings on ${kind}`, () => {
    let t: TestWiring;
    let editor: Staff;

    before(async () => {
      t = await createTestWiring(kind);
      editor = await addStaff(t.wiring, 'editor', 'Edna Editor');
    });
    after(async () => t.cleanup());

    it('gives a new article titled like another the next free slug, and refuses a typed slug that is taken', async () => {
      const ctx = t.wiring;
      const first = await createArticle(ctx, editor, draftInput('Tidal power'));
      const second = await createArticle(ctx, editor, draftInput('Tidal power'));
      const third = await createArticle(ctx, editor, draftInput('Tidal Power!'));
      assert.deepEqual(
        [first.slug, second.slug, third.slug],
        ['tidal-power', 'tidal-power-2', 'tidal-power-3'],
      );
      await assert.rejects(
        createArticle(ctx, editor, draftInput('Another title', 'tidal-power-2')),
        hasCode('SLUG_TAKEN'),
      );
      const reserved = await createArticle(ctx, editor, draftInput('Search'));
      assert.equal(reserved.slug, 'search-2', 'a slug a route reserves counts as taken');
    });

    it('keeps another article’s old address from a new article, typed or made from the title', async () => {
      const ctx = t.wiring;
      const moved = await createArticle(ctx, editor, draftInput('Harbour fees'));
      const renamed = await updateArticle(ctx, editor, {
        id: moved.id,
        expectedVersion: moved.version,
        article: { ...draftInput('Harbour fees', 'harbour-charges') },
      });
      assert.equal(renamed.slug, 'harbour-charges');
      assert.equal(
        (await ctx.store.redirects.find('/articles/harbour-fees'))?.toPath,
        '/articles/harbour-charges',
      );
      await assert.rejects(
        createArticle(ctx, editor, draftInput('Another title', 'harbour-fees')),
        (error) => {
          assert.ok(isAppError(error) && error.code === 'VALIDATION_FAILED');
          assert.deepEqual(error.details, [
            { field: 'slug', message: 'is the old address of “Harbour fees”; choose another' },
          ]);
          return true;
        },
      );
      const namesake = await createArticle(ctx, editor, draftInput('Harbour fees'));
      assert.equal(namesake.slug, 'harbour-fees-2', 'the old address is skipped as taken');
      assert.equal(
        (await ctx.store.redirects.find('/articles/harbour-fees'))?.toPath,
        '/articles/harbour-charges',
        'the redirect still leads to the article that moved',
      );
    });

    it('gives articles with the same title saved at once each their own slug', async () => {
      const ctx = t.wiring;
      const saved = await Promise.all(
        Array.from({ length: 4 }, () => createArticle(ctx, editor, draftInput('Salt marsh budget'))),
      );
      assert.deepEqual(saved.map((a) => a.slug).sort(), [
        'salt-marsh-budget',
        'salt-marsh-budget-2',
        'salt-marsh-budget-3',
        'salt-marsh-budget-4',
      ]);
      const titles = await Promise.all(saved.map((a) => ctx.store.articles.findById(a.id)));
      assert.ok(titles.every((a) => a?.title === 'Salt marsh budget'));
    });

    it('keeps no new version when only the order of the terms changed, but counts a new byline order', async () => {
      const ctx = t.wiring;
      const theme = (await ctx.store.taxonomies.listTaxonomies()).find((x) => x.slug === 'theme');
      assert.ok(theme);
      const term = (name: string) =>
        createTerm(ctx, editor, { taxonomyId: theme.id, name, slug: '', description: '', parentId: null });
      const [tides, salt] = [await term('Tides'), await term('Salinity')];
      const article = await createArticle(ctx, editor, {
        ...draftInput('Terms in another order'),
        termIds: [tides.id, salt.id],
      });
      const reordered = await updateArticle(ctx, editor, {
        id: article.id,
        expectedVersion: article.version,
        article: { ...inputOf(article), termIds: [salt.id, tides.id] },
      });
      assert.equal(reordered.version, article.version, 'nothing was saved');
      assert.equal((await listArticleRevisions(ctx, article.id)).length, 1);
      const unchanged = await updateArticle(ctx, editor, {
        id: article.id,
        expectedVersion: article.version,
        article: inputOf(article),
      });
      assert.equal(unchanged.version, article.version, 'a save of nothing new keeps no version either');

      const person = async (name: string) =>
        (
          await savePerson(ctx, editor, {
            name,
            slug: '',
            bio: '',
            email: '',
            website: '',
            links: [],
            photo: '',
          })
        ).id;
      const [ada, ben] = [await person('Ada Byline'), await person('Ben Byline')];
      const credited = await updateArticle(ctx, editor, {
        id: article.id,
        expectedVersion: article.version,
        article: { ...inputOf(article), authorIds: [ada, ben] },
      });
      const swapped = await updateArticle(ctx, editor, {
        id: article.id,
        expectedVersion: credited.version,
        article: { ...inputOf(credited), authorIds: [ben, ada] },
      });
      assert.equal(swapped.version, credited.version + 1, 'the byline order is a change readers see');
      const revisions = await listArticleRevisions(ctx, article.id);
      const previous = revisions.find((r) => r.version === credited.version);
      assert.ok(previous);
      const diff = await compareRevisions(ctx, { articleId: article.id, fromId: previous.id });
      assert.deepEqual(
        diff.fields.map((f) => f.field),
        ['Authors'],
      );
      // The history shows the co-author moved, not removed and added again.
      const marks = (diff.fields[0]?.rows ?? []).flatMap((row) =>
        [row.left, row.right].flatMap((side) =>
          side && side.kind !== 'same' ? [`${side.kind} ${side.text}`] : [],
        ),
      );
      assert.ok(marks.length > 0 && marks.every((m) => m.startsWith('moved ')), marks.join(' | '));
    });
  });
}
