import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import sharp from 'sharp';
import { LocalMediaStore, mediaDir } from '../../src/adapters/media-store.ts';
import { isAppError } from '../../src/errors.ts';
import { jobRunnerFor } from '../../src/jobs/job-runner-for.ts';
import { JobRunner } from '../../src/jobs/runner.ts';
import { importMarkdown } from '../../src/services/import/markdown.ts';
import { addCorrection } from '../../src/services/newsroom/corrections.ts';
import {
  autosaveArticle,
  blankArticleInput,
  createArticle,
  inputOf,
  updateArticle,
} from '../../src/services/newsroom/editor.ts';
import { uploadImage } from '../../src/services/newsroom/media.ts';
import { savePage } from '../../src/services/newsroom/page-admin.ts';
import { savePerson } from '../../src/services/newsroom/people-admin.ts';
import {
  compareRevisions,
  listArticleRevisions,
  restoreRevision,
} from '../../src/services/newsroom/revisions.ts';
import type { Staff } from '../../src/services/newsroom/staff.ts';
import {
  createTaxonomy,
  createTerm,
  mergeTerms,
  reorderTerms,
  updateTaxonomy,
  updateTerm,
} from '../../src/services/newsroom/taxonomy-admin.ts';
import { PUBLISH_JOB, publishJobKey, transitionArticle } from '../../src/services/newsroom/workflow.ts';
import { Reader } from '../../src/services/reader.ts';
import { createWiring } from '../../src/wiring.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addStaff } from '../helpers/newsroom.ts';

function hasCode(code: string) {
  return (error: unknown) => isAppError(error) && error.code === code;
}

/** A draft under the writer's own name (only editors may credit others or add people). */
function draftInput(title: string, body = 'First paragraph.\n\nSecond paragraph.\n') {
  return { ...blankArticleInput('en'), title, bodyMarkdown: body };
}

/**
 * Two app instances poll at once on PostgreSQL. better-sqlite3 waits for a lock synchronously,
 * so two SQLite connections in one process would wait on each other until the busy timeout:
 * there the instances poll in turn, as separate processes do on the file lock.
 */
async function pollBoth(kind: string, runners: JobRunner[]): Promise<number[]> {
  if (kind === 'postgres') return Promise.all(runners.map((r) => r.runDue()));
  const ran: number[] = [];
  for (const runner of runners) ran.push(await runner.runDue());
  return ran;
}

