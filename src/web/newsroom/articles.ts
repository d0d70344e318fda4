import fastifyMultipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type, { type Static } from 'typebox';
import { renderMarkdown } from '../../content/markdown.ts';
import type { Article } from '../../domain/article.ts';
import {
  type ArticleListFilters,
  encodeCursor,
  parseArticleListQuery,
} from '../../domain/article-list-query.ts';
import { can, canOnItem } from '../../domain/permissions.ts';
import type { AdminArticleCursor } from '../../domain/ports/article-admin-store.ts';
import { zonedToUtc } from '../../domain/time-zone.ts';
import { availableTransitions, mayEditArticle, WORKFLOW_ACTIONS } from '../../domain/workflow.ts';
import { Errors, isAppError } from '../../errors.ts';
import type { ServiceContext } from '../../services/context.ts';
import { ARTICLE_COUNT_CAP, listArticlesFor } from '../../services/newsroom/article-list.ts';
import {
  BULK_ACTIONS,
  type BulkAction,
  bulkArticleAction,
  MAX_BULK_ARTICLES,
} from '../../services/newsroom/bulk-articles.ts';
import { addCorrection, editCorrection, withdrawCorrection } from '../../services/newsroom/corrections.ts';
import {
  deleteArticle,
  listDeletedArticles,
  planDeletion,
  restoreArticle,
} from '../../services/newsroom/deletion.ts';
import {
  autosaveArticle,
  blankArticleInput,
  createArticle,
  createDraftFromAutosave,
  discardAutosave,
  type EditorPage,
  findAutosave,
  inputOf,
  loadEditableInEditor,
  loadEditor,
  loadFormChoices,
  MAX_AUTHORS,
  MAX_NEW_PEOPLE_PER_SAVE,
  MAX_TERMS_PER_SAVE,
  mayOpenInEditor,
  updateArticle,
  withChosen,
} from '../../services/newsroom/editor.ts';
import { MAX_UPLOAD_BYTES, uploadImage } from '../../services/newsroom/media.ts';
import { convertPastedHtml } from '../../services/newsroom/paste.ts';
import { peopleWithoutProfile } from '../../services/newsroom/people-admin.ts';
import { checklistFor, loadPreviewable, previewArticle } from '../../services/newsroom/preview.ts';
import {
  compareRevisions,
  listArticleRevisions,
  restoreRevision,
} from '../../services/newsroom/revisions.ts';
import { loadEditableArticle, permissionDenied, type Staff } from '../../services/newsroom/staff.ts';
import { loadTransitionable, transitionArticle } from '../../services/newsroom/workflow.ts';
import {
  MAX_REPUBLICATIONS_LISTED,
  republicationsOf,
  republicationTotalsOf,
} from '../../services/republishing/tracker.ts';
import { mentionCountOf, mentionsOf } from '../../services/republishing/webmentions.ts';
import { loadSiteSettings } from '../../services/settings.ts';
import { assetUrls } from '../assets.ts';
import { guardBody } from '../input-guard.ts';
import { Id, IdParams, NoticeQuery, OptionalText, type TypedApp } from '../schemas.ts';
import { articleMeta, articleView } from '../views/article.ts';
import type { SiteCalendar } from '../views/format.ts';
import { html, type SafeHtml } from '../views/html.ts';
import { layout } from '../views/layout.ts';
import {
  articleListView,
  type BulkFormState,
  bulkResultView,
  deleteConfirmView,
  deletedArticlesView,
  revisionDiffView,
  revisionListView,
} from '../views/newsroom/article-admin.ts';
import { articleEditorView, type EditorModel, publishConfirmView } from '../views/newsroom/article-editor.ts';
import { newsroomCss } from '../views/newsroom/assets.ts';
import { mentionListView } from '../views/newsroom/mentions.ts';
import { republicationListView } from '../views/newsroom/republications.ts';
import { noticeIn } from '../views/notices.ts';
import {
  type ArticleFormValues,
  formValues,
  many,
  parseArticleForm,
  valuesOfInput,
  versionOf,
} from './article-form.ts';
import type { AdminDeps } from './deps.ts';
import {
  type FormProblem,
  fieldErrorsOf,
  formRoute,
  keptListQuery,
  listFilterProblems,
  stringValues,
  tickedIds,
} from './forms.ts';
import { currentUser } from './guard.ts';
import { keepUploadedFile, refuseMalformedUpload, uploadedFileName } from './uploaded-file.ts';

const EDITOR_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * The editor form: its fields as text, authors and terms repeated, plus one "new_terms_<taxonomy>"
 * text per taxonomy (hence the open list of further text fields).
 */
const ArticleForm = Type.Object(
  {
    title: OptionalText,
    subtitle: OptionalText,
    slug: OptionalText,
    summary: OptionalText,
    body: OptionalText,
    // A 4 MB form can repeat a name hundreds of thousands of times; past what a save may keep,
    // it is refused before anything reads the names.
    author: Type.Optional(Type.Array(Type.String(), { maxItems: MAX_AUTHORS + MAX_NEW_PEOPLE_PER_SAVE })),
    term: Type.Optional(Type.Array(Type.String(), { maxItems: MAX_TERMS_PER_SAVE })),
    version: OptionalText,
    /** "publish" on the editor's Publish button: save, then publish (once "confirmed" is 1). */
    intent: OptionalText,
    confirmed: OptionalText,
  },
  { additionalProperties: Type.Union([Type.String(), Type.Array(Type.String())]) },
);

/** The editor's form sent with an image from its upload panel (multipart). */
const UploadArticleForm = Type.Object(
  {
    ...ArticleForm.properties,
    upload_file: Type.Optional(Type.Unknown()),
    upload_alt: OptionalText,
  },
  { additionalProperties: Type.Union([Type.String(), Type.Array(Type.String())]) },
);

/** Refused before the article is saved: a role that may not upload keeps its form as sent. */
function requireUpload(staff: Staff): void {
  if (!can(staff.role, 'media.upload')) throw permissionDenied('Your role may not upload files.');
}

/** Ids as an address lists them ("3,17"); anything else in the list is left out. */
function idList(text: string | undefined): number[] {
  return (text ?? '')
    .split(',')
    .map((part) => Number(part))
    .filter((id) => Number.isSafeInteger(id) && id > 0);
}

const EditorQuery = Type.Object({
  notice: OptionalText,
  /** "1" after a save that tidied the typed slug. */
  tidied: OptionalText,
  new_people: OptionalText,
  uploaded: OptionalText,
  restore: OptionalText,
});

