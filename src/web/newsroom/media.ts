import fastifyMultipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { can } from '../../domain/permissions.ts';
import { isAppError } from '../../errors.ts';
import {
  canDescribe,
  deleteImage,
  describeImage,
  MAX_UPLOAD_BYTES,
  planImageDeletion,
  searchImages,
  srcsetOf,
  thumbnailOf,
  uploadImage,
} from '../../services/newsroom/media.ts';
import { guardBody } from '../input-guard.ts';
import { IdParams, OptionalText, type TypedApp } from '../schemas.ts';
import { html } from '../views/html.ts';
import { newsroomJs } from '../views/newsroom/assets.ts';
import {
  filterFieldState,
  filterSummary,
  filterValue,
  type ListFilterProblems,
} from '../views/newsroom/list-filters.ts';
import type { AdminDeps } from './deps.ts';
import { csrfField, listFilterProblems, pageTokenOf } from './forms.ts';
import { currentUser } from './guard.ts';
import { keepUploadedFile, refuseMalformedUpload, uploadedFileName } from './uploaded-file.ts';

/** A multipart upload: the file arrives as a Buffer (checked in the handler), the rest as text. */
const UploadForm = Type.Object({
  file: Type.Optional(Type.Unknown()),
  alt: OptionalText,
  filename: OptionalText,
  return_to: OptionalText,
});

const Uploaded = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  thumb: Type.String(),
  alt: Type.Union([Type.String(), Type.Null()]),
  width: Type.Integer(),
  height: Type.Integer(),
  variants: Type.Array(Type.Object({ url: Type.String(), format: Type.String(), width: Type.Integer() })),
});

const LibraryQuery = Type.Object({
  uploaded: OptionalText,
  q: OptionalText,
  notice: OptionalText,
  before: OptionalText,
});
/** Images on one page of the library. */
const LIBRARY_PAGE = 60;

const PickerQuery = Type.Object({ q: OptionalText });
const DescribeForm = Type.Object({ alt: OptionalText, caption: OptionalText, q: OptionalText });

/** One image as the editor's picker shows it. */
const PickerImage = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  thumb: Type.String(),
  alt: Type.String(),
  caption: Type.String(),
  title: Type.String(),
});

function wantsJson(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('application/json');
}

/** Where an upload form may send the user back to: only admin pages. */
function safeReturn(value: string | undefined): string {
  return value !== undefined && /^\/admin(\/[\w/-]*)?$/.test(value) ? value : '/admin/media';
}

