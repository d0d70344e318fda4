import { readFile, stat } from 'node:fs/promises';
import type { ArticleStatus } from '../../domain/article.ts';
import { pagePath } from '../../domain/paths.ts';
import { isHttpUrl } from '../../domain/url.ts';
import { AppError, Errors } from '../../errors.ts';
import type { ServiceContext } from '../context.ts';
import { lexicalToHtml, mobiledocToHtml } from './ghost-body.ts';
import {
  type GhostImageOptions,
  ghostImagePaths,
  placeGhostImages,
  rewriteGhostImages,
} from './ghost-images.ts';
import { htmlToMarkdown } from './html-to-markdown.ts';
import {
  ImportSession,
  type ItemOutcome,
  type MigrationReport,
  type ReportKind,
  type ReportSink,
  rolledBackReport,
  StrictRollback,
} from './session.ts';

type Row = Record<string, unknown>;

interface GhostData {
  version: string;
  posts: Row[];
  users: Row[];
  tags: Row[];
  postsTags: Row[];
  postsAuthors: Row[];
}

/** Ghost exports are small next to WordPress ones (no media inside); still, refuse absurd files. */
const MAX_GHOST_BYTES = 512 * 1024 * 1024;

function failed(file: string, message: string, cause?: unknown): AppError {
  return Errors.IMPORT_FAILED({ file, reason: message }, { cause });
}