const ListQuery = Type.Object({
  notice: OptionalText,
  q: OptionalText,
  status: OptionalText,
  author: OptionalText,
  term: OptionalText,
  from: OptionalText,
  to: OptionalText,
  sort: OptionalText,
  after: OptionalText,
  before: OptionalText,
});

const BulkForm = Type.Object({
  action: Type.Union(BULK_ACTIONS.map((action) => Type.Literal(action))),
  id: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String(), { maxItems: MAX_BULK_ARTICLES })])),
  term: OptionalText,
  list: OptionalText,
});

/** The filters of the article list's address, kept when a bulk action sends the list back. */
const LIST_KEYS = ['q', 'status', 'author', 'term', 'from', 'to', 'sort', 'after', 'before'] as const;

/**
 * The article list's address with the filters of `query` (the list's query string the bulk form
 * carries) and a notice, for a bulk action with nothing to act on.
 */
function listAddressWith(query: string | undefined, notice: string): string {
  const params = new URLSearchParams(keptListQuery(query, LIST_KEYS));
  params.set('notice', notice);
  return `/admin/articles?${params.toString()}`;
}

const WorkflowForm = Type.Object({
  action: Type.Union(WORKFLOW_ACTIONS.map((action) => Type.Literal(action))),
  version: OptionalText,
  publish_at: OptionalText,
});

const CorrectionForm = Type.Object({ kind: OptionalText, note: OptionalText });
const WithdrawForm = Type.Object({ reason: OptionalText });
const CorrectionParams = Type.Object({ id: Id, correctionId: Id });
const DeleteForm = Type.Object({ version: OptionalText, redirect_to: OptionalText });
const VersionForm = Type.Object({ version: OptionalText });
const RevisionParams = Type.Object({ id: Id, revisionId: Id });
const MarkdownForm = Type.Object({ markdown: OptionalText });
const PasteForm = Type.Object({ html: OptionalText });