/** Image uploads (drag and drop from the editor, or a plain file form) and the media library. */
export async function mediaPages(app: TypedApp, deps: AdminDeps): Promise<void> {
  const { ctx } = deps;
  const store = app.mediaStore;

  await app.register(async (scope) => {
    await scope.register(fastifyMultipart, {
      attachFieldsToBody: 'keyValues',
      // An oversized file arrives cut at the limit; the service then refuses it with a clear message.
      throwFileSizeLimit: false,
      limits: { fileSize: MAX_UPLOAD_BYTES + 1, files: 1, fields: 10 },
      // The file's own name is kept as the image's title, which the library's search reads.
      onFile: keepUploadedFile,
    });

    scope.setErrorHandler(refuseMalformedUpload);
    // The fields arrive in the body in the multipart plugin's own hook, after the input guard's.
    scope.addHook('preValidation', async (request) => guardBody(request));

    scope.withTypeProvider<TypeBoxTypeProvider>().post(
      '/media',
      {
        config: { access: 'media.upload' },
        bodyLimit: MAX_UPLOAD_BYTES + 1024 * 1024,
        schema: { body: UploadForm, response: { 200: Uploaded } },
      },
      async (request, reply) => {
        const staff = currentUser(request);
        const { file, alt = '', filename = '', return_to } = request.body;
        const bytes = Buffer.isBuffer(file) ? file : Buffer.alloc(0);
        const back = safeReturn(return_to);
        try {
          const uploaded = await uploadImage({ ...ctx, media: store }, staff, {
            bytes,
            filename: filename || uploadedFileName(request) || '',
            alt,
          });
          if (wantsJson(request)) {
            return reply.send({
              id: uploaded.media.id,
              url: uploaded.media.url,
              thumb: thumbnailOf(uploaded.media, uploaded.variants),
              alt: uploaded.media.alt,
              width: uploaded.width,
              height: uploaded.height,
              variants: uploaded.variants.map((v) => ({ url: v.url, format: v.format, width: v.width })),
            });
          }
          return reply.redirect(`${back}?uploaded=${encodeURIComponent(uploaded.media.url)}`, 303);
        } catch (error) {
          if (!isAppError(error) || error.kind !== 'invalid') throw error;
          // The error handler answers JSON with the code, message, details and request id.
          if (wantsJson(request)) throw error;
          return libraryPage(request, reply, { error: error.message, alt, back, status: 400 });
        }
      },
    );
  });

  const libraryPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    state: {
      error?: string;
      alt?: string;
      back?: string;
      status?: number;
      uploaded?: string | undefined;
      query?: string | undefined;
      notice?: string | undefined;
      before?: number | undefined;
      problems?: ListFilterProblems | undefined;
    } = {},
  ) => {
    const query = state.query?.trim() ?? '';
    const searchState = filterFieldState(state.problems, 'q', 'media-q');
    const images = await searchImages(ctx, { query, limit: LIBRARY_PAGE, beforeId: state.before });
    const oldest = images.at(-1)?.media.id;
    const withQuery = query ? `q=${encodeURIComponent(query)}&` : '';
    const canDelete = can(currentUser(request).role, 'media.delete');
    const { uploaded } = state;
    const back = state.back && state.back !== '/admin/media' ? state.back : undefined;
    const notice =
      uploaded && !state.error
        ? html`Uploaded. Its address: <code>${uploaded}</code>`
        : state.notice === 'described'
          ? 'Description and caption saved. Articles that pick the image from now on carry them.'
          : state.notice === 'deleted'
            ? 'Image deleted.'
            : undefined;
    return deps.page(request, reply, {
      title: 'Images',
      status: state.status ?? (state.problems ? 400 : 200),
      notice,
      body: (
        csrf,
      ) => html`${back ? html`<p class="editor-links"><a href="${back}">← Back to the article</a></p>` : ''}
${state.error ? html`<div class="alert" role="alert"><p>The image was not uploaded.</p></div>` : ''}
<form method="post" action="/admin/media" enctype="multipart/form-data" class="panel upload-form" novalidate>
  ${csrfField(csrf)}<input type="hidden" name="return_to" value="${back ?? '/admin/media'}">
  <div class="field${state.error ? ' field--invalid' : ''}"><label for="upload-file">Image file</label>
  <input type="file" id="upload-file" name="file" accept="image/*" required${state.error ? html` aria-invalid="true" aria-describedby="upload-file-error"` : ''}>
  ${state.error ? html`<p class="field-error" id="upload-file-error">${state.error}</p>` : ''}</div>
  <div class="field"><label for="upload-alt">Description (alt text)</label><input id="upload-alt" name="alt" value="${state.alt ?? ''}"></div>
  <button type="submit">Upload</button>
  <p class="hint">JPEG, PNG, WebP, GIF, AVIF or TIFF up to 15 MB. Metadata (camera, location) is removed; sizes for phones and wide screens are made automatically.</p>
</form>
${filterSummary(state.problems, { q: { id: 'media-q', label: 'Search images' } })}<form method="get" action="/admin/media" class="media-search" role="search">
  <label for="media-q">Search images</label>
  <input type="search" id="media-q" name="q" value="${filterValue(state.problems, 'q', query)}" placeholder="Description or file name"${searchState.invalid}>${searchState.message}
  <button type="submit" class="secondary">Search</button>
</form>
${
  images.length === 0
    ? html`<p class="empty">${query ? 'No image matches' : 'No images'}${state.before ? ' older than these' : query ? '' : ' yet'}.</p>`
    : html`<ul class="media-grid">${images.map(
        ({ media, variants }) => html`<li>
  <picture>
    <source type="image/avif" srcset="${srcsetOf(variants, 'avif')}" sizes="12rem">
    <source type="image/webp" srcset="${srcsetOf(variants, 'webp')}" sizes="12rem">
    <img src="${media.url}" alt="${media.alt ?? ''}" loading="lazy" width="240">
  </picture>
  <div class="media-address"><label class="visually-hidden" for="media-url-${media.id}">Address</label><input id="media-url-${media.id}" value="${media.url}" readonly class="media-url"><button type="button" class="secondary copy-address" data-copy="${media.url}" hidden>Copy address</button></div>
  ${
    canDescribe(currentUser(request), media)
      ? html`<form method="post" action="/admin/media/${media.id}" class="media-describe">
    ${csrfField(csrf)}<input type="hidden" name="q" value="${query}">
    <label for="media-alt-${media.id}">Description</label>
    <textarea id="media-alt-${media.id}" name="alt" rows="2" aria-describedby="media-alt-hint-${media.id}">${media.alt ?? ''}</textarea>
    <p class="hint" id="media-alt-hint-${media.id}">What it shows, for readers who cannot see it.</p>
    <label for="media-caption-${media.id}">Caption</label>
    <textarea id="media-caption-${media.id}" name="caption" rows="2" aria-describedby="media-caption-hint-${media.id}">${media.caption ?? ''}</textarea>
    <p class="hint" id="media-caption-hint-${media.id}">Shown under the image where an article inserts it: credit, place, date.</p>
    <button type="submit" class="secondary">Save description and caption</button>
  </form>`
      : html`<p class="media-described"><span class="visually-hidden">Description: </span>${media.alt ?? 'No description yet.'}${media.caption ? html`<br><span class="visually-hidden">Caption: </span>${media.caption}` : ''}</p><p class="hint">Uploaded by someone else: an editor changes its description.</p>`
  }
  ${canDelete ? html`<a class="delete-link" href="/admin/media/${media.id}/delete">Delete<span class="visually-hidden"> image ${media.alt ?? media.url}</span>…</a>` : ''}
</li>`,
      )}</ul>`
}
${images.length === LIBRARY_PAGE && oldest ? html`<p><a href="/admin/media?${withQuery}before=${oldest}">Older images</a></p>` : ''}
${state.before ? html`<p><a href="/admin/media${query ? `?q=${encodeURIComponent(query)}` : ''}">Newest images</a></p>` : ''}
<script src="${newsroomJs()}" defer></script>`,
    });
  };

  app.get(
    '/media',
    { config: { access: 'media.upload', listQuery: true }, schema: { querystring: LibraryQuery } },
    async (request, reply) => {
      const { id: before, errors } = pageTokenOf(request.query.before, 'before');
      return libraryPage(request, reply, {
        uploaded: request.query.uploaded,
        query: request.query.q,
        notice: request.query.notice,
        before,
        problems: listFilterProblems(errors, request.query),
      });
    },
  );

  app.get(
    '/media/picker',
    {
      config: { access: 'media.upload' },
      schema: {
        querystring: PickerQuery,
        response: { 200: Type.Object({ images: Type.Array(PickerImage) }) },
      },
    },
    async (request, reply) => {
      const images = await searchImages(ctx, { query: request.query.q ?? '', limit: 48 });
      return reply.header('cache-control', 'no-store').send({
        images: images.map(({ media, variants }) => ({
          id: media.id,
          url: media.url,
          thumb: thumbnailOf(media, variants),
          alt: media.alt ?? '',
          caption: media.caption ?? '',
          title: media.title ?? '',
        })),
      });
    },
  );

  app.post(
    '/media/:id',
    { config: { access: 'media.upload' }, schema: { params: IdParams, body: DescribeForm } },
    async (request, reply) => {
      const media = await describeImage(ctx, currentUser(request), {
        id: request.params.id,
        alt: request.body.alt ?? '',
        ...(request.body.caption === undefined ? {} : { caption: request.body.caption }),
      });
      if (wantsJson(request))
        return reply.send({ id: media.id, alt: media.alt ?? '', caption: media.caption ?? '' });
      const q = request.body.q?.trim();
      return reply.redirect(`/admin/media?notice=described${q ? `&q=${encodeURIComponent(q)}` : ''}`, 303);
    },
  );

  app.get(
    '/media/:id/delete',
    { config: { access: 'media.delete' }, schema: { params: IdParams } },
    async (request, reply) => {
      const { media, variants, uses } = await planImageDeletion(ctx, currentUser(request), request.params.id);
      const hrefOf = (use: (typeof uses)[number]) =>
        use.kind === 'article'
          ? `/admin/articles/${use.id}`
          : use.kind === 'page'
            ? `/admin/pages/${use.id}`
            : `/admin/people/${use.id}`;
      return deps.page(request, reply, {
        title: 'Delete an image',
        body: (csrf) => html`<p class="editor-links"><a href="/admin/media">← All images</a></p>
<section class="panel" aria-labelledby="delete-heading">
  <h2 id="delete-heading">Delete this image?</h2>
  <img src="${thumbnailOf(media, variants)}" alt="${media.alt ?? ''}" width="240" class="delete-thumb">
  <p><code>${media.url}</code></p>
  ${
    uses.length === 0
      ? html`<p>Nothing on the site uses it.</p>`
      : html`<div class="alert" role="alert"><p><strong>It is used in ${uses.length === 1 ? 'one place' : `${uses.length} places`}.</strong> Deleting it leaves a missing image there: change those first, or delete anyway.</p></div>
  <ul class="list">${uses.map(
    (use) =>
      html`<li><a href="${hrefOf(use)}">${use.title}</a> — ${use.kind}${use.status ? html` (${use.status})` : ''}, as its ${use.as}</li>`,
  )}</ul>`
  }
  <p>Its ${String(variants.length)} resized copies are deleted with it. This cannot be undone.</p>
  <form method="post" action="/admin/media/${media.id}/delete">
    ${csrfField(csrf)}
    <button type="submit" class="danger">Delete the image</button> <a href="/admin/media">Keep it</a>
  </form>
</section>`,
      });
    },
  );

  app.post(
    '/media/:id/delete',
    { config: { access: 'media.delete' }, schema: { params: IdParams } },
    async (request, reply) => {
      await deleteImage({ ...ctx, media: store }, currentUser(request), request.params.id);
      return reply.redirect('/admin/media?notice=deleted', 303);
    },
  );
}
