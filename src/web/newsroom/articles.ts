import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderMarkdown } from '../../content/markdown.ts';
import { ARTICLE_STATUSES, type Article, type ArticleStatus } from '../../domain/article.ts';
import { articlePath } from '../../domain/paths.ts';
import { can } from '../../domain/permissions.ts';
import {
  availableTransitions,
  mayEditArticle,
  WORKFLOW_ACTIONS,
  type WorkflowAction,
} from '../../domain/workflow.ts';
import { isAppError } from '../../errors.ts';
import { listArticlesFor } from '../../services/newsroom/article-list.ts';
import { addCorrection } from '../../services/newsroom/corrections.ts';
import {
  autosaveArticle,
  blankArticleInput,
  createArticle,
  discardAutosave,
  findAutosave,
  inputOf,
  updateArticle,
} from '../../services/newsroom/editor.ts';
import { pastedHtmlToMarkdown } from '../../services/newsroom/paste.ts';
import {
  compareRevisions,
  listArticleRevisions,
  restoreRevision,
} from '../../services/newsroom/revisions.ts';
import {
  loadArticle,
  loadEditableArticle,
  permissionDenied,
  type Staff,
} from '../../services/newsroom/staff.ts';
import { transitionArticle } from '../../services/newsroom/workflow.ts';
import { Reader } from '../../services/reader.ts';
import { loadSettings } from '../../services/settings.ts';
import { assetUrls } from '../assets.ts';
import { articleMeta, articleView } from '../views/article.ts';
import { html } from '../views/html.ts';
import { layout } from '../views/layout.ts';
import { articleListView, revisionDiffView, revisionListView } from '../views/newsroom/article-admin.ts';
import { articleEditorView, type EditorModel } from '../views/newsroom/article-editor.ts';
import { newsroomCss } from '../views/newsroom/assets.ts';
import { type ArticleFormValues, formValues, one, parseArticleForm, valuesOfInput } from './article-form.ts';
import type { AdminDeps } from './deps.ts';
import { fieldErrorsOf, stringValues } from './forms.ts';
import { currentUser } from './guard.ts';

const EDITOR_BODY_LIMIT = 4 * 1024 * 1024;

type Params = { id: string };
type RevisionParams = { id: string; revisionId: string };

function idOf(value: string): number {
  const id = Number(value);
  return Number.isInteger(id) && id > 0 ? id : -1;
}