/** Articles: list, editor, workflow, autosave, preview, revisions and corrections. */
export async function articlePages(app: TypedApp, deps: AdminDeps): Promise<void> {
  const { ctx } = deps;
  const { reader } = deps;
  const assets = assetUrls();

  const staffOf = (request: FastifyRequest): Staff => currentUser(request);
  /**
   * A page listing what was recorded about one article (its mentions, its republications), for
   * staff who may edit that article: anyone else gets the refusal.
   */
  const articleListPage = async <T>(
    request: FastifyRequest,
    reply: FastifyReply,
    page: {
      articleId: number;
      refusal: string;
      heading: string;
      list: (articleId: number) => Promise<T>;
      view: (article: Article, list: T, calendar: SiteCalendar) => SafeHtml;
    },
  ): Promise<FastifyReply> => {
    const { article } = await loadEditableArticle(ctx.store, staffOf(request), page.articleId, page.refusal);
    const [list, calendar] = await Promise.all([page.list(article.id), loadSiteSettings(ctx)]);
    return deps.page(request, reply, {
      title: `${page.heading}: ${article.title}`,
      body: () => page.view(article, list, calendar),
    });
  };
  // Every action on one article checks that its sender may take it on that article before the
  // body is read (the hook in index.ts calls checkBeforeBody): a text of up to 4 MB, or a form,
  // from someone who may not act on the article is refused unread. The service checks again
  // as it acts; this check only refuses earlier, with the same rule and words.
  const articleCheck =
    (check: (staff: Staff, id: number) => Promise<unknown>) =>
    async (request: FastifyRequest): Promise<void> => {
      const id = Number((request.params as { id?: string }).id);
      // A malformed id is left to the route's schema, which names the field.
      if (Number.isSafeInteger(id) && id > 0) await check(staffOf(request), id);
    };
  const mayEditBeforeBody = articleCheck((staff, id) => loadEditableInEditor(ctx, staff, id));
  const mayPreviewBeforeBody = articleCheck((staff, id) => loadPreviewable(ctx, staff, id));
  const mayMoveBeforeBody = articleCheck((staff, id) => loadTransitionable(ctx, staff, id));
  const mayDeleteBeforeBody = articleCheck((staff, id) => planDeletion(ctx, staff, id));
  // Routes on one article whose right the role alone decides, checked already before the body:
  // corrections (anyone who may correct, on any article), discarding one's own autosave,
  // restoring a deleted article (admins).
  const roleDecides = async (): Promise<void> => {};
  // A route added here on one article without saying how it is checked is a mistake that
  // would read bodies from anyone with the role: refuse to start.
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat();
    const isWrite = methods.some((method) => !['GET', 'HEAD', 'OPTIONS'].includes(method));
    if (isWrite && /\/articles\/:id(\/|$)/.test(route.url) && !route.config?.checkBeforeBody) {
      throw new Error(
        `${methods.join(',')} ${route.url} acts on one article but declares no checkBeforeBody`,
      );
    }
  });

  const editorModel = (
    page: EditorPage,
    values: ArticleFormValues,
    extra: Partial<EditorModel> = {},
  ): EditorModel => ({
    ...page,
    values,
    ...extra,
  });

  /**
   * After a save from the Publish button: publishes at once when the editor confirmed the
   * checklist, else shows the checklist to confirm (the way without JavaScript).
   */
  const afterSave = async (
    request: FastifyRequest,
    reply: FastifyReply,
    saved: { id: number; version: number; slug: string; createdPeople: readonly { id: number }[] },
    body: { intent?: string | undefined; confirmed?: string | undefined; slug?: string | undefined },
    notice: string,
  ) => {
    // Said once, after the save that tidied what was typed; the page then shows the slug saved.
    const typed = (body.slug ?? '').trim();
    const tidied = typed !== '' && typed !== saved.slug ? '&tidied=1' : '';
    // People the save made from names typed on the byline: the editor offers their profiles next.
    const newPeople = saved.createdPeople.length
      ? `&new_people=${saved.createdPeople.map((p) => p.id).join(',')}`
      : '';
    if (body.intent !== 'publish')
      return reply.redirect(`/admin/articles/${saved.id}?notice=${notice}${tidied}${newPeople}`, 303);
    if (body.confirmed !== '1') return reply.redirect(`/admin/articles/${saved.id}/publish`, 303);
    await transitionArticle(ctx, staffOf(request), {
      articleId: saved.id,
      action: 'publish',
      expectedVersion: saved.version,
    });
    return reply.redirect(`/admin/articles/${saved.id}?notice=publish${newPeople}`, 303);
  };

  /** The stored article as form values. */
  const storedValues = (page: EditorPage): ArticleFormValues =>
    page.article ? valuesOfInput(inputOf(page.article), page.people, page.article.version) : {};

  const sendEditor = async (
    request: FastifyRequest,
    reply: FastifyReply,
    given: EditorModel,
    state: {
      status?: number;
      notice?: string | undefined;
      uploaded?: string | undefined;
      tidied?: string | undefined;
      newPeople?: string | undefined;
    } = {},
  ) => {
    // A form sent back may hold terms the page did not load (of a large taxonomy).
    const model = await withChosen(ctx, given, {
      authorIds: [],
      termIds: many(given.values, 'term').map((id) => Number(id)),
    });
    const { uploaded } = state;
    const newPeople = await peopleWithoutProfile(ctx, staffOf(request), idList(state.newPeople));
    const told = uploaded?.startsWith('/media/')
      ? html`Image uploaded: <code>${uploaded}</code>. Put the address in “Featured image”, or in the body as <code>![description](${uploaded})</code>.`
      : noticeIn(NOTICES, state.notice);
    const slug = model.article?.slug;
    const shown =
      told && state.tidied === '1' && slug
        ? html`${told} The address name was tidied to <code>${slug}</code>: lower case, hyphens between words, without characters an address cannot hold.`
        : told;
    const notice =
      newPeople.length === 0
        ? shown
        : html`${shown ?? ''} New on the byline, with no bio or photo yet: ${newPeople.map(
            (p, i) =>
              html`${i > 0 ? ', ' : ''}<a href="/admin/people/${p.id}">add ${p.name}’s bio and photo</a>`,
          )}.`;
    return deps.page(request, reply, {
      title: model.article ? `Edit: ${model.article.title}` : 'New article',
      status: state.status ?? 200,
      notice: model.problem || model.workflowProblem || model.correctionProblem ? undefined : notice,
      body: (csrf) => articleEditorView(model, csrf),
    });
  };

  /**
   * The article list for the filters of `query`; after a refused bulk action, with what was
   * chosen still chosen and the problem by its field.
   */
  const sendArticleList = async (
    request: FastifyRequest,
    reply: FastifyReply,
    query: Static<typeof ListQuery>,
    bulk?: BulkFormState,
  ) => {
    const staff = staffOf(request);
    const { filters, errors } = parseArticleListQuery(query);
    const [{ rows, next, previous, total, author, term, problems }, calendar] = await Promise.all([
      listArticlesFor(ctx, staff, filters),
      loadSiteSettings(ctx),
    ]);
    const wrong = listFilterProblems([...errors, ...problems], query);
    const shown = {
      ...filters,
      ...(author ? { author: author.display } : {}),
      ...(term ? { term: term.display } : {}),
    };
    return deps.page(request, reply, {
      title: filters.status === 'review' ? 'Review queue' : 'Articles',
      status: wrong || bulk ? 400 : 200,
      notice: wrong || bulk ? undefined : noticeIn(NOTICES, query.notice),
      body: (csrf) =>
        articleListView(
          {
            rows,
            filters: shown,
            nextQuery: next ? listQueryString(shown, { after: next }) : null,
            previousQuery: previous ? listQueryString(shown, { before: previous }) : null,
            firstQuery: listQueryString(shown),
            total,
            totalCap: ARTICLE_COUNT_CAP,
            listQuery: keptListQuery(query, LIST_KEYS),
            calendar,
            canCreate: can(staff.role, 'article.create'),
            canRestore: can(staff.role, 'article.restore'),
            bulkActions: bulkActionsFor(staff),
            ...(wrong ? { problems: wrong } : {}),
            ...(bulk ? { bulk } : {}),
          },
          csrf,
        ),
    });
  };

  app.get(
    '/articles',
    { config: { access: 'article.create', listQuery: true }, schema: { querystring: ListQuery } },
    async (request, reply) => sendArticleList(request, reply, request.query),
  );

  app.post(
    '/articles/bulk',
    { config: { access: 'article.submit' }, schema: { body: BulkForm } },
    async (request, reply) => {
      const { action, id, term, list } = request.body;
      // Nothing ticked, or no term to move to: the list again with what to do, not an error page.
      if (id === undefined || (Array.isArray(id) && id.length === 0)) {
        return reply.redirect(listAddressWith(list, 'bulk-none'), 303);
      }
      if (action === 'move' && !term?.trim())
        return reply.redirect(listAddressWith(list, 'bulk-no-term'), 303);
      const articleIds = tickedIds(id, 'an article');
      const listQuery = keptListQuery(list, LIST_KEYS);
      try {
        const {
          outcomes,
          term: movedTo,
          taxonomy,
        } = await bulkArticleAction(ctx, staffOf(request), {
          action,
          articleIds,
          ...(action === 'move' && term?.trim() ? { term } : {}),
        });
        return deps.page(request, reply, {
          title: 'Bulk action',
          body: bulkResultView({
            action,
            outcomes,
            listQuery,
            ...(movedTo ? { term: movedTo } : {}),
            ...(taxonomy ? { taxonomy } : {}),
          }),
        });
      } catch (error) {
        // A term no one has (or several share): the list again, as it was, the message by the field.
        const problem = fieldErrorsOf(error);
        if (!problem?.errors.term) throw error;
        const query = Object.fromEntries(new URLSearchParams(listQuery));
        return sendArticleList(request, reply, query, {
          action,
          articleIds,
          term: term ?? '',
          termError: problem.errors.term,
        });
      }
    },
  );

  app.get(
    '/articles/deleted',
    { config: { access: 'article.restore' }, schema: { querystring: NoticeQuery } },
    async (request, reply) => {
      const [rows, calendar] = await Promise.all([
        listDeletedArticles(ctx, staffOf(request)),
        loadSiteSettings(ctx),
      ]);
      return deps.page(request, reply, {
        title: 'Deleted articles',
        notice: noticeIn(NOTICES, request.query.notice),
        body: (csrf) => deletedArticlesView(rows, calendar, csrf),
      });
    },
  );

  app.post(
    '/articles/:id/restore',
    { config: { access: 'article.restore', checkBeforeBody: roleDecides }, schema: { params: IdParams } },
    async (request, reply) => {
      const article = await restoreArticle(ctx, staffOf(request), { articleId: request.params.id });
      return reply.redirect(`/admin/articles/${article.id}?notice=undeleted`, 303);
    },
  );

  app.get(
    '/articles/new',
    { config: { access: 'article.create' }, schema: { querystring: EditorQuery } },
    async (request, reply) => {
      const page = await loadEditor(ctx, staffOf(request), null);
      const values = valuesOfInput(
        blankArticleInput(page.language, { hasComments: page.hasCommentsByDefault }),
        [],
        null,
      );
      if (page.ownPerson) values.author = [page.ownPerson.name];
      const { notice, uploaded } = request.query;
      return sendEditor(request, reply, editorModel(page, values), { notice, uploaded });
    },
  );

  formRoute(
    app,
    '/articles',
    { config: { access: 'article.create' }, schema: { body: ArticleForm }, bodyLimit: EDITOR_BODY_LIMIT },
    async (request, reply) => {
      const staff = staffOf(request);
      // Refused before anything is saved: a Publish the role may not make creates no draft either.
      if (
        request.body.intent === 'publish' &&
        !availableTransitions(staff.role, 'draft', true).includes('publish')
      ) {
        throw permissionDenied('Your role may not publish: save the draft and submit it for review.');
      }
      const values = formValues(request.body);
      const { people, taxonomies } = await loadFormChoices(ctx, many(values, 'author'));
      const input = parseArticleForm(values, people, taxonomies, [staff.personId]);
      const article = await createArticle(ctx, staff, input);
      return afterSave(request, reply, article, request.body, 'created');
    },
    async (request, reply, problem) => {
      const page = await loadEditor(ctx, staffOf(request), null);
      const values = bylineAsSaved(
        formValues(request.body),
        problem,
        page.ownPerson ? [page.ownPerson.name] : [],
      );
      return sendEditor(request, reply, editorModel(page, values, { problem }), {
        status: 400,
      });
    },
  );

  app.get(
    '/articles/:id',
    { config: { access: 'article.create' }, schema: { params: IdParams, querystring: EditorQuery } },
    async (request, reply) => {
      const staff = staffOf(request);
      const page = await loadEditor(ctx, staff, request.params.id);
      const article = page.article;
      const autosave = article ? await findAutosave(ctx, staff, article) : undefined;
      const isRestoring = request.query.restore === 'autosave' && autosave;
      const shown = isRestoring ? await withChosen(ctx, page, autosave.input) : page;
      const values = isRestoring
        ? valuesOfInput(autosave.input, shown.people, autosave.baseVersion)
        : storedValues(page);
      return sendEditor(
        request,
        reply,
        editorModel(shown, values, {
          autosave: autosave && !isRestoring ? { savedAt: autosave.savedAt } : undefined,
        }),
        // Only what the editor's address may say: an undeclared ?status= set the answer's status.
        {
          notice: request.query.notice,
          uploaded: request.query.uploaded,
          tidied: request.query.tidied,
          newPeople: request.query.new_people,
        },
      );
    },
  );

  formRoute(
    app,
    '/articles/:id',
    {
      config: { access: 'article.create', checkBeforeBody: mayEditBeforeBody },
      schema: { params: IdParams, body: ArticleForm },
      bodyLimit: EDITOR_BODY_LIMIT,
    },
    async (request, reply) => {
      const { id } = request.params;
      const staff = staffOf(request);
      const page = await loadEditor(ctx, staff, id);
      if (request.body.intent === 'publish' && !page.canPublish) {
        throw permissionDenied(
          'Your role may not publish this article now: save it and submit it for review.',
        );
      }
      const values = formValues(request.body);
      const { people, taxonomies } = await loadFormChoices(ctx, many(values, 'author'));
      const saved = await updateArticle(ctx, staff, {
        id,
        expectedVersion: versionOf(request.body.version) ?? -1,
        article: parseArticleForm(values, people, taxonomies, [
          ...(page.article?.authorIds ?? []),
          staff.personId,
        ]),
      });
      return afterSave(request, reply, saved, request.body, 'saved');
    },
    async (request, reply, problem) => {
      const isConflict = problem.error.code === 'EDIT_CONFLICT';
      // The page shows the article as stored now: after a conflict, the version that won.
      const page = await loadEditor(ctx, staffOf(request), request.params.id);
      const current = page.article;
      const savedNames = (current?.authorIds ?? []).flatMap(
        (id) => page.people.find((p) => p.id === id)?.name ?? [],
      );
      const values = bylineAsSaved(formValues(request.body), problem, savedNames);
      // After a conflict the form carries the saved version: saving again is a deliberate overwrite.
      const kept = isConflict && current ? { ...values, version: String(current.version) } : values;
      return sendEditor(
        request,
        reply,
        editorModel(page, kept, { problem, conflict: isConflict && current ? current : undefined }),
        { status: isConflict ? 409 : 400 },
      );
    },
  );

  formRoute(
    app,
    '/articles/:id/workflow',
    {
      config: { access: 'article.submit', checkBeforeBody: mayMoveBeforeBody },
      schema: { params: IdParams, body: WorkflowForm },
    },
    async (request, reply) => {
      const staff = staffOf(request);
      const { id } = request.params;
      const { action, version, publish_at } = request.body;
      const expectedVersion = versionOf(version);
      const publishAt =
        publish_at === undefined ? undefined : readLocalTime(publish_at, await siteTimeZone(ctx));
      await transitionArticle(ctx, staff, {
        articleId: id,
        action,
        ...(expectedVersion === undefined ? {} : { expectedVersion }),
        ...(publishAt !== undefined ? { publishAt } : {}),
      });
      // A contributor who has just submitted may no longer open the editor: back to the list.
      const isEditable = await mayOpenInEditor(ctx, staff, id);
      return reply.redirect(
        isEditable ? `/admin/articles/${id}?notice=${action}` : `/admin/articles?notice=${action}`,
        303,
      );
    },
    async (request, reply, problem) => {
      const page = await loadEditor(ctx, staffOf(request), request.params.id, { isReadOnly: true });
      const isRace = problem.error.kind === 'conflict' && problem.error.code !== 'STATUS_TRANSITION_INVALID';
      const message = isRace
        ? 'Someone saved this article after you opened it. Check the current version below, then try again.'
        : problem.message;
      return sendEditor(
        request,
        reply,
        editorModel(page, storedValues(page), {
          workflowProblem: { ...problem, message, values: stringValues(request.body) },
        }),
        { status: problem.status },
      );
    },
  );

  // A new article's first autosave creates it as a draft; the editor then goes on editing it.
  // "Save and upload" in the editor's upload panel: the article's whole form arrives as
  // multipart with the image, so without JavaScript an upload never throws away what was typed.
  // The article is saved first (a new one becomes a draft, untitled if need be), then the image
  // is stored; its address comes back in the editor's notice.
  await app.register(async (scope) => {
    await scope.register(fastifyMultipart, {
      attachFieldsToBody: 'keyValues',
      throwFileSizeLimit: false,
      limits: {
        fileSize: MAX_UPLOAD_BYTES + 1,
        files: 1,
        fieldSize: EDITOR_BODY_LIMIT,
        fields: MAX_AUTHORS + MAX_NEW_PEOPLE_PER_SAVE + MAX_TERMS_PER_SAVE + 100,
      },
      onFile: keepUploadedFile,
    });
    scope.setErrorHandler(refuseMalformedUpload);
    // The fields arrive in the body in the multipart plugin's own hook, after the input guard's.
    scope.addHook('preValidation', async (request) => guardBody(request));
    const typed = scope.withTypeProvider<TypeBoxTypeProvider>();
    const saveAndUpload = async (request: FastifyRequest, reply: FastifyReply, id: number | null) => {
      // Only the editor's form with its file: anything else saves nothing (a JSON body here
      // would otherwise make a draft).
      if (!request.isMultipart()) {
        throw Errors.VALIDATION_FAILED({
          details: [
            { field: 'upload_file', message: 'arrived without the form’s file: choose the image again' },
          ],
        });
      }
      const staff = staffOf(request);
      const body = request.body as Static<typeof UploadArticleForm>;
      const values = formValues(body);
      const { people, taxonomies } = await loadFormChoices(ctx, many(values, 'author'));
      let saved: { id: number };
      if (id === null) {
        const input = parseArticleForm(values, people, taxonomies, [staff.personId]);
        // The writer pressed a button: a save, so the names typed are created.
        saved = await createDraftFromAutosave(ctx, staff, input, { isSave: true });
      } else {
        const page = await loadEditor(ctx, staff, id);
        saved = await updateArticle(ctx, staff, {
          id,
          expectedVersion: versionOf(body.version) ?? -1,
          article: parseArticleForm(values, people, taxonomies, [
            ...(page.article?.authorIds ?? []),
            staff.personId,
          ]),
        });
      }
      const bytes = Buffer.isBuffer(body.upload_file) ? body.upload_file : Buffer.alloc(0);
      if (bytes.length === 0) return reply.redirect(`/admin/articles/${saved.id}?notice=saved`, 303);
      try {
        const uploaded = await uploadImage({ ...ctx, media: app.mediaStore }, staff, {
          bytes,
          filename: uploadedFileName(request) ?? '',
          alt: body.upload_alt ?? '',
        });
        return reply.redirect(
          `/admin/articles/${saved.id}?uploaded=${encodeURIComponent(uploaded.media.url)}`,
          303,
        );
      } catch (error) {
        if (!isAppError(error) || error.kind !== 'invalid') throw error;
        // The article is saved; only the image is refused: the editor again, the reason by the file.
        const page = await loadEditor(ctx, staff, saved.id);
        return sendEditor(
          request,
          reply,
          editorModel(page, storedValues(page), { uploadError: error.message }),
          {
            status: 400,
            notice: 'saved',
          },
        );
      }
    };
    const rerender = async (
      request: FastifyRequest,
      reply: FastifyReply,
      id: number | null,
      problem: FormProblem,
    ) => {
      const isConflict = problem.error.code === 'EDIT_CONFLICT';
      const page = await loadEditor(ctx, staffOf(request), id);
      const values = formValues(request.body as Record<string, unknown>);
      const current = page.article;
      const kept = isConflict && current ? { ...values, version: String(current.version) } : values;
      return sendEditor(
        request,
        reply,
        editorModel(page, kept, {
          problem: {
            ...problem,
            message: `${problem.message} The image was not uploaded: choose it again after fixing this.`,
          },
          conflict: isConflict && current ? current : undefined,
        }),
        { status: isConflict ? 409 : 400 },
      );
    };
    const uploadBodyLimit = MAX_UPLOAD_BYTES + EDITOR_BODY_LIMIT + 1024 * 1024;
    formRoute(
      typed,
      '/articles/upload',
      {
        config: { access: 'article.create' },
        schema: { body: UploadArticleForm },
        bodyLimit: uploadBodyLimit,
      },
      async (request, reply) => {
        requireUpload(staffOf(request));
        return saveAndUpload(request, reply, null);
      },
      async (request, reply, problem) => rerender(request, reply, null, problem),
    );
    formRoute(
      typed,
      '/articles/:id/upload',
      {
        config: { access: 'article.create', checkBeforeBody: mayEditBeforeBody },
        schema: { params: IdParams, body: UploadArticleForm },
        bodyLimit: uploadBodyLimit,
      },
      async (request, reply) => {
        requireUpload(staffOf(request));
        return saveAndUpload(request, reply, request.params.id);
      },
      async (request, reply, problem) => rerender(request, reply, request.params.id, problem),
    );
  });

  app.post(
    '/articles/autosave',
    {
      config: { access: 'article.create', isJsonOnly: true },
      schema: {
        body: ArticleForm,
        response: {
          200: Type.Object({
            id: Type.Integer(),
            isUntitled: Type.Boolean(),
            version: Type.Integer(),
            savedAt: Type.String(),
            editUrl: Type.String(),
            autosaveUrl: Type.String(),
            previewUrl: Type.String(),
          }),
        },
      },
      bodyLimit: EDITOR_BODY_LIMIT,
    },
    async (request, reply) => {
      const values = formValues(request.body);
      const { people, taxonomies } = await loadFormChoices(ctx, many(values, 'author'));
      const input = parseArticleForm(values, people, taxonomies, [staffOf(request).personId]);
      const article = await createDraftFromAutosave(ctx, staffOf(request), input);
      return reply.send({
        id: article.id,
        isUntitled: article.isUntitled,
        version: article.version,
        savedAt: article.updatedAt,
        editUrl: `/admin/articles/${article.id}`,
        autosaveUrl: `/admin/articles/${article.id}/autosave`,
        previewUrl: `/admin/articles/${article.id}/preview`,
      });
    },
  );

  app.post(
    '/articles/:id/autosave',
    {
      config: { access: 'article.create', isJsonOnly: true, checkBeforeBody: mayEditBeforeBody },
      schema: {
        params: IdParams,
        body: ArticleForm,
        response: {
          200: Type.Object({
            savedAt: Type.String(),
            isStale: Type.Boolean(),
            currentVersion: Type.Integer(),
          }),
        },
      },
      bodyLimit: EDITOR_BODY_LIMIT,
    },
    async (request, reply) => {
      const values = formValues(request.body);
      const { people, taxonomies } = await loadFormChoices(ctx, many(values, 'author'));
      const current = await ctx.store.articles.findById(request.params.id);
      const baseVersion = versionOf(request.body.version);
      if (request.body.version?.trim() && baseVersion === undefined) {
        throw Errors.VALIDATION_FAILED({
          details: [{ field: 'version', message: 'is not a version of this article: reload the editor' }],
        });
      }
      const result = await autosaveArticle(ctx, staffOf(request), {
        id: request.params.id,
        baseVersion: baseVersion ?? 0,
        article: parseArticleForm(values, people, taxonomies, [
          ...(current?.authorIds ?? []),
          staffOf(request).personId,
        ]),
      });
      return reply.send(result);
    },
  );

  app.post(
    '/articles/:id/autosave/discard',
    { config: { access: 'article.create', checkBeforeBody: roleDecides }, schema: { params: IdParams } },
    async (request, reply) => {
      const { id } = request.params;
      await discardAutosave(ctx, staffOf(request), id);
      return reply.redirect(`/admin/articles/${id}`, 303);
    },
  );

  /** An article (stored or as the editor holds it) as readers will see it, with a banner. */
  const sendPreview = async (
    reply: FastifyReply,
    article: Article,
    banner: string,
    newAuthors: readonly { name: string; place: number }[] = [],
  ) => {
    const [site, model] = await Promise.all([reader.site(), reader.articleModel(article, { newAuthors })]);
    if (!model) throw permissionDenied('This article cannot be previewed.');
    const meta = {
      ...articleMeta(model, site),
      noIndex: true,
      title: `Preview: ${article.title}`,
      documentTitle: article.seoTitle ? `Preview: ${article.seoTitle}` : null,
    };
    const back = article.id ? `/admin/articles/${article.id}` : '/admin/articles/new';
    const top = html`<link rel="stylesheet" href="${newsroomCss()}"><div class="preview-banner" role="note">
${banner} <a href="${back}">Back to the editor</a></div>`;
    const page = layout(site, meta, assets, html`${top}${articleView(model, site, { isPreview: true })}`);
    return reply
      .type('text/html; charset=utf-8')
      .header('x-robots-tag', 'noindex')
      .header('cache-control', 'no-store')
      .send(page.value);
  };

  app.get(
    '/articles/:id/preview',
    { config: { access: 'article.create' }, schema: { params: IdParams } },
    async (request, reply) => {
      const staff = staffOf(request);
      const { article } = await loadPreviewable(ctx, staff, request.params.id);
      return sendPreview(reply, article, storedPreviewBanner(article.status));
    },
  );

  /** The editor's Preview button: the form as it is now, saved or not, in a new tab. */
  const previewUnsaved = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: number | null,
    body: Record<string, unknown>,
  ) => {
    const values = formValues(body);
    const { people, taxonomies } = await loadFormChoices(ctx, many(values, 'author'));
    const input = parseArticleForm(values, people, taxonomies, [staffOf(request).personId]);
    const { article, storedStatus, newAuthors } = await previewArticle(ctx, staffOf(request), {
      id,
      article: input,
    });
    const what =
      storedStatus === null
        ? 'Preview of a new article, not saved yet'
        : storedStatus === 'published'
          ? 'Preview of your unsaved changes to this published article: readers still see the saved version'
          : `Preview of your unsaved changes to a ${storedStatus} article`;
    return sendPreview(reply, article, `${what}, as readers will see it.`, newAuthors);
  };

  app.post(
    '/articles/preview',
    { config: { access: 'article.create' }, schema: { body: ArticleForm }, bodyLimit: EDITOR_BODY_LIMIT },
    async (request, reply) => previewUnsaved(request, reply, null, request.body),
  );

  app.post(
    '/articles/:id/preview',
    {
      config: { access: 'article.create', checkBeforeBody: mayPreviewBeforeBody },
      schema: { params: IdParams, body: ArticleForm },
      bodyLimit: EDITOR_BODY_LIMIT,
    },
    async (request, reply) => previewUnsaved(request, reply, request.params.id, request.body),
  );

  app.post(
    '/articles/checklist',
    {
      config: { access: 'article.create', isJsonOnly: true },
      schema: {
        querystring: Type.Object({ article: Type.Optional(Type.Integer({ minimum: 1 })) }),
        body: ArticleForm,
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                key: Type.String(),
                label: Type.String(),
                isDone: Type.Boolean(),
                note: Type.String(),
              }),
            ),
          }),
        },
      },
      bodyLimit: EDITOR_BODY_LIMIT,
    },
    async (request, reply) => {
      const values = formValues(request.body);
      const { people, taxonomies } = await loadFormChoices(ctx, many(values, 'author'));
      const input = parseArticleForm(values, people, taxonomies, [staffOf(request).personId]);
      // The article the form edits, if saved: its own slug is no clash.
      return reply.send({ items: await checklistFor(ctx, input, request.query.article) });
    },
  );

  app.get(
    '/articles/:id/publish',
    { config: { access: 'article.submit' }, schema: { params: IdParams } },
    async (request, reply) => {
      const page = await loadEditor(ctx, staffOf(request), request.params.id);
      const article = page.article;
      if (!article || !page.canPublish) {
        throw permissionDenied('Your role may not publish this article now.');
      }
      const items = await checklistFor(ctx, inputOf(article), article.id);
      return deps.page(request, reply, {
        title: `Publish: ${article.title}`,
        notice: 'Saved.',
        body: (csrf) => publishConfirmView({ article, items }, csrf),
      });
    },
  );

  app.get(
    '/articles/:id/mentions',
    { config: { access: 'article.create' }, schema: { params: IdParams } },
    (request, reply) =>
      articleListPage(request, reply, {
        articleId: request.params.id,
        refusal: 'You can only see the mentions of your own articles.',
        heading: 'Mentions',
        list: async (articleId) => {
          const [mentions, total] = await Promise.all([
            mentionsOf(ctx, articleId),
            mentionCountOf(ctx, articleId),
          ]);
          return { mentions, total };
        },
        view: (article, { mentions, total }, calendar) =>
          mentionListView({ article, mentions, total, calendar }),
      }),
  );

  app.get(
    '/articles/:id/revisions',
    { config: { access: 'article.create' }, schema: { params: IdParams, querystring: NoticeQuery } },
    async (request, reply) => {
      const staff = staffOf(request);
      const { article, isOwn } = await loadEditableArticle(
        ctx.store,
        staff,
        request.params.id,
        'You can only see the history of your own articles.',
      );
      const [revisions, calendar] = await Promise.all([
        listArticleRevisions(ctx, article.id),
        loadSiteSettings(ctx),
      ]);
      return deps.page(request, reply, {
        title: `History: ${article.title}`,
        notice: noticeIn(NOTICES, request.query.notice),
        body: (csrf) =>
          revisionListView(
            { article, revisions, canRestore: mayEditArticle(staff.role, article.status, isOwn), calendar },
            csrf,
          ),
      });
    },
  );

  app.get(
    '/articles/:id/republications',
    { config: { access: 'article.create' }, schema: { params: IdParams } },
    (request, reply) =>
      articleListPage(request, reply, {
        articleId: request.params.id,
        refusal: 'You can only see where your own articles were republished.',
        heading: 'Republications',
        list: async (articleId) => {
          const republications = await republicationsOf(ctx, articleId);
          // Counted again only when the list is cut: summing a much-copied article's pages takes a while.
          const totals =
            republications.length < MAX_REPUBLICATIONS_LISTED
              ? { pages: republications.length, views: republications.reduce((n, r) => n + r.views, 0) }
              : await republicationTotalsOf(ctx, articleId);
          return { republications, totals };
        },
        view: (article, { republications, totals }, calendar) =>
          republicationListView({ article, republications, totals, calendar }),
      }),
  );

  app.get(
    '/articles/:id/revisions/:revisionId',
    { config: { access: 'article.create' }, schema: { params: RevisionParams } },
    async (request, reply) => {
      const staff = staffOf(request);
      const { article, isOwn } = await loadEditableArticle(
        ctx.store,
        staff,
        request.params.id,
        'You can only compare your own articles.',
      );
      const [diff, calendar] = await Promise.all([
        compareRevisions(ctx, { articleId: article.id, fromId: request.params.revisionId }),
        loadSiteSettings(ctx),
      ]);
      return deps.page(request, reply, {
        title: `Compare version ${diff.from.version} with the current one`,
        body: (csrf) =>
          revisionDiffView(
            {
              article,
              from: diff.from,
              fields: diff.fields,
              canRestore: mayEditArticle(staff.role, article.status, isOwn),
              calendar,
            },
            csrf,
          ),
      });
    },
  );

  app.post(
    '/articles/:id/revisions/:revisionId/restore',
    {
      config: { access: 'article.create', checkBeforeBody: mayEditBeforeBody },
      schema: { params: RevisionParams, body: VersionForm },
    },
    async (request, reply) => {
      const { id, revisionId } = request.params;
      const expectedVersion = versionOf(request.body.version);
      await restoreRevision(ctx, staffOf(request), {
        articleId: id,
        revisionId,
        ...(expectedVersion === undefined ? {} : { expectedVersion }),
      });
      return reply.redirect(`/admin/articles/${id}?notice=restored`, 303);
    },
  );

  /** The deletion's confirmation page, with the submitted values and problem when it is shown again. */
  const sendDeleteConfirm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    articleId: number,
    state: { values?: Record<string, string>; problem?: FormProblem } = {},
  ) => {
    const plan = await planDeletion(ctx, staffOf(request), articleId);
    const revisions = await listArticleRevisions(ctx, articleId);
    return deps.page(request, reply, {
      title: `Delete: ${plan.article.title}`,
      status: state.problem?.status ?? 200,
      body: (csrf) =>
        deleteConfirmView(
          { plan, revisionCount: revisions.length, values: state.values ?? {}, problem: state.problem },
          csrf,
        ),
    });
  };

  app.get(
    '/articles/:id/delete',
    { config: { access: 'article.delete_own' }, schema: { params: IdParams } },
    async (request, reply) => sendDeleteConfirm(request, reply, request.params.id),
  );

  formRoute(
    app,
    '/articles/:id/delete',
    {
      config: { access: 'article.delete_own', checkBeforeBody: mayDeleteBeforeBody },
      schema: { params: IdParams, body: DeleteForm },
    },
    async (request, reply) => {
      const expectedVersion = versionOf(request.body.version);
      await deleteArticle(ctx, staffOf(request), {
        articleId: request.params.id,
        ...(expectedVersion === undefined ? {} : { expectedVersion }),
        ...(request.body.redirect_to ? { redirectTo: request.body.redirect_to } : {}),
      });
      return reply.redirect('/admin/articles?notice=deleted', 303);
    },
    async (request, reply, problem) => {
      const isRace = problem.error.code === 'EDIT_CONFLICT';
      const shown = isRace
        ? {
            ...problem,
            message:
              'Someone saved this article after you opened this page. Check what it is now below, then confirm again.',
          }
        : problem;
      return sendDeleteConfirm(request, reply, request.params.id, {
        values: stringValues(request.body),
        problem: shown,
      });
    },
  );

  formRoute(
    app,
    '/articles/:id/corrections',
    {
      config: { access: 'article.correct', checkBeforeBody: roleDecides },
      schema: { params: IdParams, body: CorrectionForm },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { kind = '', note = '' } = request.body;
      await addCorrection(ctx, staffOf(request), { articleId: id, kind, note });
      return reply.redirect(`/admin/articles/${id}?notice=corrected#corrections-heading`, 303);
    },
    async (request, reply, problem) => {
      const page = await loadEditor(ctx, staffOf(request), request.params.id);
      return sendEditor(
        request,
        reply,
        editorModel(page, storedValues(page), {
          correctionProblem: { ...problem, values: stringValues(request.body) },
        }),
        { status: 400 },
      );
    },
  );

  // A refused edit or withdrawal shows the editor with that correction's own form open, and what
  // was typed kept.
  const correctionRerender = async (
    request: FastifyRequest<{ Params: { id: number; correctionId: number } }>,
    reply: FastifyReply,
    problem: FormProblem,
    isWithdrawal: boolean,
  ) => {
    const { id, correctionId } = request.params;
    const page = await loadEditor(ctx, staffOf(request), id);
    return sendEditor(
      request,
      reply,
      editorModel(page, storedValues(page), {
        correctionProblem: { ...problem, values: stringValues(request.body), correctionId, isWithdrawal },
      }),
      { status: problem.status },
    );
  };

  formRoute(
    app,
    '/articles/:id/corrections/:correctionId',
    {
      config: { access: 'article.correct', checkBeforeBody: roleDecides },
      schema: { params: CorrectionParams, body: CorrectionForm },
    },
    async (request, reply) => {
      const { id, correctionId } = request.params;
      const { kind = '', note = '' } = request.body;
      await editCorrection(ctx, staffOf(request), { articleId: id, correctionId, kind, note });
      return reply.redirect(`/admin/articles/${id}?notice=correction-edited#corrections-heading`, 303);
    },
    (request, reply, problem) => correctionRerender(request, reply, problem, false),
  );

  formRoute(
    app,
    '/articles/:id/corrections/:correctionId/withdraw',
    {
      config: { access: 'article.correct', checkBeforeBody: roleDecides },
      schema: { params: CorrectionParams, body: WithdrawForm },
    },
    async (request, reply) => {
      const { id, correctionId } = request.params;
      const { reason = '' } = request.body;
      await withdrawCorrection(ctx, staffOf(request), { articleId: id, correctionId, reason });
      return reply.redirect(`/admin/articles/${id}?notice=correction-withdrawn#corrections-heading`, 303);
    },
    (request, reply, problem) => correctionRerender(request, reply, problem, true),
  );

  app.post(
    '/preview',
    {
      config: { access: 'article.create', isJsonOnly: true },
      schema: { body: MarkdownForm, response: { 200: Type.Object({ html: Type.String() }) } },
      bodyLimit: EDITOR_BODY_LIMIT,
    },
    async (request, reply) =>
      sendJson(reply, { html: await renderMarkdown(request.body.markdown ?? '', { field: 'body' }) }),
  );

  app.post(
    '/paste',
    {
      config: { access: 'article.create', isJsonOnly: true },
      schema: { body: PasteForm, response: { 200: Type.Object({ markdown: Type.String() }) } },
      bodyLimit: EDITOR_BODY_LIMIT,
    },
    async (request, reply) => sendJson(reply, { markdown: await convertPastedHtml(request.body.html ?? '') }),
  );
}

