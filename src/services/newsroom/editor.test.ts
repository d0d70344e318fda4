import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isAppError } from '../../errors.ts';
import { addTerm, seedBasics, staffMember } from '../testing/fixtures.ts';
import { createMemoryContext } from '../testing/in-memory-store.ts';
import {
  autosaveArticle,
  blankArticleInput,
  createArticle,
  findAutosave,
  inputOf,
  updateArticle,
} from './editor.ts';

const hasCode = (code: string) => (error: unknown) => isAppError(error) && error.code === code;

async function newsroom() {
  const ctx = createMemoryContext();
  const basics = await ctx.store.transaction(seedBasics);
  const [editor, author, contributor, other] = await ctx.store.transaction(async (repos) => [
    await staffMember(repos, { role: 'editor', name: 'Eda Editor' }),
    await staffMember(repos, { role: 'author', name: 'Ana Reis', personId: basics.personId }),
    await staffMember(repos, { role: 'contributor', name: 'Cy Contributor' }),
    await staffMember(repos, { role: 'contributor', name: 'Olu Other' }),
  ]);
  return { ctx, basics, editor: editor!, author: author!, contributor: contributor!, other: other! };
}

const input = (title: string) => ({ ...blankArticleInput('en'), title, bodyMarkdown: `About ${title}.` });

describe('the article editor (in memory)', () => {
  test('a new draft carries the writer on the byline, records its creator and is audited', async () => {
    const { ctx, basics, author } = await newsroom();
    const article = await createArticle(ctx, author, input('River Ledgers'));
    assert.equal(article.status, 'draft');
    assert.equal(article.slug, 'river-ledgers');
    assert.deepEqual(article.authorIds, [basics.personId]);
    assert.equal(article.createdBy, author.id);
    const [entry] = await ctx.store.audit.list({ limit: 1 });
    assert.equal(entry?.action, 'article.create');
  });

  test('a writer without an author page gets one, linked to their login, the first time', async () => {
    const { ctx, contributor } = await newsroom();
    const article = await createArticle(ctx, contributor, input('First Piece'));
    const person = await ctx.store.people.findBySlug('cy-contributor');
    assert.ok(person);
    assert.deepEqual(article.authorIds, [person.id]);
    assert.equal((await ctx.store.users.findById(contributor.id))?.personId, person.id);
  });

  test('a contributor edits what they created, and may not touch a colleague’s draft', async () => {
    const { ctx, contributor, other } = await newsroom();
    const mine = await createArticle(ctx, contributor, input('Mine'));
    const edited = await updateArticle(ctx, contributor, {
      id: mine.id,
      expectedVersion: mine.version,
      article: { ...inputOf(mine), title: 'Mine, revised' },
    });
    assert.equal(edited.title, 'Mine, revised');
    await assert.rejects(
      updateArticle(ctx, other, { id: mine.id, expectedVersion: edited.version, article: inputOf(edited) }),
      hasCode('PERMISSION_DENIED'),
    );
  });

  test('saving over a newer version is an EDIT_CONFLICT and keeps the newer text', async () => {
    const { ctx, editor } = await newsroom();
    const article = await createArticle(ctx, editor, input('Contested'));
    await updateArticle(ctx, editor, {
      id: article.id,
      expectedVersion: article.version,
      article: { ...inputOf(article), bodyMarkdown: 'First words.' },
    });
    await assert.rejects(
      updateArticle(ctx, editor, {
        id: article.id,
        expectedVersion: article.version,
        article: { ...inputOf(article), bodyMarkdown: 'Second words.' },
      }),
      hasCode('EDIT_CONFLICT'),
    );
    assert.equal((await ctx.store.articles.findById(article.id))?.bodyMarkdown, 'First words.');
  });

  test('an autosave never changes the article and says when someone saved since', async () => {
    const { ctx, editor } = await newsroom();
    const article = await createArticle(ctx, editor, input('Draft in progress'));
    const work = { ...inputOf(article), bodyMarkdown: 'Half a thought' };
    const first = await autosaveArticle(ctx, editor, {
      id: article.id,
      baseVersion: article.version,
      article: work,
    });
    assert.equal(first.isStale, false);
    assert.equal((await ctx.store.articles.findById(article.id))?.bodyMarkdown, article.bodyMarkdown);
    assert.equal((await findAutosave(ctx, editor, article))?.input.bodyMarkdown, 'Half a thought');
    await updateArticle(ctx, editor, {
      id: article.id,
      expectedVersion: article.version,
      article: { ...inputOf(article), summary: 'Saved from another window.' },
    });
    const second = await autosaveArticle(ctx, editor, {
      id: article.id,
      baseVersion: article.version,
      article: work,
    });
    assert.equal(second.isStale, true);
  });

  test('only editors add terms by name; writers name existing ones', async () => {
    const { ctx, basics, contributor, editor } = await newsroom();
    await ctx.store.transaction((repos) =>
      addTerm(repos, {
        taxonomyId: basics.taxonomies.get('region') as number,
        slug: 'europe',
        name: 'Europe',
      }),
    );
    for (const taxonomySlug of ['region', 'tag']) {
      await assert.rejects(
        createArticle(ctx, contributor, {
          ...input(`Atlantis ${taxonomySlug}`),
          newTerms: [{ taxonomySlug, name: 'Atlantis' }],
        }),
        (error: unknown) => isAppError(error) && error.details?.[0]?.field === `terms_${taxonomySlug}`,
      );
    }
    const tagged = await createArticle(ctx, contributor, {
      ...input('Tagged'),
      newTerms: [{ taxonomySlug: 'region', name: 'europe' }],
    });
    const terms = await ctx.store.taxonomies.findTermsByIds(tagged.termIds);
    assert.deepEqual(
      terms.map((t) => t.name),
      ['Europe'],
    );
    const byEditor = await createArticle(ctx, editor, {
      ...input('New Region'),
      newTerms: [{ taxonomySlug: 'region', name: 'Atlantis' }],
    });
    assert.equal(byEditor.termIds.length, 1);
  });
});