for (const kind of DATABASE_KINDS) {
  describe(`newsroom services on ${kind}`, () => {
    let t: TestWiring;
    let contributor: Staff;
    let author: Staff;
    let editor: Staff;
    let otherEditor: Staff;

    before(async () => {
      t = await createTestWiring(kind);
      contributor = await addStaff(t.wiring, 'contributor', 'Cora Contributor');
      author = await addStaff(t.wiring, 'author', 'Otto Author');
      editor = await addStaff(t.wiring, 'editor', 'Edna Editor');
      otherEditor = await addStaff(t.wiring, 'editor', 'Eli Editor');
    });
    after(async () => t.cleanup());

    it('puts a writer who names no author on the byline under their own name, once', async () => {
      const writer = await addStaff(t.wiring, 'author', 'Wren Writer');
      const input = { ...blankArticleInput('en'), title: 'Under my own name', bodyMarkdown: 'Text.' };
      const first = await createArticle(t.wiring, writer, input);
      const person = await t.wiring.store.people.findBySlug('wren-writer');
      assert.ok(person);
      assert.deepEqual(first.authorIds, [person.id]);
      assert.equal((await t.wiring.store.users.findByEmail(writer.email))?.personId, person.id);
      const second = await createArticle(
        t.wiring,
        { ...writer },
        { ...input, title: 'Again under my own name' },
      );
      assert.deepEqual(second.authorIds, [person.id]);
    });

    it('takes an article from draft through review to a scheduled publication that fires once, across a restart', async () => {
      const ctx = t.wiring;
      const article = await createArticle(ctx, contributor, draftInput('Water accounts of the delta'));
      assert.equal(article.status, 'draft');
      await assert.rejects(
        transitionArticle(ctx, contributor, { articleId: article.id, action: 'publish' }),
        hasCode('PERMISSION_DENIED'),
      );
      await transitionArticle(ctx, contributor, { articleId: article.id, action: 'submit' });
      await assert.rejects(
        transitionArticle(ctx, editor, {
          articleId: article.id,
          action: 'schedule',
          publishAt: '2026-11-20T11:00:00Z',
        }),
        (error) => isAppError(error) && error.details?.[0]?.field === 'publish_at',
      );
      const scheduled = await transitionArticle(ctx, editor, {
        articleId: article.id,
        action: 'schedule',
        publishAt: '2026-11-21T08:00:00Z',
      });
      assert.equal(scheduled.status, 'scheduled');

      // Nothing is due yet.
      assert.equal(await jobRunnerFor(ctx).runDue(), 0);

      // A "restart": a new process (new wiring) on the same database, later than the scheduled time.
      const later = new Date('2026-11-21T08:00:05Z');
      const restarted = await createWiring({
        config: ctx.config,
        log: pino({ level: 'silent' }),
        now: () => later,
      });
      try {
        // Two app instances, each with its own connection to the same database, poll at once.
        const other = await createWiring({
          config: ctx.config,
          log: pino({ level: 'silent' }),
          now: () => later,
        });
        const first = jobRunnerFor(restarted, { workerId: 'a' });
        const second = jobRunnerFor(other, { workerId: 'b' });
        const [ranA, ranB] = await pollBoth(kind, [first, second]);
        assert.equal((ranA ?? 0) + (ranB ?? 0), 1);
        assert.equal(await first.runDue(), 0);
        const published = await restarted.store.articles.findById(article.id);
        assert.equal(published?.status, 'published');
        assert.equal(published?.publishedAt, '2026-11-21T08:00:00.000Z');
        const revisions = await listArticleRevisions(restarted, article.id);
        assert.equal(revisions.filter((r) => r.note === 'Published on schedule').length, 1);
        const audit = await restarted.store.audit.list({ limit: 20 });
        assert.ok(audit.some((e) => e.action === 'article.schedule' && e.actorLabel === editor.email));
        await other.close();
      } finally {
        await restarted.close();
      }
    });

    it('publishes a scheduled article that arrived by import, once, without a restart', async () => {
      const ctx = t.wiring;
      const folder = mkdtempSync(path.join(tmpdir(), 'pressroom-scheduled-'));
      writeFileSync(
        path.join(folder, 'imported-for-later.md'),
        '---\ntitle: Imported for later\ndate: 2026-11-20T12:40:00Z\nstatus: scheduled\nauthors: [Ada Writer]\n---\n\nBody.\n',
      );
      const report = await importMarkdown(ctx, folder);
      assert.equal(report.imported, 1);
      const imported = await ctx.store.articles.findBySlug('imported-for-later');
      assert.equal(imported?.status, 'scheduled');
      const other = await createWiring({ config: ctx.config, log: pino({ level: 'silent' }), now: ctx.now });
      const runners = [jobRunnerFor(ctx, { workerId: 'a' }), jobRunnerFor(other, { workerId: 'b' })];
      await pollBoth(kind, runners);
      assert.equal((await ctx.store.articles.findBySlug('imported-for-later'))?.status, 'scheduled');
      t.setNow(new Date('2026-11-20T12:41:00Z'));
      try {
        const ran = await pollBoth(kind, runners);
        assert.equal(ran[0]! + ran[1]!, 1);
        const published = await ctx.store.articles.findBySlug('imported-for-later');
        assert.equal(published?.status, 'published');
        assert.equal(published?.publishedAt, '2026-11-20T12:40:00.000Z');
        const revisions = await listArticleRevisions(ctx, published.id);
        assert.equal(revisions.filter((r) => r.note === 'Published on schedule').length, 1);
        assert.equal(await runners[0]!.runDue(), 0);
      } finally {
        t.setNow(new Date('2026-11-20T12:00:00Z'));
        await other.close();
        rmSync(folder, { recursive: true, force: true });
      }
    });

    it('picks up a job whose worker died once its lock has expired', async () => {
      const ctx = t.wiring;
      const article = await createArticle(ctx, editor, draftInput('A crash mid-publication'));
      await transitionArticle(ctx, editor, {
        articleId: article.id,
        action: 'schedule',
        publishAt: '2026-11-20T12:30:00Z',
      });
      // A per-article job as earlier versions armed them, still honoured.
      const jobId = await ctx.store.jobs.put(
        {
          kind: PUBLISH_JOB,
          dedupeKey: publishJobKey(article.id),
          payload: { articleId: article.id },
          runAt: '2026-11-20T12:30:00.000Z',
        },
        '2026-11-20T12:00:00.000Z',
      );
      // Worker "dead" claims it and never finishes.
      assert.ok(
        await ctx.store.jobs.claim(jobId, 'dead', '2026-11-20T12:31:00.000Z', '2026-11-20T12:36:00.000Z'),
      );
      t.setNow(new Date('2026-11-20T12:33:00Z'));
      const runner = new JobRunner({
        store: ctx.store,
        log: ctx.log,
        now: ctx.now,
        handlers: { [PUBLISH_JOB]: async () => {} },
      });
      assert.equal(await runner.runDue(), 0);
      t.setNow(new Date('2026-11-20T12:37:00Z'));
      assert.equal(await runner.runDue(), 1);
      assert.equal((await ctx.store.jobs.findById(jobId))?.status, 'done');
      // The poll publishes the article whatever became of the job.
      assert.equal(await jobRunnerFor(ctx).runDue(), 1);
      assert.equal((await ctx.store.articles.findById(article.id))?.status, 'published');
      t.setNow(new Date('2026-11-20T12:00:00Z'));
    });

    it('publishes a scheduled article by hand, keeping nothing armed for later', async () => {
      const ctx = t.wiring;
      const article = await createArticle(ctx, editor, draftInput('Changed plans'));
      await transitionArticle(ctx, editor, {
        articleId: article.id,
        action: 'schedule',
        publishAt: '2026-12-01T08:00:00Z',
      });
      await transitionArticle(ctx, editor, { articleId: article.id, action: 'publish' });
      assert.equal(await ctx.store.jobs.findByKey(publishJobKey(article.id)), undefined);
      const published = await ctx.store.articles.findById(article.id);
      assert.equal(published?.publishedAt, '2026-11-20T12:00:00.000Z');
      await assert.rejects(
        transitionArticle(ctx, editor, { articleId: article.id, action: 'submit' }),
        hasCode('STATUS_TRANSITION_INVALID'),
      );
    });

    it('tells the second of two editors saving the same version, and keeps the first one’s text', async () => {
      const ctx = t.wiring;
      const article = await createArticle(ctx, editor, draftInput('Two editors'));
      const first = await updateArticle(ctx, editor, {
        id: article.id,
        expectedVersion: article.version,
        article: { ...inputOf(article), bodyMarkdown: 'Edna’s version.' },
      });
      await assert.rejects(
        updateArticle(ctx, otherEditor, {
          id: article.id,
          expectedVersion: article.version,
          article: { ...inputOf(article), bodyMarkdown: 'Eli’s version.' },
        }),
        hasCode('EDIT_CONFLICT'),
      );
      const stored = await ctx.store.articles.findById(article.id);
      assert.equal(stored?.bodyMarkdown, 'Edna’s version.');
      assert.equal(stored?.version, first.version);
    });

    it('autosaves work in progress apart from the article and says when the article moved on', async () => {
      const ctx = t.wiring;
      const article = await createArticle(ctx, contributor, draftInput('Autosaved'));
      const result = await autosaveArticle(ctx, contributor, {
        id: article.id,
        baseVersion: article.version,
        article: { ...inputOf(article), bodyMarkdown: 'Half-written thought' },
      });
      assert.equal(result.isStale, false);
      assert.equal((await ctx.store.articles.findById(article.id))?.bodyMarkdown, article.bodyMarkdown);
      await updateArticle(ctx, editor, {
        id: article.id,
        expectedVersion: article.version,
        article: { ...inputOf(article), summary: 'An editor’s summary.' },
      });
      const stale = await autosaveArticle(ctx, contributor, {
        id: article.id,
        baseVersion: article.version,
        article: { ...inputOf(article), bodyMarkdown: 'More' },
      });
      assert.equal(stale.isStale, true);
    });

    it('refuses bad input with field errors and stores nothing, not even new co-authors', async () => {
      const ctx = t.wiring;
      const before = (await ctx.store.people.list()).length;
      await assert.rejects(
        createArticle(ctx, editor, {
          ...draftInput(''),
          newAuthorNames: ['Brand New Person'],
          canonicalUrl: 'not a url',
          featuredImage: '/media/x.jpg',
        }),
        (error) =>
          isAppError(error) &&
          ['title', 'canonical_url'].every((f) => error.details?.some((d) => d.field === f)),
      );
      assert.equal((await ctx.store.people.list()).length, before);
    });

    it('keeps contributors to their own drafts', async () => {
      const ctx = t.wiring;
      const others = await createArticle(ctx, author, draftInput('Not yours'));
      await assert.rejects(
        updateArticle(ctx, contributor, {
          id: others.id,
          expectedVersion: others.version,
          article: inputOf(others),
        }),
        hasCode('PERMISSION_DENIED'),
      );
      const own = await createArticle(ctx, author, draftInput('Author publishes own'));
      await transitionArticle(ctx, author, { articleId: own.id, action: 'publish' });
      await assert.rejects(
        transitionArticle(ctx, author, {
          articleId: (await createArticle(ctx, editor, draftInput('Editor piece'))).id,
          action: 'publish',
        }),
        hasCode('PERMISSION_DENIED'),
      );
    });

    it('diffs revisions side by side and restores an old one as a new revision', async () => {
      const ctx = t.wiring;
      const article = await createArticle(ctx, editor, draftInput('Revised', 'Line one.\nLine two.\n'));
      const v2 = await updateArticle(ctx, editor, {
        id: article.id,
        expectedVersion: article.version,
        article: { ...inputOf(article), bodyMarkdown: 'Line one.\nLine 2, rewritten.\n' },
      });
      await transitionArticle(ctx, editor, { articleId: article.id, action: 'publish' });
      const revisions = await listArticleRevisions(ctx, article.id);
      assert.equal(revisions.length, 3);
      assert.equal(revisions[2]?.actorName, 'Edna Editor');
      const first = revisions[2];
      assert.ok(first);
      const diff = await compareRevisions(ctx, { articleId: article.id, fromId: first.id });
      const body = diff.fields.find((f) => f.field === 'Body');
      assert.deepEqual(body?.rows[1], {
        left: {
          text: 'Line two.',
          kind: 'removed',
          segments: [
            { text: 'Line ', isChanged: false },
            { text: 'two', isChanged: true },
            { text: '.', isChanged: false },
          ],
        },
        right: {
          text: 'Line 2, rewritten.',
          kind: 'added',
          segments: [
            { text: 'Line ', isChanged: false },
            { text: '2, rewritten', isChanged: true },
            { text: '.', isChanged: false },
          ],
        },
      });
      const restored = await restoreRevision(ctx, editor, { articleId: article.id, revisionId: first.id });
      assert.equal(restored.bodyMarkdown, 'Line one.\nLine two.\n');
      assert.equal(restored.status, 'published');
      assert.equal(restored.version, v2.version + 2);
      assert.equal((await listArticleRevisions(ctx, article.id))[0]?.note, 'Restored version 1');
    });

    it('shows a public correction on the article and in its structured data, editors only', async () => {
      const ctx = t.wiring;
      const article = await createArticle(ctx, editor, draftInput('Corrected'));
      await transitionArticle(ctx, editor, { articleId: article.id, action: 'publish' });
      await assert.rejects(
        addCorrection(ctx, author, { articleId: article.id, kind: 'correction', note: 'x' }),
        hasCode('PERMISSION_DENIED'),
      );
      await assert.rejects(
        addCorrection(ctx, editor, { articleId: article.id, kind: 'correction', note: '  ' }),
        hasCode('VALIDATION_FAILED'),
      );
      await addCorrection(ctx, editor, {
        articleId: article.id,
        kind: 'correction',
        note: 'The dam is 40 m high, not 400 m.',
      });
      const model = await new Reader(ctx).article(article.slug);
      assert.equal(model?.corrections[0]?.note, 'The dam is 40 m high, not 400 m.');
    });

    it('renames, merges, reorders and nests terms, with redirects from old addresses', async () => {
      const ctx = t.wiring;
      const taxonomies = await ctx.store.taxonomies.listTaxonomies();
      const region = taxonomies.find((x) => x.slug === 'region');
      const theme = taxonomies.find((x) => x.slug === 'theme');
      assert.ok(region && theme);
      const europe = await createTerm(ctx, editor, {
        taxonomyId: region.id,
        name: 'Europe',
        slug: '',
        description: '',
        parentId: null,
      });
      const balkans = await createTerm(ctx, editor, {
        taxonomyId: region.id,
        name: 'Balkans',
        slug: '',
        description: '',
        parentId: europe.id,
      });
      await assert.rejects(
        updateTerm(ctx, editor, {
          id: europe.id,
          name: 'Europe',
          slug: 'europe',
          description: '',
          parentId: balkans.id,
        }),
        hasCode('TERM_CYCLE'),
      );
      await assert.rejects(
        createTerm(ctx, author, {
          taxonomyId: region.id,
          name: 'Asia',
          slug: '',
          description: '',
          parentId: null,
        }),
        hasCode('PERMISSION_DENIED'),
      );
      await updateTerm(ctx, editor, {
        id: balkans.id,
        name: 'Western Balkans',
        slug: 'western-balkans',
        description: '',
        parentId: europe.id,
      });
      assert.equal((await ctx.store.redirects.find('/region/balkans'))?.toPath, '/region/western-balkans');

      const water = await createTerm(ctx, editor, {
        taxonomyId: theme.id,
        name: 'Water',
        slug: '',
        description: '',
        parentId: null,
      });
      const rivers = await createTerm(ctx, editor, {
        taxonomyId: theme.id,
        name: 'Rivers',
        slug: '',
        description: '',
        parentId: null,
      });
      const article = await createArticle(ctx, editor, {
        ...draftInput('Filed under rivers'),
        termIds: [rivers.id],
      });
      const merged = await mergeTerms(ctx, editor, { fromId: rivers.id, intoId: water.id });
      assert.equal(merged.movedArticles, 1);
      assert.deepEqual((await ctx.store.articles.findById(article.id))?.termIds, [water.id]);
      assert.equal(await ctx.store.taxonomies.findTermById(rivers.id), undefined);
      assert.equal((await ctx.store.redirects.find('/theme/rivers'))?.toPath, '/theme/water');
      await assert.rejects(
        mergeTerms(ctx, editor, { fromId: water.id, intoId: europe.id }),
        hasCode('TERM_MERGE_INVALID'),
      );

      const energy = await createTerm(ctx, editor, {
        taxonomyId: theme.id,
        name: 'Energy',
        slug: '',
        description: '',
        parentId: null,
      });
      await reorderTerms(ctx, editor, { taxonomyId: theme.id, termIds: [energy.id, water.id] });
      assert.deepEqual(
        (await ctx.store.taxonomies.listTerms(theme.id)).map((x) => x.name),
        ['Energy', 'Water'],
      );
    });

    it('adds a taxonomy with a free, unreserved slug and keeps nested terms consistent', async () => {
      const ctx = t.wiring;
      await assert.rejects(
        createTaxonomy(ctx, editor, {
          name: 'Admin',
          pluralName: 'Admins',
          slug: 'admin',
          isHierarchical: false,
          isMultiple: true,
        }),
        (error) => isAppError(error) && error.details?.[0]?.field === 'slug',
      );
      await assert.rejects(
        createTaxonomy(ctx, editor, {
          name: 'Theme',
          pluralName: 'Themes',
          slug: 'theme',
          isHierarchical: false,
          isMultiple: true,
        }),
        (error) => isAppError(error) && error.details?.[0]?.field === 'slug',
      );
      const series = await createTaxonomy(ctx, editor, {
        name: 'Series',
        pluralName: 'Series',
        slug: '',
        isHierarchical: true,
        isMultiple: false,
      });
      assert.equal(series.slug, 'series');
      const parent = await createTerm(ctx, editor, {
        taxonomyId: series.id,
        name: 'Water',
        slug: '',
        description: '',
        parentId: null,
      });
      await createTerm(ctx, editor, {
        taxonomyId: series.id,
        name: 'Wells',
        slug: '',
        description: '',
        parentId: parent.id,
      });
      await assert.rejects(
        updateTaxonomy(ctx, editor, {
          id: series.id,
          name: 'Series',
          pluralName: 'Series',
          isHierarchical: false,
          isMultiple: false,
        }),
        (error) => isAppError(error) && error.details?.[0]?.field === 'is_hierarchical',
      );
      await assert.rejects(
        createTaxonomy(ctx, author, {
          name: 'X',
          pluralName: 'Xs',
          slug: '',
          isHierarchical: false,
          isMultiple: true,
        }),
        hasCode('PERMISSION_DENIED'),
      );
    });

    it('does not count reordered terms as a change in the history', async () => {
      const ctx = t.wiring;
      const theme = (await ctx.store.taxonomies.listTaxonomies()).find((x) => x.slug === 'theme');
      assert.ok(theme);
      const term = (name: string) =>
        createTerm(ctx, editor, { taxonomyId: theme.id, name, slug: '', description: '', parentId: null });
      const [tides, salt] = [await term('Tides'), await term('Salt')];
      const article = await createArticle(ctx, editor, {
        ...draftInput('Reordered terms', 'Body.\n'),
        termIds: [tides.id, salt.id],
      });
      const edited = await updateArticle(ctx, editor, {
        id: article.id,
        expectedVersion: article.version,
        article: { ...inputOf(article), title: 'Reordered terms, retitled', termIds: [salt.id, tides.id] },
      });
      const [, first] = await listArticleRevisions(ctx, article.id);
      assert.ok(first);
      const diff = await compareRevisions(ctx, { articleId: article.id, fromId: first.id });
      assert.equal(edited.version, article.version + 1);
      assert.deepEqual(
        diff.fields.map((f) => f.field),
        ['Title'],
      );
    });

    it('edits people and pages, redirecting renamed slugs and refusing bad fields', async () => {
      const ctx = t.wiring;
      const person = await savePerson(ctx, editor, {
        name: 'Mira Analyst',
        slug: '',
        bio: 'Writes on water.',
        email: 'mira@example.org',
        website: 'https://mira.example',
        links: [{ label: 'Blog', url: 'https://blog.mira.example' }],
        photo: '',
      });
      await assert.rejects(
        savePerson(ctx, editor, {
          id: person.id,
          name: 'Mira Analyst',
          slug: 'mira',
          bio: '',
          email: 'not-an-email',
          website: '',
          links: [],
          photo: '',
        }),
        (error) => isAppError(error) && error.details?.[0]?.field === 'email',
      );
      assert.equal((await ctx.store.people.findById(person.id))?.slug, 'mira-analyst');
      await savePerson(ctx, editor, {
        id: person.id,
        name: 'Mira Analyst',
        slug: 'mira',
        bio: '',
        email: '',
        website: '',
        links: [],
        photo: '',
      });
      assert.equal((await ctx.store.redirects.find('/authors/mira-analyst'))?.toPath, '/authors/mira');
      await assert.rejects(
        savePerson(ctx, contributor, {
          name: 'X',
          slug: '',
          bio: '',
          email: '',
          website: '',
          links: [],
          photo: '',
        }),
        hasCode('PERMISSION_DENIED'),
      );

      const page = await savePage(ctx, editor, {
        slug: 'funding',
        title: 'Funding',
        bodyMarkdown: 'Who pays.',
        status: 'published',
        showInNavigation: true,
        position: 5,
      });
      await savePage(ctx, editor, {
        id: page.id,
        slug: 'who-funds-us',
        title: 'Funding',
        bodyMarkdown: 'Who pays.',
        status: 'published',
        showInNavigation: true,
        position: 5,
      });
      assert.equal((await ctx.store.redirects.find('/funding'))?.toPath, '/who-funds-us');
      await assert.rejects(
        savePage(ctx, editor, {
          slug: 'admin',
          title: 'X',
          bodyMarkdown: '',
          status: 'draft',
          showInNavigation: false,
          position: 0,
        }),
        hasCode('VALIDATION_FAILED'),
      );
    });

    it('the same image uploaded several times at once is stored each time, under names that never collide', async () => {
      const ctx = { ...t.wiring, media: new LocalMediaStore(mediaDir(t.database.dataDir)) };
      const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#aa3300' } })
        .png()
        .toBuffer();
      const uploads = await Promise.all(
        Array.from({ length: 6 }, () =>
          uploadImage(ctx, contributor, { bytes: png, filename: 'same.png', alt: 'Same' }),
        ),
      );
      assert.equal(new Set(uploads.map((u) => u.media.url)).size, 6);
    });

    it('a large image is stored at most 1,600 px wide, reported upright at its own size; over 60 megapixels is refused', async () => {
      const ctx = { ...t.wiring, media: new LocalMediaStore(mediaDir(t.database.dataDir)) };
      // Turned a quarter by its EXIF orientation: readers see it 2,000 wide and 3,000 high.
      const sideways = await sharp({
        create: { width: 3000, height: 2000, channels: 3, background: '#557799' },
      })
        .withMetadata({ orientation: 6 })
        .jpeg()
        .toBuffer();
      const uploaded = await uploadImage(ctx, contributor, {
        bytes: sideways,
        filename: 'tall.jpg',
        alt: '',
      });
      assert.deepEqual([uploaded.width, uploaded.height], [2000, 3000]);
      assert.deepEqual(
        [...new Set(uploaded.variants.map((v) => `${v.width}×${v.height}`))],
        ['480×720', '960×1440', '1600×2400'],
      );
      // A small file that decodes to more pixels than the limit (a "pixel bomb").
      const bomb = await sharp({ create: { width: 8000, height: 8000, channels: 3, background: '#000' } })
        .png()
        .toBuffer();
      await assert.rejects(
        uploadImage(ctx, contributor, { bytes: bomb, filename: 'bomb.png', alt: '' }),
        hasCode('MEDIA_INVALID'),
      );
    });

    it('stores uploaded images as metadata-free variants and refuses what is not an image', async () => {
      const ctx = { ...t.wiring, media: new LocalMediaStore(mediaDir(t.database.dataDir)) };
      const jpeg = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#336699' } })
        .withExif({ IFD0: { Copyright: 'secret camera owner' } })
        .jpeg()
        .toBuffer();
      assert.ok((await sharp(jpeg).metadata()).exif);
      const uploaded = await uploadImage(ctx, contributor, {
        bytes: jpeg,
        filename: 'delta.jpg',
        alt: 'The delta',
      });
      assert.deepEqual([...new Set(uploaded.variants.map((v) => v.width))], [480, 960, 1200]);
      assert.deepEqual([...new Set(uploaded.variants.map((v) => v.format))].sort(), ['avif', 'jpeg', 'webp']);
      assert.match(uploaded.media.url, /^\/media\/2026\/11\/[0-9a-f]{16}-[a-z0-9]+-1200\.jpg$/);
      const { readFile } = await import('node:fs/promises');
      const stored = await readFile(`${mediaDir(t.database.dataDir)}/${uploaded.media.localPath}`);
      assert.equal((await sharp(stored).metadata()).exif, undefined);

      const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
      await assert.rejects(
        uploadImage(ctx, contributor, { bytes: svg, filename: 'x.jpg', alt: '' }),
        hasCode('MEDIA_INVALID'),
      );
      await assert.rejects(
        uploadImage(ctx, contributor, { bytes: Buffer.from('hello'), filename: 'x.png', alt: '' }),
        hasCode('MEDIA_INVALID'),
      );
      await assert.rejects(
        uploadImage(ctx, contributor, {
          bytes: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(16 * 1024 * 1024)]),
          filename: 'big.jpg',
          alt: '',
        }),
        hasCode('MEDIA_INVALID'),
      );
      await assert.rejects(
        uploadImage(ctx, contributor, {
          bytes: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(100)]),
          filename: 'broken.jpg',
          alt: '',
        }),
        hasCode('MEDIA_INVALID'),
      );
    });
  });
}