/**
 * Sends a JSON answer serialized by V8's JSON.stringify. The schema's serializer escapes string
 * by string in JavaScript: 28 ms on the event loop for a 4 MB preview, against 5 ms here.
 */
function sendJson(reply: FastifyReply, body: Record<string, string>): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(body));
}

const NOTICES: Record<string, string> = {
  created: 'Draft created.',
  saved: 'Saved.',
  submit: 'Submitted for review.',
  return: 'Sent back to draft.',
  publish: 'Published.',
  schedule: 'Scheduled.',
  unpublish: 'Unpublished.',
  restored: 'Revision restored as a new version.',
  corrected: 'Note added to the article.',
  'correction-edited': 'Correction changed; its earlier text stays in the history.',
  'correction-withdrawn': 'Correction withdrawn; readers are told it was, and why.',
  deleted: 'Article deleted. Its history is kept, and an admin can restore it.',
  undeleted: 'Article restored, as it was left: publish it again when it is ready.',
  'bulk-none': 'Nothing was done: tick the articles to apply the action to, then apply it again.',
  'bulk-no-term': 'Nothing was moved: choose the term to move the ticked articles to, then apply it again.',
};

/**
 * The byline as the form shows it after a save that refused some of its names: only the people
 * already saved on it stay chosen; the names refused go back into the fields to type in, as typed,
 * beside the message. Shown as chosen, a refused co-author looked as if it had been added.
 */
