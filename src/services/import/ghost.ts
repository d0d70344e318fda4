import { stat } from 'node:fs/promises';
import { toPlainText } from '../../content/markdown.ts';
import { type ArticleStatus, isLanguageTag, type Visibility } from '../../domain/article.ts';
import { PREVIEW_MARKER } from '../../domain/article-access.ts';
import { isImpossibleDate } from '../../domain/dates.ts';
import { articlePath, pagePath, personPath, termPath } from '../../domain/paths.ts';
import { clipText } from '../../domain/text.ts';
import { isHttpUrl } from '../../domain/url.ts';
import { AppError, Errors } from '../../errors.ts';
import type { ServiceContext } from '../context.ts';
import {
  ExternalImageTally,
  externalImagesNote,
  linkExternalImages,
  linkToExternalImage,
} from './external-images.ts';
import { lexicalToHtmlNoting, mobiledocToHtmlNoting } from './ghost-body.ts';
import {
  type GhostImageOptions,
  ghostImagePaths,
  type ImageUrls,
  isInsideImages,
  MISSING_IMAGE,
  originalImageOf,
  type PlacedImage,
  placeGhostImages,
  removeGhostImages,
  rewriteGhostImages,
  type StoredImage,
  withoutMissingImages,
} from './ghost-images.ts';
import { type GhostOrigin, type GhostTable, readGhostExport } from './ghost-reader.ts';
import { GhostSpool, isGhostPage } from './ghost-spool.ts';
import {
  type ConvertedBody,
  type DroppedLink,
  droppedLinksNote,
  htmlToMarkdown,
  withoutRefusedLinks,
} from './html-to-markdown.ts';
import { restorePrivateUse, setAsidePrivateUse } from './private-use.ts';
import {
  type BatchRunner,
  decodeSlug,
  type ImportProgress,
  ImportSession,
  type ItemOutcome,
  type MigrationReport,
  type ReportKind,
  type ReportSink,
  stopRequested,
  writeImport,
} from './session.ts';
import { mapOldSiteRefs } from './wxr-links.ts';

type Row = Record<string, unknown>;

/** Posts written per transaction (unless strict), as for WordPress: short enough not to hold up other writers. */
export const GHOST_BATCH_POSTS = 500;

/** How many of the posts and people using a missing image its report line names. */
const IMAGE_USERS_NAMED = 3;

/** How the report names a post or user that refers to images, as the post's or user's own line does. */
function usedBy(table: GhostTable, row: Row): string {
  const id = text(row.id) ?? '(no id)';
  const name = table === 'users' ? text(row.name) : text(row.title);
  return `${table === 'users' ? 'user' : 'post'} ${id} "${clipText(name?.trim() || text(row.slug)?.trim() || '', 80)}"`;
}

/** The fields of a post or user that may refer to an image below content/images. */
const IMAGE_FIELDS = ['html', 'lexical', 'mobiledoc', 'markdown', 'feature_image', 'image', 'profile_image'];
/** A post's bodies, in the order the import prefers them (see ghostBodyMarkdown). */
const BODY_FIELDS = ['html', 'lexical', 'mobiledoc', 'markdown'];
/** The fields of a user the import reads: never the password hash, email or tokens, not even in the scratch file. */
const USER_FIELDS = ['id', 'name', 'slug', 'bio', 'website', 'profile_image', 'image'];

function failed(file: string, message: string, cause?: unknown): AppError {
  return Errors.IMPORT_FAILED({ file, reason: message }, { cause });
}

/**
 * What of a row is kept until it is written: a post without the bodies the import will not
 * read (an export has html, mobiledoc or lexical and plaintext for each post: up to four
 * copies), a user without its secrets.
 */
function spooledRow(table: GhostTable, row: Row): Row {
  if (table === 'users')
    return Object.fromEntries(USER_FIELDS.flatMap((key) => (key in row ? [[key, row[key]]] : [])));
  if (table !== 'posts') return row;
  const kept: Row = { ...row };
  delete kept.plaintext;
  const body = BODY_FIELDS.find((key) => withoutGhostUrl(text(row[key]))?.trim());
  for (const key of BODY_FIELDS) if (key !== body) delete kept[key];
  return kept;
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return null;
}

/** Ghost dates are ISO strings, or epoch milliseconds in 0.x exports. */
function ghostDate(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'string' && isImpossibleDate(value)) return null;
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

