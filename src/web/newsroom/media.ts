import fastifyMultipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { Errors, isAppError } from '../../errors.ts';
import { listImages, MAX_UPLOAD_BYTES, srcsetOf, uploadImage } from '../../services/newsroom/media.ts';
import { OptionalText, type TypedApp } from '../schemas.ts';
import { html } from '../views/html.ts';
import type { AdminDeps } from './deps.ts';
import { csrfField } from './forms.ts';
import { currentUser } from './guard.ts';

/** A multipart upload: the file arrives as a Buffer (checked in the handler), the rest as text. */
const UploadForm = Type.Object({
  file: Type.Optional(Type.Unknown()),
  alt: OptionalText,
  filename: OptionalText,
  return_to: OptionalText,
});

const Uploaded = Type.Object({
  url: Type.String(),
  alt: Type.Union([Type.String(), Type.Null()]),
  width: Type.Integer(),
  height: Type.Integer(),
  variants: Type.Array(Type.Object({ url: Type.String(), format: Type.String(), width: Type.Integer() })),
});

const LibraryQuery = Type.Object({ uploaded: OptionalText });

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
    });

    // Busboy reports a truncated body or a missing boundary as a plain Error: the sender's
    // mistake, not ours.
    scope.setErrorHandler(async (error) => {
      const message = error instanceof Error ? error.message : '';
      if (!isAppError(error) && /multipart|boundary|unexpected end/i.test(message)) {
        throw Errors.MEDIA_INVALID(
          {
            reason: 'The upload arrived incomplete or malformed. Choose the file again and retry.',
            fieldMessage: 'arrived incomplete or malformed',
          },
          { cause: error },
        );
      }
      throw error;
    });

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
            filename,
            alt,
          });
          if (wantsJson(request)) {
            return reply.send({
              url: uploaded.media.url,
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
    } = {},
  ) => {
    const images = await listImages(ctx);
    const { uploaded } = state;
    const back = state.back && state.back !== '/admin/media' ? state.back : undefined;
    return deps.page(request, reply, {
      title: 'Images',
      status: state.status ?? 200,
      notice: uploaded && !state.error ? html`Uploaded. Its address: <code>${uploaded}</code>` : undefined,
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
${
  images.length === 0
    ? html`<p class="empty">No images yet.</p>`
    : html`<ul class="media-grid">${images.map(
        ({ media, variants }) => html`<li>
  <picture>
    <source type="image/avif" srcset="${srcsetOf(variants, 'avif')}" sizes="12rem">
    <source type="image/webp" srcset="${srcsetOf(variants, 'webp')}" sizes="12rem">
    <img src="${media.url}" alt="${media.alt ?? ''}" loading="lazy" width="240">
  </picture>
  <code>${media.url}</code>
  ${media.alt ? html`<span class="meta">${media.alt}</span>` : html`<span class="meta">No description</span>`}
</li>`,
      )}</ul>`
}`,
    });
  };

  app.get(
    '/media',
    { config: { access: 'media.upload' }, schema: { querystring: LibraryQuery } },
    async (request, reply) => libraryPage(request, reply, { uploaded: request.query.uploaded }),
  );
}