function bylineAsSaved(
  values: ArticleFormValues,
  problem: FormProblem,
  savedNames: readonly string[],
): ArticleFormValues {
  if (!problem.errors.author && !problem.errors.authors) return values;
  const key = (name: string) => name.trim().toLowerCase();
  const saved = new Set(savedNames.map(key));
  const names = many(values, 'author').filter((name) => name.trim());
  return {
    ...values,
    author: names.filter((name) => saved.has(key(name))),
    author_typed: names.filter((name) => !saved.has(key(name))),
  };
}

/** What the banner over a preview of the saved article says, by its status. */
function storedPreviewBanner(status: Article['status']): string {
  if (status === 'published') return 'Preview of this published article: readers see it like this now.';
  if (status === 'scheduled')
    return 'Preview of this scheduled article, as readers will see it when it goes live.';
  return `Preview of a ${status} article, as readers will see it once published.`;
}

/**
 * A datetime-local value ("2026-12-01T09:30") is read in the site's time zone, as the form says;
 * anything else goes on as typed, for the workflow to refuse with its own message.
 */
function readLocalTime(value: string, timeZone: string): string {
  return zonedToUtc(value, timeZone) ?? value.trim();
}

/** The site's time zone, in which the newsroom enters and reads times. */
async function siteTimeZone(ctx: ServiceContext): Promise<string> {
  return (await loadSiteSettings(ctx)).timeZone;
}

/** The bulk actions a role may take on some article (each chosen article is still checked on its own). */
function bulkActionsFor(staff: Staff): BulkAction[] {
  const mayPublish = canOnItem(staff.role, 'article', 'publish', { isOwn: true });
  const mayEdit = canOnItem(staff.role, 'article', 'edit', { isOwn: true });
  return BULK_ACTIONS.filter((action) => {
    if (action === 'submit') return can(staff.role, 'article.submit');
    if (action === 'move') return mayEdit;
    return mayPublish;
  });
}

/** The list's address query for these filters, starting after `after` when given ("" for none). */
function listQueryString(
  filters: ArticleListFilters,
  page: { after?: AdminArticleCursor; before?: AdminArticleCursor } = {},
): string {
  const params = new URLSearchParams();
  if (filters.text) params.set('q', filters.text);
  if (filters.status) params.set('status', filters.status);
  if (filters.author) params.set('author', filters.author);
  if (filters.term) params.set('term', filters.term);
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  if (filters.sort !== 'updated') params.set('sort', filters.sort);
  if (page.after) params.set('after', encodeCursor(page.after));
  if (page.before) params.set('before', encodeCursor(page.before));
  const query = params.toString();
  return query ? `?${query}` : '';
}