// Ghost's audio, video and other files (content/media, content/files), which this site does not have.
const FILE_REF = /(?:__GHOST_URL__|(?<![\w.~%:/-]))\/content\/(media|files)\/([^"'\s)\\<>?#]+)/g;
// Where a file stands while its body is converted when the old site's address is not known.
const UNLINKED_FILE = 'https://ghost-file.invalid/content/';

/** A file of the Ghost site a body refers to: its path below content/, and where it is linked now. */
export interface GhostFileRef {
  path: string;
  url: string | null;
}

/**
 * Points a body's references to the Ghost site's audio, video and files at their address at the
 * old site (`oldUrl`), noting each; without it, at UNLINKED_FILE, which unlinkFiles then takes out.
 */
function rewriteGhostFiles(raw: string, oldUrl: string | undefined, files: GhostFileRef[]): string {
  const origin = oldUrl === undefined ? undefined : oldUrl.replace(/\/+$/, '');
  return raw.replace(FILE_REF, (_whole, folder: string, rest: string) => {
    const path = `content/${folder}/${rest}`;
    const url = origin ? `${origin}/${path}` : null;
    if (!files.some((file) => file.path === path)) files.push({ path, url });
    return url ?? `${UNLINKED_FILE}${folder}/${rest}`;
  });
}

/**
 * Links to files that could not be linked become their text (a bare address, the file's name),
 * whatever form the link took (with a title, in angle brackets); an address left anywhere else
 * becomes the file's name. No page may lead to the stand-in's host.
 */
function unlinkFiles(markdown: string): string {
  const prefix = UNLINKED_FILE.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const nameOf = (address: string) => decodeURIComponentSafe(address.split('/').pop() ?? '');
  return markdown
    .replace(
      new RegExp(
        `(!?)\\[((?:\\\\.|[^\\]\\\\])*)\\]\\(<?${prefix}[^)\\s>]*>?(?:\\s+"(?:\\\\.|[^"\\\\])*")?\\)`,
        'g',
      ),
      (_whole, _bang: string, label: string) =>
        label.includes('ghost-file.invalid') ? nameOf(label) : label,
    )
    .replace(new RegExp(`${prefix}[^\\s)<>"\\]]*`, 'g'), (address) => nameOf(address));
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** What an item's report line says of the Ghost site's audio, video and files its body uses. */
export function ghostFilesNote(files: GhostFileRef[]): string | undefined {
  if (files.length === 0) return undefined;
  const list = (found: GhostFileRef[]) =>
    found
      .slice(0, 5)
      .map((file) => file.url ?? file.path)
      .join(', ') + (found.length > 5 ? ` and ${found.length - 5} more` : '');
  const linked = files.filter((file) => file.url !== null);
  const unlinked = files.filter((file) => file.url === null);
  const notes: string[] = [];
  if (linked.length > 0)
    notes.push(`${linked.length} audio, video or other file(s) linked at the old site: ${list(linked)}`);
  if (unlinked.length > 0)
    notes.push(
      `${unlinked.length} audio, video or other file(s) of the Ghost site not linked, their labels kept as text (give --old-url to link to them there): ${list(unlinked)}`,
    );
  return notes.join('; ');
}

/** A post whose body links to posts written after it, and whether it read unchanged. */
interface GhostRelink {
  kind: 'article' | 'page';
  id: number;
  isUnchanged: boolean;
}

/** The best body a Ghost post has: html, else lexical, else mobiledoc, else 0.x Markdown. */
export function ghostBodyMarkdown(
  post: Row,
  images: ImageUrls = new Map(),
  oldUrl?: string,
): {
  markdown: string;
  embeds: string[];
  droppedCards: string[];
  /** Cards with nothing of the post's own (signup, newsletter calls…), left out: for the summary. */
  silentCards: string[];
  brokenReferences: string[];
  droppedLinks: DroppedLink[];
  /** Audio, video and file cards with no file to link to, kept as their text. */
  mediaLeftOut: string[];
  /** Broken markup mended so that nothing after it is lost. */
  repairs: string[];
  files: GhostFileRef[];
} {
  const files: GhostFileRef[] = [];
  // The author's own private-use characters are set aside before anything marks places in the body.
  const source = (value: unknown) => {
    const raw = text(value);
    return withoutGhostUrl(
      raw === null
        ? null
        : rewriteGhostFiles(rewriteGhostImages(setAsidePrivateUse(raw), images), oldUrl, files),
    );
  };
  const converted = (
    body: {
      markdown: string;
      embeds: string[];
      droppedLinks: DroppedLink[];
      mediaLeftOut?: string[];
      repairs?: string[];
    },
    rendered: { droppedCards: string[]; silentCards: string[]; brokenReferences: string[] } = {
      droppedCards: [],
      silentCards: [],
      brokenReferences: [],
    },
  ) => ({
    markdown: restorePrivateUse(unlinkFiles(withoutMissingImages(body.markdown))),
    embeds: body.embeds,
    droppedCards: rendered.droppedCards,
    silentCards: rendered.silentCards,
    brokenReferences: rendered.brokenReferences,
    droppedLinks: body.droppedLinks.map((link) => ({ ...link, text: restorePrivateUse(link.text) })),
    mediaLeftOut: (body.mediaLeftOut ?? []).map(restorePrivateUse),
    repairs: (body.repairs ?? []).map(restorePrivateUse),
    // Those the body still links to (a video's poster, say, is no part of it).
    files: files.filter((file) =>
      body.markdown.includes(file.url ?? `${UNLINKED_FILE}${file.path.slice('content/'.length)}`),
    ),
  });
  const html = source(post.html);
  if (html?.trim())
    return converted(markdownOfGhostHtml(html), {
      droppedCards: [],
      silentCards: silentCardsInHtml(html),
      brokenReferences: [],
    });
  const lexical = source(post.lexical);
  if (lexical?.trim()) {
    const rendered = lexicalToHtmlNoting(lexical);
    return converted(markdownOfGhostHtml(rendered.html), rendered);
  }
  const mobiledoc = source(post.mobiledoc);
  if (mobiledoc?.trim()) {
    const rendered = mobiledocToHtmlNoting(mobiledoc);
    return converted(markdownOfGhostHtml(rendered.html), rendered);
  }
  const droppedLinks: DroppedLink[] = [];
  const markdown = withoutRefusedLinks(source(post.markdown)?.trim() ?? '', droppedLinks);
  return converted({ markdown, embeds: [], droppedLinks });
}

// In a post's html, the paywall card is a comment and the signup card a form in a div of its own.
const PAYWALL_IN_HTML = /<!--\s*members-only\s*-->/;
const SIGNUP_IN_HTML = /<div\b[^>]*\bclass\s*=\s*["'][^"']*\bkg-signup-card\b/gi;

/** The signup cards of a post's html, by name, as the structured bodies name them. */
function silentCardsInHtml(html: string): string[] {
  return Array.from(html.matchAll(SIGNUP_IN_HTML), () => 'signup');
}

/**
 * A post's html as Markdown, its first paywall card kept as the preview marker of an article
 * for members: the two sides are converted apart (a comment would not survive the converter),
 * as the WordPress import does at <!--more-->.
 */
function markdownOfGhostHtml(html: string): ConvertedBody {
  const paywall = PAYWALL_IN_HTML.exec(html);
  if (!paywall) return htmlToMarkdown(html);
  const before = htmlToMarkdown(html.slice(0, paywall.index));
  const after = htmlToMarkdown(html.slice(paywall.index + paywall[0].length).replace(PAYWALL_IN_HTML, ''));
  return {
    markdown: [before.markdown, PREVIEW_MARKER, after.markdown].filter((part) => part.trim()).join('\n\n'),
    shortcodes: [...before.shortcodes, ...after.shortcodes],
    embeds: [...before.embeds, ...after.embeds],
    droppedLinks: [...before.droppedLinks, ...after.droppedLinks],
    mediaLeftOut: [...(before.mediaLeftOut ?? []), ...(after.mediaLeftOut ?? [])],
    repairs: [...before.repairs, ...after.repairs],
  };
}

/** Ghost's visibilities as ours: a post for chosen tiers is taken for paying members. */
function visibilityOf(ghost: string | null): Visibility {
  if (!ghost || ghost === 'public') return 'public';
  return ghost === 'paid' || ghost === 'tiers' ? 'paid' : 'members';
}

/** What a Ghost site has that no article, page, person or term here holds: counted for the report. */
interface GhostLeftOut {
  /** Members (subscribers): never read beyond counting them. */
  members: number;
  /** The site's code injection settings that hold something: "head", "foot". */
  siteCodeInjection: Set<string>;
}

/**
 * Imports a Ghost JSON export: users become people (never their passwords or keys), tags become
 * terms, posts articles with authors in posts_authors order, pages pages. The file is streamed
 * into a scratch file and checked whole first, so memory stays flat at any size; only then is
 * anything written, in transactions of GHOST_BATCH_POSTS posts (users and tags in the first),
 * so that a long import does not hold up the site's other writers. An import that stops halfway
 * leaves whole posts behind, and running it again completes it. With `isStrict`, everything is
 * written in one transaction instead, undone if any post fails.
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
    onProgress?(progress: ImportProgress): void;
    /** Posts per transaction, GHOST_BATCH_POSTS unless given (ignored when strict). */
    batchPosts?: number;
    /** Asks the import to stop between two batches (see WordPressImportOptions.stopSignal). */
    stopSignal?: AbortSignal;
  } & GhostImageOptions = {},
): Promise<MigrationReport> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw failed(file, 'is a folder; give the .json export file itself');
  } catch (cause) {
    if (cause instanceof AppError) throw cause;
    throw Errors.IMPORT_FAILED({ reason: `Cannot read ${file}` }, { cause });
  }
  const spool = new GhostSpool();
  const leftOut: Record<GhostOrigin, GhostLeftOut> = {
    db: { members: 0, siteCodeInjection: new Set() },
    top: { members: 0, siteCodeInjection: new Set() },
  };
  try {
    const { origin } = await readGhostExport(file, {
      onRow: (table, row, rowOrigin) => {
        if (table === 'members') {
          leftOut[rowOrigin].members += 1;
          return;
        }
        if (table === 'settings') {
          const key = /^codeinjection_(head|foot)$/.exec(text(row.key) ?? '')?.[1];
          if (key && text(row.value)?.trim()) leftOut[rowOrigin].siteCodeInjection.add(key);
          return;
        }
        const images =
          table === 'posts' || table === 'users'
            ? ghostImagePaths(IMAGE_FIELDS.map((key) => text(row[key])))
            : [];
        spool.add(
          table,
          spooledRow(table, row),
          rowOrigin,
          images,
          images.length > 0 ? usedBy(table, row) : undefined,
        );
      },
      onProgress: (done, total) => options.onProgress?.({ phase: 'reading', done, total }),
    });
    spool.finish();
    const taxonomySlug = options.tagTaxonomy ?? 'tag';
    if (!(await ctx.store.taxonomies.listTaxonomies()).some((t) => t.slug === taxonomySlug))
      throw failed(file, `there is no taxonomy "${taxonomySlug}" to put Ghost tags in`);
    // An export writes the site's own address as __GHOST_URL__ and records it nowhere: without
    // the images or that address, its images could only become paths this site does not have.
    // Paths that lead out of the images folder name no image of the site: they are only skipped.
    const imageCount =
      options.imagesDir || options.oldUrl || spool.imageCount(origin) === 0
        ? 0
        : new Set([...spool.imagePaths(origin)].filter(isInsideImages).map(originalImageOf)).size;
    if (imageCount > 0)
      throw failed(
        file,
        `it refers to ${imageCount} image(s) on the Ghost site (below /content/images/), and an export does not record that site's address. Give --images DIR (a copy of Ghost's content/images folder) to copy them into the media library, or --old-url URL (the Ghost site's address) to link to them there, or both. Nothing was imported.`,
      );
    // Images are placed before any transaction: copying one writes files and its own media entry.
    // A strict import that is undone takes back the ones it copied.
    const stored: StoredImage[] = [];
    await placeGhostImages(ctx, spool.imagePaths(origin), options, (image) => {
      if (options.isStrict && image.stored) stored.push(image.stored);
      spool.placeImage(origin, image);
    });
    const onUndone = async () => {
      if (options.media) await removeGhostImages(ctx, options.media, stored);
    };
    const session = new ImportSession(ctx.store, 'ghost', {
      actor: options.actor ?? 'import',
      now: ctx.now(),
      sink: options.sink,
      // Every Ghost site imports under one source: what another export made is not this one's.
      isOwnSourceId: (sourceId) => spool.hasSourceId(sourceId),
    });
    const writer = new GhostWriter(session, spool, origin, {
      taxonomySlug,
      oldUrl: options.oldUrl,
      leftOut: leftOut[origin],
    });
    const total = spool.count(origin, 'posts');
    const batchSize = options.isStrict ? Number.POSITIVE_INFINITY : (options.batchPosts ?? GHOST_BATCH_POSTS);
    /** Writes everything, each batch through `inBatch` (its own transaction, or the one strict import's). */
    const writeAll = async (inBatch: BatchRunner) => {
      await inBatch(async (repos) => {
        session.bind(repos);
        await session.load();
        writer.writeImages();
        await writer.writeUsers();
        await writer.writeTags();
      });
      const posts = spool.rows(origin, 'posts');
      let done = 0;
      for (let isMore = true; isMore; ) {
        await inBatch(async (repos) => {
          session.bind(repos);
          for (let n = 0; n < batchSize; n += 1) {
            const next = posts.next();
            if (next.done) {
              isMore = false;
              await writer.finish();
              return;
            }
            await writer.writePost(next.value.row, next.value.isRepeat);
            done += 1;
            options.onProgress?.({ phase: 'writing', done, total });
          }
        });
        if (isMore && (await stopRequested(options.stopSignal, session, done, total))) {
          // Links among the posts written are pointed here now; the next run points the others.
          await inBatch(async (repos) => {
            session.bind(repos);
            await writer.finish();
          });
          break;
        }
      }
    };
    return await writeImport(ctx, session, { isStrict: options.isStrict, onUndone }, writeAll);
  } finally {
    spool.close();
  }
}