/** Articles: list, editor, workflow, autosave, preview, revisions and corrections. */
export async function articlePages(app: FastifyInstance, deps: AdminDeps): Promise<void> {
  const { ctx } = deps;
  const reader = new Reader(ctx);
  const assets = assetUrls();

  const staffOf = (request: FastifyRequest): Staff => currentUser(request);

  const editorModel = async (
    staff: Staff,
    article: Article | null,
    values: ArticleFormValues,
    extra: Partial<EditorModel> = {},
  ): Promise<EditorModel> => {
    const [people, taxonomies, terms] = await Promise.all([
      ctx.store.people.list(),
      ctx.store.taxonomies.listTaxonomies(),
      ctx.store.taxonomies.listTerms(),
    ]);
    let actions: WorkflowAction[] = [];
    if (article) {
      const { isOwn } = await loadArticle(ctx.store, staff, article.id);
      actions = availableTransitions(staff.role, article.status, isOwn);
    }
    return {
      article,
      values,
      people,
      taxonomies,
      terms,
      actions,
      corrections: article ? await ctx.store.corrections.listFor(article.id) : [],
      canCorrect: can(staff.role, 'article.publish_any') && article !== null,
      canFeature: can(staff.role, 'article.publish_any'),
      canManageTerms: can(staff.role, 'taxonomy.manage'),
      publicUrl: article ? articlePath(article.slug) : null,
      ...extra,
    };
  };

  const sendEditor = async (
    request: FastifyRequest,
    reply: FastifyReply,
    model: EditorModel,
    status = 200,
  ) => {
    const uploaded = (request.query as { uploaded?: string }).uploaded;
    const notice = uploaded?.startsWith('/media/')
      ? html`Image uploaded: <code>${uploaded}</code>. Put the address in “Featured image”, or in the body as <code>![description](${uploaded})</code>.`
      : noticeOf(request);
    return deps.page(request, reply, {
      title: model.article ? `Edit: ${model.article.title}` : 'New article',
      status,
      notice: model.problem || model.workflowProblem || model.correctionProblem ? undefined : notice,
      body: (csrf) => articleEditorView(model, csrf),
    });
  };

  /** Loads an article the user may edit now, or refuses. */
  const editable = async (staff: Staff, id: number) => {
    const loaded = await loadArticle(ctx.store, staff, id);
    if (!mayEditArticle(staff.role, loaded.article.status, loaded.isOwn)) {
      throw permissionDenied(
        loaded.isOwn
          ? `“${loaded.article.title}” is ${loaded.article.status}; only an editor can change it now.`
          : 'Your role does not allow this. You can only edit your own articles.',
      );
    }
    return loaded;
  };

  app.get('/articles', { config: { access: 'article.create' } }, async (request, reply) => {
    const staff = staffOf(request);
    const query = request.query as { status?: string };
    const status = ARTICLE_STATUSES.includes(query.status as ArticleStatus)
      ? (query.status as ArticleStatus)
      : 'all';
    const { rows, counts } = await listArticlesFor(ctx, staff, status);
    return deps.page(request, reply, {
      title: status === 'review' ? 'Review queue' : 'Articles',
      notice: noticeOf(request),
      body: articleListView({ rows, status, counts, canCreate: can(staff.role, 'article.create') }),
    });
  });

  app.get('/articles/new', { config: { access: 'article.create' } }, async (request, reply) => {
    const staff = staffOf(request);
    const language = (await loadSettings(ctx.store)).language;
    const values = valuesOfInput(blankArticleInput(language), [], null);
    if (staff.personId !== null) {
      const person = await ctx.store.people.findById(staff.personId);
      if (person) values.author = [person.name];
    }
    return sendEditor(request, reply, await editorModel(staff, null, values));
  });

  app.post(
    '/articles',
    { config: { access: 'article.create' }, bodyLimit: EDITOR_BODY_LIMIT },
    async (request, reply) => {
      const staff = staffOf(request);
      const values = formValues(request.body);
      const [people, taxonomies] = await Promise.all([
        ctx.store.people.list(),
        ctx.store.taxonomies.listTaxonomies(),
      ]);
      try {
        const article = await createArticle(ctx, staff, parseArticleForm(values, people, taxonomies));
        return reply.redirect(`/admin/articles/${article.id}?notice=created`, 303);
      } catch (error) {
        const problem = fieldErrorsOf(error);
        if (!problem) throw error;
        return sendEditor(request, reply, await editorModel(staff, null, values, { problem }), 400);
      }
    },
  );

  app.get<{ Params: Params }>(
    '/articles/:id',
    { config: { access: 'article.create' } },
    async (request, reply) => {
      const staff = staffOf(request);
      const { article } = await editable(staff, idOf(request.params.id));
      const people = await ctx.store.people.list();
      const autosave = await findAutosave(ctx, staff, article);
      const isRestoring = (request.query as { restore?: string }).restore === 'autosave' && autosave;
      const values = isRestoring
        ? valuesOfInput(autosave.input, people, autosave.baseVersion)
        : valuesOfInput(inputOf(article), people, article.version);
      return sendEditor(
        request,
        reply,
        await editorModel(staff, article, values, {
          autosave: autosave && !isRestoring ? { savedAt: autosave.savedAt } : undefined,
        }),
      );
    },
  );

  app.post<{ Params: Params }>(
    '/articles/:id',
    { config: { access: 'article.create' }, bodyLimit: EDITOR_BODY_LIMIT },
    async (request, reply) => {
      const staff = staffOf(request);
      const { article } = await editable(staff, idOf(request.params.id));
      const values = formValues(request.body);
      const [people, taxonomies] = await Promise.all([
        ctx.store.people.list(),
        ctx.store.taxonomies.listTaxonomies(),
      ]);
      try {
        const expectedVersion = Number(one(values, 'version'));
        await updateArticle(ctx, staff, {
          id: article.id,
          expectedVersion: Number.isInteger(expectedVersion) ? expectedVersion : -1,
          article: parseArticleForm(values, people, taxonomies),
        });
        return reply.redirect(`/admin/articles/${article.id}?notice=saved`, 303);
      } catch (error) {
        const problem = fieldErrorsOf(error);
        if (!problem) throw error;
        const isConflict = isAppError(error) && error.code === 'EDIT_CONFLICT';
        const current = (await ctx.store.articles.findById(article.id)) ?? article;
        // After a conflict the form carries the saved version: saving again is a deliberate overwrite.
        const kept = isConflict ? { ...values, version: String(current.version) } : values;
        return sendEditor(
          request,
          reply,
          await editorModel(staff, current, kept, { problem, conflict: isConflict ? current : undefined }),
          isConflict ? 409 : 400,
        );
      }
    },
  );

  app.post<{ Params: Params }>(
    '/articles/:id/workflow',
    { config: { access: 'article.submit' } },
    async (request, reply) => {
      const staff = staffOf(request);
      const submitted = stringValues(request.body);
      const id = idOf(request.params.id);
      const action = submitted.action as WorkflowAction;
      if (!WORKFLOW_ACTIONS.includes(action)) {
        return reply.redirect(`/admin/articles/${id}`, 303);
      }
      const version = Number(submitted.version);
      try {
        await transitionArticle(ctx, staff, {
          articleId: id,
          action,
          ...(Number.isInteger(version) ? { expectedVersion: version } : {}),
          ...(submitted.publish_at !== undefined
            ? { publishAt: normalizeLocalTime(submitted.publish_at) }
            : {}),
        });
        // A contributor who has just submitted may no longer open the editor: back to the list.
        const after = await loadArticle(ctx.store, staff, id);
        const isEditable = mayEditArticle(staff.role, after.article.status, after.isOwn);
        return reply.redirect(
          isEditable ? `/admin/articles/${id}?notice=${action}` : `/admin/articles?notice=${action}`,
          303,
        );
      } catch (error) {
        const problem = fieldErrorsOf(error);
        if (!problem) throw error;
        const { article } = await loadArticle(ctx.store, staff, id);
        const people = await ctx.store.people.list();
        const message =
          isAppError(error) && error.kind === 'conflict' && error.code !== 'STATUS_TRANSITION_INVALID'
            ? 'Someone saved this article after you opened it. Check the current version below, then try again.'
            : problem.message;
        return sendEditor(
          request,
          reply,
          await editorModel(staff, article, valuesOfInput(inputOf(article), people, article.version), {
            workflowProblem: { ...problem, message, values: submitted },
          }),
          isAppError(error) && error.kind === 'conflict' ? 409 : 400,
        );
      }
    },
  );

  app.post<{ Params: Params }>(
    '/articles/:id/autosave',
    { config: { access: 'article.create' }, bodyLimit: EDITOR_BODY_LIMIT },
    async (request, reply) => {
      const staff = staffOf(request);
      const values = formValues(request.body);
      const [people, taxonomies] = await Promise.all([
        ctx.store.people.list(),
        ctx.store.taxonomies.listTaxonomies(),
      ]);
      const result = await autosaveArticle(ctx, staff, {
        id: idOf(request.params.id),
        baseVersion: Number(one(values, 'version')) || 0,
        article: parseArticleForm(values, people, taxonomies),
      });
      return reply.send(result);
    },
  );

  app.post<{ Params: Params }>(
    '/articles/:id/autosave/discard',
    { config: { access: 'article.create' } },
    async (request, reply) => {
      const staff = staffOf(request);
      const id = idOf(request.params.id);
      await discardAutosave(ctx, staff, id);
      return reply.redirect(`/admin/articles/${id}`, 303);
    },
  );

  app.get<{ Params: Params }>(
    '/articles/:id/preview',
    { config: { access: 'article.create' } },
    async (request, reply) => {
      const staff = staffOf(request);
      const { article } = await loadEditableArticle(
        ctx.store,
        staff,
        idOf(request.params.id),
        'You can only preview your own articles.',
      );
      const [site, model] = await Promise.all([reader.site(), reader.articleModel(article)]);
      if (!model) throw permissionDenied('This article cannot be previewed.');
      const meta = { ...articleMeta(model, site), noIndex: true, title: `Preview: ${article.title}` };
      const banner = html`<link rel="stylesheet" href="${newsroomCss()}"><div class="preview-banner" role="note">
Preview of a ${article.status} article, as readers will see it once published. <a href="/admin/articles/${article.id}">Back to the editor</a></div>`;
      const page = layout(site, meta, assets, html`${banner}${articleView(model, site)}`);
      return reply.type('text/html; charset=utf-8').header('x-robots-tag', 'noindex').send(page.value);
    },
  );

  app.get<{ Params: Params }>(
    '/articles/:id/revisions',
    { config: { access: 'article.create' } },
    async (request, reply) => {
      const staff = staffOf(request);
      const { article, isOwn } = await loadEditableArticle(
        ctx.store,
        staff,
        idOf(request.params.id),
        'You can only see the history of your own articles.',
      );
      const revisions = await listArticleRevisions(ctx, article.id);
      return deps.page(request, reply, {
        title: `History: ${article.title}`,
        notice: noticeOf(request),
        body: (csrf) =>
          revisionListView(
            { article, revisions, canRestore: mayEditArticle(staff.role, article.status, isOwn) },
            csrf,
          ),
      });
    },
  );

  app.get<{ Params: RevisionParams }>(
    '/articles/:id/revisions/:revisionId',
    { config: { access: 'article.create' } },
    async (request, reply) => {
      const staff = staffOf(request);
      const { article, isOwn } = await loadEditableArticle(
        ctx.store,
        staff,
        idOf(request.params.id),
        'You can only compare your own articles.',
      );
      const diff = await compareRevisions(ctx, {
        articleId: article.id,
        fromId: idOf(request.params.revisionId),
      });
      return deps.page(request, reply, {
        title: `Compare version ${diff.from.version} with the current one`,
        body: (csrf) =>
          revisionDiffView(
            {
              article,
              from: diff.from,
              fields: diff.fields,
              canRestore: mayEditArticle(staff.role, article.status, isOwn),
            },
            csrf,
          ),
      });
    },
  );

  app.post<{ Params: RevisionParams }>(
    '/articles/:id/revisions/:revisionId/restore',
    { config: { access: 'article.create' } },
    async (request, reply) => {
      const staff = staffOf(request);
      const id = idOf(request.params.id);
      const version = Number(stringValues(request.body).version);
      await restoreRevision(ctx, staff, {
        articleId: id,
        revisionId: idOf(request.params.revisionId),
        ...(Number.isInteger(version) ? { expectedVersion: version } : {}),
      });
      return reply.redirect(`/admin/articles/${id}?notice=restored`, 303);
    },
  );

  app.post<{ Params: Params }>(
    '/articles/:id/corrections',
    { config: { access: 'article.publish_any' } },
    async (request, reply) => {
      const staff = staffOf(request);
      const id = idOf(request.params.id);
      const submitted = stringValues(request.body);
      try {
        await addCorrection(ctx, staff, {
          articleId: id,
          kind: submitted.kind ?? '',
          note: submitted.note ?? '',
        });
        return reply.redirect(`/admin/articles/${id}?notice=corrected#corrections-heading`, 303);
      } catch (error) {
        const problem = fieldErrorsOf(error);
        if (!problem) throw error;
        const { article } = await editable(staff, id);
        const people = await ctx.store.people.list();
        return sendEditor(
          request,
          reply,
          await editorModel(staff, article, valuesOfInput(inputOf(article), people, article.version), {
            correctionProblem: { ...problem, values: submitted },
          }),
          400,
        );
      }
    },
  );

  app.post(
    '/preview',
    { config: { access: 'article.create' }, bodyLimit: EDITOR_BODY_LIMIT },
    async (request, reply) => {
      const { markdown } = stringValues(request.body);
      return reply.send({ html: renderMarkdown(markdown ?? '') });
    },
  );

  app.post(
    '/paste',
    { config: { access: 'article.create' }, bodyLimit: EDITOR_BODY_LIMIT },
    async (request, reply) => {
      const submitted = stringValues(request.body);
      return reply.send({ markdown: pastedHtmlToMarkdown(submitted.html ?? '') });
    },
  );
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
};

function noticeOf(request: FastifyRequest): string | undefined {
  const notice = (request.query as { notice?: string }).notice;
  return notice ? NOTICES[notice] : undefined;
}

/** A datetime-local value ("2026-12-01T08:00") is read as UTC, as the form says. */
function normalizeLocalTime(value: string): string {
  const trimmed = value.trim();
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$/.test(trimmed)) return `${trimmed.replace(' ', 'T')}Z`;
  return trimmed;
}