/** Where in a JSON text an offset falls, as "line L, column C". */
function placeOf(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

/** Reads and checks a Ghost export, wrapped ({ db: [{ meta, data }] }) or flat ({ meta, data }). */
export function parseGhostExport(text: string, file: string): GhostData {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    const position = /position (\d+)/.exec(message)?.[1];
    throw failed(
      file,
      `${position ? `${placeOf(text, Number(position))}: ` : ''}not valid JSON (${message.replace(/^.*?: /, '')})`,
      cause,
    );
  }
  const root = json as Row;
  const entry = Array.isArray(root?.db) ? (root.db[0] as Row | undefined) : root;
  const data = entry?.data as Row | undefined;
  if (!entry || typeof data !== 'object' || data === null || Array.isArray(data)) {
    const keys = json && typeof json === 'object' ? Object.keys(json).slice(0, 5).join(', ') : typeof json;
    throw failed(
      file,
      `this is not a Ghost export: expected "db" or "data" at the top, found ${keys || 'nothing'}`,
    );
  }
  const list = (key: string): Row[] => {
    const value = data[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw failed(file, `"data.${key}" must be a list`);
    return value.filter((row): row is Row => typeof row === 'object' && row !== null);
  };
  const meta = entry.meta as Row | undefined;
  return {
    version: String(meta?.version ?? 'unknown'),
    posts: list('posts'),
    users: list('users'),
    tags: list('tags'),
    postsTags: list('posts_tags'),
    postsAuthors: list('posts_authors'),
  };
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return null;
}

/** Ghost dates are ISO strings, or epoch milliseconds in 0.x exports. */
function ghostDate(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  const date = typeof value === 'number' ? new Date(value) : new Date(String(value));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/**
 * Ghost 4+ writes its own address as __GHOST_URL__ in exports; links to its posts then become
 * site-relative paths, which the redirects recorded by the import lead to the new articles.
 */
function withoutGhostUrl(value: string | null): string | null {
  return value === null ? null : value.replaceAll('__GHOST_URL__', '');
}

/** An image or link URL as a full http(s) URL: protocol-relative ones get https. */
function absoluteUrl(value: string | null): string | null {
  const url = withoutGhostUrl(value)?.trim() ?? null;
  if (url?.startsWith('//')) return `https:${url}`;
  return isHttpUrl(url) ? url : null;
}

/** The best body a Ghost post has: html, else lexical, else mobiledoc, else 0.x Markdown. */
export function ghostBodyMarkdown(
  post: Row,
  images: Map<string, string | null> = new Map(),
): { markdown: string; embeds: string[] } {
  const source = (value: unknown) => {
    const raw = text(value);
    return withoutGhostUrl(raw === null ? null : rewriteGhostImages(raw, images));
  };
  const html = source(post.html);
  if (html?.trim()) return htmlToMarkdown(html);
  const lexical = source(post.lexical);
  if (lexical?.trim()) return htmlToMarkdown(lexicalToHtml(lexical));
  const mobiledoc = source(post.mobiledoc);
  if (mobiledoc?.trim()) return htmlToMarkdown(mobiledocToHtml(mobiledoc));
  return { markdown: source(post.markdown)?.trim() ?? '', embeds: [] };
}

/**
 * Imports a Ghost JSON export: users become people (never their passwords or keys), tags become
 * terms, posts articles with authors in posts_authors order, pages pages. The file is read and
 * checked first; everything is then written in one transaction.
 */
export async function importGhost(
  ctx: ServiceContext,
  file: string,
  options: {
    actor?: string;
    tagTaxonomy?: string;
    isStrict?: boolean;
    /** Where the report's lists go instead of the report (see MigrationReport). */
    sink?: ReportSink;
  } & GhostImageOptions = {},
): Promise<MigrationReport> {
  let size: number;
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw failed(file, 'is a folder; give the .json export file itself');
    size = info.size;
  } catch (cause) {
    if (cause instanceof AppError) throw cause;
    throw Errors.IMPORT_FAILED({ reason: `Cannot read ${file}` }, { cause });
  }
  if (size > MAX_GHOST_BYTES) throw failed(file, `is larger than ${MAX_GHOST_BYTES / 1024 / 1024} MB`);
  const buffer = await readFile(file);
  let source: string;
  try {
    source = new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  } catch (cause) {
    const bad = new TextDecoder('utf-8').decode(buffer).indexOf('\uFFFD');
    const prefix = new TextDecoder('utf-8').decode(buffer).slice(0, Math.max(0, bad));
    throw failed(
      file,
      `${placeOf(prefix, prefix.length)}: not valid UTF-8 (JSON exports are always UTF-8)`,
      cause,
    );
  }
  const data = parseGhostExport(source, file);
  const taxonomySlug = options.tagTaxonomy ?? 'tag';
  // Images are placed before the transaction: copying one writes files and its own media entry.
  const placed = await placeGhostImages(
    ctx,
    ghostImagePaths(
      [...data.posts, ...data.users].flatMap((row) =>
        ['html', 'lexical', 'mobiledoc', 'markdown', 'feature_image', 'image', 'profile_image'].map((key) =>
          text(row[key]),
        ),
      ),
    ),
    options,
  );
  const images = new Map(placed.flatMap((image) => (image.url ? [[image.path, image.url] as const] : [])));
  /** An image field's value: where the image now lives, else an absolute URL, else null. */
  const imageUrl = (value: string | null): string | null => {
    if (value === null) return null;
    const rewritten = rewriteGhostImages(value, images);
    return rewritten.startsWith('/media/') ? rewritten : absoluteUrl(rewritten);
  };

  let failedReport: MigrationReport | undefined;
  let failures = 0;
  const write = () =>
    ctx.store.transaction(async (repos) => {
      const session = new ImportSession(repos, 'ghost', {
        actor: options.actor ?? 'import',
        now: ctx.now(),
        sink: options.sink,
      });
      await session.load();
      for (const image of placed) {
        session.item({ kind: 'image', id: image.path, outcome: image.outcome, reason: image.reason });
        session.count('media', image.outcome);
      }
      const missing = placed.filter((image) => image.outcome === 'skipped').length;
      if (missing > 0)
        session.warn(
          `${missing} of ${placed.length} image(s) were not copied into the media library (each is listed with the reason)`,
        );
      const taxonomy = session.taxonomy(taxonomySlug);
      if (!taxonomy) throw failed(file, `there is no taxonomy "${taxonomySlug}" to put Ghost tags in`);

      const people = new Map<string, number>();
      for (const user of data.users) {
        const id = text(user.id);
        const name = text(user.name)?.trim();
        if (!id || !name) {
          session.skip('person', `user ${id ?? '(no id)'}`, 'has no id or name');
          session.item({ kind: 'user', id, title: name, outcome: 'skipped', reason: 'has no id or name' });
          continue;
        }
        // Never the password hash, email or any token: a person's fields are public.
        const person = await session.person(`user:${id}`, {
          name,
          slug: text(user.slug) ?? undefined,
          bio: text(user.bio),
          website: absoluteUrl(text(user.website)),
          photo: imageUrl(text(user.profile_image) ?? text(user.image)),
        });
        people.set(id, person.id);
        session.item({ kind: 'user', id, title: name, outcome: session.lastOutcome });
      }

      const terms = new Map<string, number>();
      for (const tag of data.tags) {
        const id = text(tag.id);
        const name = text(tag.name)?.trim() ?? '';
        const slug = text(tag.slug)?.trim() ?? '';
        const ref = `tag ${id ?? '(no id)'} "${name || slug}"`;
        const skipTag = (reason: string) => {
          session.skip('term', ref, reason);
          session.item({ kind: 'tag', id, title: name || slug, outcome: 'skipped', reason });
        };
        if (!id || (!name && !slug)) {
          skipTag('has neither a name nor a slug');
          continue;
        }
        if (name.startsWith('#') || slug.startsWith('hash-')) {
          skipTag('is a Ghost internal tag');
          continue;
        }
        const term = await session.term(`tag:${id}`, taxonomy, {
          name: name || slug,
          slug: slug || null,
          description: text(tag.description),
        });
        terms.set(id, term.id);
        session.item({ kind: 'tag', id, title: name || slug, outcome: session.lastOutcome });
      }

      const authorsOf = new Map<string, { id: string; order: number }[]>();
      for (const row of data.postsAuthors) {
        const postId = text(row.post_id);
        const authorId = text(row.author_id);
        if (!postId || !authorId) continue;
        authorsOf.set(postId, [
          ...(authorsOf.get(postId) ?? []),
          { id: authorId, order: Number(row.sort_order ?? 0) },
        ]);
      }
      const tagsOf = new Map<string, { id: string; order: number }[]>();
      for (const row of data.postsTags) {
        const postId = text(row.post_id);
        const tagId = text(row.tag_id);
        if (!postId || !tagId) continue;
        tagsOf.set(postId, [
          ...(tagsOf.get(postId) ?? []),
          { id: tagId, order: Number(row.sort_order ?? 0) },
        ]);
      }
      const byOrder = (a: { order: number }, b: { order: number }) => a.order - b.order;

      const seenIds = new Set<string>();
      const embeds = new Map<string, number>();
      for (const post of data.posts) {
        const id = text(post.id);
        const title = text(post.title)?.trim() ?? '';
        const slug = text(post.slug)?.trim() ?? '';
        const ref = `post ${id ?? '(no id)'} "${title || slug}"`;
        const outcome = (done: { outcome: ItemOutcome; reason?: string }) =>
          session.item({ kind: 'post', id, title: title || slug, ...done });
        const skipPost = (kind: ReportKind, reason: string) => {
          session.skip(kind, ref, reason);
          outcome({ outcome: 'skipped', reason });
        };
        if (!id) {
          skipPost('item', 'has no id');
          continue;
        }
        // Some exports repeat an id; the later post must not overwrite the earlier one.
        const sourceId = seenIds.has(id) ? `post:${id}#${slug || title}` : `post:${id}`;
        if (seenIds.has(id))
          session.warn(`${ref}: the id ${id} is used by another post too; imported separately`);
        seenIds.add(id);
        const isPage = post.type === 'page' || post.page === true || post.page === 1;
        const statusText = text(post.status);
        if (!statusText) {
          skipPost(isPage ? 'page' : 'article', 'has no status');
          continue;
        }
        if (!title && !slug) {
          skipPost(isPage ? 'page' : 'article', 'has neither a title nor a slug');
          continue;
        }
        let body: string;
        try {
          const converted = ghostBodyMarkdown(post, images);
          body = converted.markdown;
          for (const provider of converted.embeds) {
            session.count('embed', 'imported');
            embeds.set(provider, (embeds.get(provider) ?? 0) + 1);
          }
        } catch (error) {
          // One body the converter cannot handle must not cost the rest of the import.
          const reason = `its content could not be converted (${error instanceof Error ? error.message : String(error)})`;
          session.skip(isPage ? 'page' : 'article', ref, reason);
          outcome({ outcome: 'failed', reason });
          continue;
        }
        if (isPage) {
          const page = await session.page(sourceId, ref, {
            slug: slug || title,
            title: title || slug,
            bodyMarkdown: body,
            status: statusText === 'published' ? 'published' : 'draft',
            showInNavigation: false,
            position: 0,
          });
          const pageOutcome = session.lastOutcome;
          if (page) await session.redirect(`/${slug}`, pagePath(page.slug));
          outcome(page ? { outcome: pageOutcome } : { outcome: 'skipped', reason: session.lastSkipReason });
          continue;
        }
        const status: ArticleStatus =
          statusText === 'published'
            ? 'published'
            : statusText === 'scheduled'
              ? 'scheduled'
              : statusText === 'draft'
                ? 'draft'
                : 'unpublished';
        let publishedAt = ghostDate(post.published_at);
        if (!publishedAt && (status === 'published' || status === 'scheduled')) {
          publishedAt = ghostDate(post.created_at) ?? session.timestamp;
          session.warn(`${ref}: has no published_at; dated ${publishedAt}`);
        }
        const authorRefs = (authorsOf.get(id) ?? []).sort(byOrder).map((a) => a.id);
        const legacyAuthor = text(post.author_id);
        if (authorRefs.length === 0 && legacyAuthor) authorRefs.push(legacyAuthor);
        const authorIds = authorRefs.flatMap((ghostId) => people.get(ghostId) ?? []);
        const termIds = (tagsOf.get(id) ?? []).sort(byOrder).flatMap((t) => terms.get(t.id) ?? []);
        const canonical = absoluteUrl(text(post.canonical_url));
        const feature = imageUrl(text(post.feature_image) ?? text(post.image));
        const visibility = text(post.visibility);
        const excerpt = text(post.custom_excerpt)?.trim() || null;
        const language = (text(post.locale) ?? text(post.language) ?? '').replace('_', '-');
        const saved = await session.article(
          sourceId,
          ref,
          {
            slug: slug || title,
            title: title || slug,
            subtitle: null,
            summary: excerpt,
            epigraph: null,
            bodyMarkdown: body,
            status,
            publishedAt,
            source: null,
            canonicalUrl: isHttpUrl(canonical) ? canonical : null,
            license: null,
            language: /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/.test(language) ? language : 'en',
            featuredImage: feature,
            featuredImageAlt: feature ? text(post.feature_image_alt) : null,
            visibility: visibility && visibility !== 'public' ? 'members' : 'public',
            isFeatured: post.featured === true || post.featured === 1,
            hasComments: true,
            authorIds: [...new Set(authorIds)],
            termIds: [...new Set(termIds)],
          },
          ghostDate(post.updated_at),
        );
        const articleOutcome = session.lastOutcome;
        if (saved && slug) await session.redirect(`/${slug}`, saved.path);
        outcome(saved ? { outcome: articleOutcome } : { outcome: 'skipped', reason: session.lastSkipReason });
      }
      if (embeds.size > 0)
        session.warn(
          `embedded players were kept as links to their own pages, so readers' browsers contact no third party until they follow one (${[...embeds].map(([provider, n]) => `${provider} ×${n}`).join(', ')})`,
        );
      if (options.isStrict && session.failures > 0) {
        failedReport = session.report;
        failures = session.failures;
        throw new StrictRollback();
      }
      return session.report;
    });
  try {
    const report = await write();
    ctx.changes.publish({ kind: 'everything' });
    return report;
  } catch (error) {
    if (error instanceof StrictRollback && failedReport) return rolledBackReport(failedReport, failures);
    throw error;
  }
}