/**
 * The writing half of a Ghost import: users, tags, then posts one at a time, each looking up
 * what it refers to (its tags and authors, what they became, where its images went) in the spool.
 */
class GhostWriter {
  private readonly session: ImportSession;
  private readonly spool: GhostSpool;
  private readonly origin: GhostOrigin;
  private readonly taxonomySlug: string;
  private readonly images: ImageUrls;
  /** Embedded players kept as links, by provider: a handful of providers, whatever the size. */
  private readonly embeds = new Map<string, number>();
  /** The post being written links forward: noted once its report line is written. */
  private pendingRelink: GhostRelink | null = null;
  /** The Ghost site's host (from --old-url), whose absolute links to its posts are pointed here. */
  private readonly hosts: Set<string>;
  /** Images at other sites' addresses made links, for the report's summary. */
  private readonly externalImages = new ExternalImageTally();
  /** What of the site no item holds (members, its code injection), for the report's summary. */
  private readonly leftOut: GhostLeftOut;
  /** Cards left out with nothing of their post's own (signup, newsletter calls…), by name. */
  private readonly silentCards = new Map<string, number>();
  /** Posts whose code injection (their own scripts and styles) is left out. */
  private postsWithCodeInjection = 0;

  constructor(
    session: ImportSession,
    spool: GhostSpool,
    origin: GhostOrigin,
    options: { taxonomySlug: string; oldUrl?: string | undefined; leftOut: GhostLeftOut },
  ) {
    this.leftOut = options.leftOut;
    this.session = session;
    this.spool = spool;
    this.origin = origin;
    this.taxonomySlug = options.taxonomySlug;
    this.images = { get: (imagePath) => spool.imageUrl(origin, imagePath) };
    this.hosts = new Set(options.oldUrl ? [hostOf(options.oldUrl)].filter((host) => host !== '') : []);
    this.oldUrl = options.oldUrl;
  }

  /** The Ghost site's address (--old-url), where its audio, video and files are linked. */
  private readonly oldUrl: string | undefined;

  /**
   * Points a body's links to the Ghost site's own posts and pages (`__GHOST_URL__/slug/`, written
   * as `/slug/` by then, or the old site's address) at their articles and pages here, fragment
   * kept. A link to a post not written yet (by this run or an earlier one) is left, and said so.
   */
  private async relinked(markdown: string): Promise<{ markdown: string; hasForwardLinks: boolean }> {
    const wanted = new Map<string, string | null>();
    mapOldSiteRefs(markdown, this.hosts, (ref) => {
      const slug = /^\/([^/?#]+)\/?(?:#.*)?$/.exec(ref.path)?.[1];
      if (slug) wanted.set(ref.written, slug);
      return undefined;
    });
    if (wanted.size === 0) return { markdown, hasForwardLinks: false };
    const replacements = new Map<string, string>();
    let hasForwardLinks = false;
    for (const [written, slug] of wanted) {
      const target = this.spool.postBySlug(this.origin, decodeSlug(slug ?? '').toLowerCase());
      if (!target) continue;
      const path = target.path ?? (await this.earlierPath(target.postId, target.isPage));
      if (!path) {
        hasForwardLinks = true;
        continue;
      }
      replacements.set(written, path + (/#.*$/.exec(written)?.[0] ?? ''));
    }
    if (replacements.size === 0) return { markdown, hasForwardLinks };
    return {
      markdown: mapOldSiteRefs(markdown, this.hosts, (ref) => replacements.get(ref.written)),
      hasForwardLinks,
    };
  }

  /** Where an earlier run put a post or page of the file, if it did. */
  private async earlierPath(postId: string, isPage: boolean): Promise<string | undefined> {
    const id = await this.session.mapped(isPage ? 'page' : 'article', `post:${postId}`);
    if (id === undefined) return undefined;
    if (!isPage) {
      const article = await this.session.repos.articles.findById(id);
      return article ? articlePath(article.slug) : undefined;
    }
    const page = (await this.session.repos.pages.list()).find((p) => p.id === id);
    return page ? pagePath(page.slug) : undefined;
  }

  /**
   * An image field's value: where the image now lives, else an absolute URL, else null. A value
   * that is neither (a path such as "../../etc/shadow") is noted on the item's line, named as the
   * field; an image of the site's own that could not be placed is listed among the images.
   */
  private imageUrl(value: string | null, noting?: { ref: string; field: string }): string | null {
    if (value === null) return null;
    const rewritten = rewriteGhostImages(value, this.images);
    if (rewritten.startsWith('/media/')) return rewritten;
    // Listed among the images already, with the reason.
    if (rewritten.includes(MISSING_IMAGE)) return null;
    const url = absoluteUrl(rewritten);
    if (url === null && noting && value.trim() !== '')
      this.session.note(
        noting.ref,
        `${noting.field} "${clipText(value.trim(), 80)}" is neither an http(s) address nor one of the site's images; left out`,
      );
    return url;
  }

  /**
   * Lists each image once: its resized copies (size/w600/…) are the same image, and the one
   * line names the posts and people that use it, so a missing one can be found and replaced.
   */
  writeImages(): void {
    const session = this.session;
    let missing = 0;
    let placed = 0;
    const write = (group: (PlacedImage & { original: string })[]) => {
      const image = group.find((one) => one.path === one.original) ?? (group[0] as PlacedImage);
      const outcome = group.some((one) => one.outcome === 'imported')
        ? 'imported'
        : group.some((one) => one.outcome === 'unchanged')
          ? 'unchanged'
          : image.outcome;
      const id = group[0]?.original ?? image.path;
      let reason = image.reason;
      if (outcome === 'skipped') {
        const { labels, count } = this.spool.imageUsers(this.origin, id, IMAGE_USERS_NAMED);
        const more = count - labels.length;
        const users =
          labels.length > 0 ? `; used by ${labels.join(', ')}${more > 0 ? ` and ${more} more` : ''}` : '';
        reason = `${reason ?? 'not copied'}${users}`;
      }
      session.item({ kind: 'image', id, outcome, reason });
      // Each image not copied is listed with the others skipped, not only in the full report.
      if (outcome === 'skipped') session.skip('media', `image ${id}`, reason ?? 'not copied');
      else session.count('media', outcome);
      placed += 1;
      if (outcome === 'skipped') missing += 1;
    };
    let group: (PlacedImage & { original: string })[] = [];
    for (const image of this.spool.images(this.origin)) {
      if (group.length > 0 && group[0]?.original !== image.original) {
        write(group);
        group = [];
      }
      group.push(image);
    }
    if (group.length > 0) write(group);
    if (missing > 0)
      session.warn(
        `${missing} of ${placed} image(s) were not copied into the media library (each is listed with the reason: linked at the old site when its address was given, else left out)`,
      );
  }

  async writeUsers(): Promise<void> {
    const session = this.session;
    for (const { row: user } of this.spool.rows(this.origin, 'users')) {
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
        photo: this.imageUrl(text(user.profile_image) ?? text(user.image), {
          ref: `user ${id}`,
          field: 'profile image',
        }),
      });
      this.spool.putMade('user', id, person.id);
      const done = session.lastDone();
      // Ghost's author page, /author/<slug>/ (and its feed, /author/<slug>/rss/, through it).
      const ghostSlug = text(user.slug)?.trim();
      if (ghostSlug) await session.redirect(`/author/${ghostSlug}`, personPath(person.slug), `user ${id}`);
      session.item({ kind: 'user', id, title: name, ...done });
    }
  }

  async writeTags(): Promise<void> {
    const session = this.session;
    const taxonomy = session.taxonomy(this.taxonomySlug);
    if (!taxonomy)
      throw Errors.IMPORT_FAILED({
        reason: `There is no taxonomy "${this.taxonomySlug}" to put Ghost tags in`,
      });
    for (const { row: tag } of this.spool.rows(this.origin, 'tags')) {
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
      this.spool.putMade('tag', id, term.id);
      const done = session.lastDone();
      // Ghost's tag page, /tag/<slug>/ (and its feed, /tag/<slug>/rss/, through it).
      if (slug) await session.redirect(`/tag/${slug}`, termPath(taxonomy.slug, term.slug), ref);
      session.item({ kind: 'tag', id, title: name || slug, ...done });
    }
  }

  async writePost(post: Row, isRepeat: boolean): Promise<void> {
    const session = this.session;
    const id = text(post.id);
    const title = text(post.title)?.trim() ?? '';
    const slug = text(post.slug)?.trim() ?? '';
    const ref = `post ${id ?? '(no id)'} "${title || slug}"`;
    this.pendingRelink = null;
    const outcome = (done: { outcome: ItemOutcome; reason?: string }) => {
      const index = session.item({ kind: 'post', id, title: title || slug, ...done });
      const relink = this.pendingRelink as GhostRelink | null;
      if (relink) this.spool.addRelink(relink.kind, relink.id, relink.isUnchanged ? index : null);
      this.pendingRelink = null;
    };
    const skipPost = (kind: ReportKind, reason: string) => {
      session.skip(kind, ref, reason);
      outcome({ outcome: 'skipped', reason });
    };
    if (!id) {
      skipPost('item', 'has no id');
      return;
    }
    // Some exports repeat an id; the later post must not overwrite the earlier one.
    const sourceId = isRepeat ? `post:${id}#${slug || title}` : `post:${id}`;
    if (isRepeat) session.warn(`${ref}: the id ${id} is used by another post too; imported separately`);
    const isPage = isGhostPage(post);
    const statusText = text(post.status);
    if (!statusText) {
      skipPost(isPage ? 'page' : 'article', 'has no status');
      return;
    }
    if (!title && !slug) {
      skipPost(isPage ? 'page' : 'article', 'has neither a title nor a slug');
      return;
    }
    // A date that does not exist is the post's to fix: read leniently, it would move to another day.
    for (const field of ['published_at', 'created_at', 'updated_at'] as const) {
      const value = post[field];
      if (typeof value !== 'string' || !isImpossibleDate(value)) continue;
      const reason = `${field} "${value}" is not a real date (no such day or time)`;
      session.fail(isPage ? 'page' : 'article', ref, reason);
      outcome({ outcome: 'failed', reason });
      return;
    }
    let body: string;
    let embeds: string[];
    let hasForwardLinks = false;
    try {
      const converted = ghostBodyMarkdown(post, this.images, this.oldUrl);
      for (const name of converted.silentCards)
        this.silentCards.set(name, (this.silentCards.get(name) ?? 0) + 1);
      const filesNote = ghostFilesNote(converted.files);
      if (filesNote) session.note(ref, filesNote);
      body = converted.markdown;
      embeds = converted.embeds;
      ({ markdown: body, hasForwardLinks } = await this.relinked(body));
      const linked = linkExternalImages(body, this.hosts);
      body = linked.markdown;
      if (linked.images.length > 0) {
        session.note(ref, externalImagesNote(linked.images));
        this.externalImages.add(linked.images);
      }
      if (converted.droppedLinks.length > 0) session.note(ref, droppedLinksNote(converted.droppedLinks));
      if (converted.mediaLeftOut.length > 0)
        session.note(
          ref,
          `${converted.mediaLeftOut.join(', ')}: no file to link to, kept as ${converted.mediaLeftOut.length === 1 ? 'its' : 'their'} text`,
        );
      for (const repair of converted.repairs) session.note(ref, repair);
      if (converted.droppedCards.length > 0) {
        session.note(
          ref,
          `${[...new Set(converted.droppedCards)].map((n) => `the "${n}" card`).join(', ')} could not be kept and ${converted.droppedCards.length === 1 ? 'was' : 'were'} left out`,
        );
      }
      const broken = [...new Set(converted.brokenReferences)];
      if (broken.length > 0)
        session.note(
          ref,
          `its body is damaged: ${broken.slice(0, 3).join('; ')}${broken.length > 3 ? ` and ${broken.length - 3} more` : ''}`,
        );
    } catch (error) {
      // One body the converter cannot handle must not cost the rest of the import.
      const reason = `its content could not be converted (${error instanceof Error ? error.message : String(error)})`;
      session.fail(isPage ? 'page' : 'article', ref, reason);
      outcome({ outcome: 'failed', reason });
      return;
    }
    if (isPage) {
      const page = await session.page(
        sourceId,
        ref,
        {
          slug: slug || title,
          title: title || slug,
          bodyMarkdown: body,
          status: statusText === 'published' ? 'published' : 'draft',
          showInNavigation: false,
          position: 0,
        },
        { createdAt: ghostDate(post.created_at), modifiedAt: ghostDate(post.updated_at) },
      );
      if (page) {
        this.countEmbeds(embeds);
        this.placed('page', page.id, pagePath(page.slug), { postId: id, isRepeat, hasForwardLinks });
      }
      const pageDone = session.lastDone();
      if (page) await session.redirect(`/${slug}`, pagePath(page.slug), ref);
      outcome(pageDone);
      return;
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
    const authorRefs = this.spool.linked(this.origin, 'posts_authors', id);
    const legacyAuthor = text(post.author_id);
    if (authorRefs.length === 0 && legacyAuthor) authorRefs.push(legacyAuthor);
    const authorIds = authorRefs.flatMap((ghostId) => this.spool.made('user', ghostId) ?? []);
    const termIds = this.spool
      .linked(this.origin, 'posts_tags', id)
      .flatMap((ghostId) => this.spool.made('tag', ghostId) ?? []);
    const canonical = absoluteUrl(text(post.canonical_url));
    let feature = this.imageUrl(text(post.feature_image) ?? text(post.image), {
      ref,
      field: 'feature image',
    });
    const meta = this.spool.postMeta(this.origin, id);
    if (['codeinjection_head', 'codeinjection_foot'].some((key) => text(post[key] ?? meta?.[key])?.trim()))
      this.postsWithCodeInjection += 1;
    const featureAlt = (text(post.feature_image_alt) ?? text(meta?.feature_image_alt))?.trim() || null;
    // A feature image at another site's address would be loaded from there by every listing and
    // article page: it becomes a link at the head of the body instead.
    const external = feature ? linkToExternalImage(feature, featureAlt ?? '', this.hosts) : null;
    if (external) {
      session.note(ref, `feature ${externalImagesNote(external.images)}`);
      this.externalImages.add(external.images);
      body = `${external.markdown}\n\n${body}`;
      feature = null;
    }
    const featureCaption = (text(post.feature_image_caption) ?? text(meta?.feature_image_caption))?.trim();
    if (feature && featureCaption)
      session.warn(
        `${ref}: the feature image's caption is not kept (articles have no field for it): ${toPlainText(featureCaption)}`,
      );
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
        language: isLanguageTag(language) ? language : 'en',
        featuredImage: feature,
        featuredImageAlt: feature ? featureAlt : null,
        seoTitle: (text(post.meta_title) ?? text(meta?.meta_title))?.trim() || null,
        seoDescription: (text(post.meta_description) ?? text(meta?.meta_description))?.trim() || null,
        socialImage: null,
        visibility: visibilityOf(visibility),
        isFeatured: post.featured === true || post.featured === 1,
        hasComments: true,
        authorIds: [...new Set(authorIds)],
        termIds: [...new Set(termIds)],
      },
      { createdAt: ghostDate(post.created_at), modifiedAt: ghostDate(post.updated_at) },
    );
    if (saved) {
      this.countEmbeds(embeds);
      this.placed('article', saved.id, saved.path, { postId: id, isRepeat, hasForwardLinks });
    }
    // Said of what this run wrote: a post left as it was (unchanged, edited here) was said so before.
    if (
      saved &&
      authorIds.length === 0 &&
      (session.lastOutcome === 'imported' || session.lastOutcome === 'updated')
    )
      session.note(
        ref,
        authorRefs.length === 0
          ? 'names no author; imported with no author (no byline)'
          : `its author${authorRefs.length > 1 ? 's' : ''} (user ${authorRefs.join(', ')}) ${authorRefs.length > 1 ? 'are' : 'is'} not among the export's users; imported with no author (no byline)`,
      );
    const articleDone = session.lastDone();
    if (saved && slug) await session.redirect(`/${slug}`, saved.path, ref);
    outcome(articleDone);
  }

  /**
   * Counts the embedded players of the post just saved as what became of the post: a re-run that
   * leaves it as it was reports them unchanged. Only those this run wrote are named at the end.
   */
  private countEmbeds(providers: string[]): void {
    const outcome = this.session.lastOutcome;
    for (const provider of providers) {
      this.session.report.counts.embed[outcome] += 1;
      if (outcome === 'imported' || outcome === 'updated')
        this.embeds.set(provider, (this.embeds.get(provider) ?? 0) + 1);
    }
  }

  /**
   * Records where a post went, for links to it written later, and whether its body links to a
   * post written after it (to be pointed there at the end).
   */
  private placed(
    kind: 'article' | 'page',
    entityId: number,
    path: string,
    post: { postId: string; isRepeat: boolean; hasForwardLinks: boolean },
  ): void {
    if (!post.isRepeat) this.spool.setPath(this.origin, post.postId, path);
    const outcome = this.session.lastOutcome;
    // One that reads unchanged was left so by a run that stopped before its last pass: that pass
    // is this run's to make. The post's report line is written first (see writePost).
    if (post.hasForwardLinks && (outcome === 'imported' || outcome === 'updated' || outcome === 'unchanged'))
      this.pendingRelink = { kind, id: entityId, isUnchanged: outcome === 'unchanged' };
  }

  /** Says what of the site no item holds, kind by kind (see leftOutNotes). */
  private warnLeftOut(): void {
    for (const note of leftOutNotes(this.silentCards, this.postsWithCodeInjection, this.leftOut))
      this.session.warn(note);
  }

  /** Notes what only the whole import knows, in the last batch. */
  async finish(): Promise<void> {
    // Links to posts written after the one that links to them, now that every post is written.
    for (const { kind, id, item } of this.spool.relinks()) {
      const rewrite = async (markdown: string) => (await this.relinked(markdown)).markdown;
      const isRewritten =
        kind === 'article'
          ? await this.session.rewriteArticleBody(id, rewrite)
          : await this.session.rewritePageBody(id, rewrite);
      if (isRewritten && item !== null) this.session.rewritten(kind, item);
    }
    const external = this.externalImages.summary();
    if (external) this.session.warn(external);
    this.warnLeftOut();
    if (this.embeds.size > 0)
      this.session.warn(
        `embedded players and bookmark cards were kept as links to their own pages, so readers' browsers contact no third party until they follow one (${[...this.embeds].map(([provider, n]) => `${provider} ×${n}`).join(', ')})`,
      );
  }
}

/** What a Ghost export has that no item here holds, one line for each kind, with counts. */
function leftOutNotes(
  cards: ReadonlyMap<string, number>,
  postsWithCodeInjection: number,
  leftOut: GhostLeftOut,
): string[] {
  const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  const notes = [...cards].map(
    ([name, n]) =>
      `${plural(n, `"${name}" card`)} left out: ${CARD_REASONS[name] ?? 'it shows nothing of its post here'}`,
  );
  if (postsWithCodeInjection > 0)
    notes.push(
      `the code injection of ${plural(postsWithCodeInjection, 'post')} (their own scripts and styles) left out: this site runs no code from imported content`,
    );
  if (leftOut.siteCodeInjection.size > 0)
    notes.push(
      `the site's code injection (${[...leftOut.siteCodeInjection].sort().join(' and ')}) left out: this site runs no code from imported content; add what you need to the theme`,
    );
  if (leftOut.members > 0)
    notes.push(
      `${plural(leftOut.members, 'member')} (subscribers) not imported: this site has no member accounts; export them from Ghost's Members page for your newsletter tool`,
    );
  return notes;
}

/** Why a card with nothing of its post's own is left out, by name. */
const CARD_REASONS: Record<string, string> = {
  signup: 'this site has no member signup form',
  'email-cta': 'it was shown only in newsletters',
  email: 'it was shown only in newsletters',
};

/** The host of an address, lower case and without "www.", or "" when it is none. */
function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, '');
  } catch {
    return '';
  }
}
