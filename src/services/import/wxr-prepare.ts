import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { assertRenderable, renderedPlainText, renderMarkdownNow } from '../../content/markdown.ts';
import { INLINE_RENDER_CHARS } from '../../content/render-pool.ts';
import { stripXmlForbidden } from '../../domain/text.ts';
import type { RenderedBody } from '../articles.ts';
import { liftBlockFootnotes, restoreBlockFootnotes, withoutBlockFootnoteMarks } from './block-footnotes.ts';
import { liftCode } from './code-blocks.ts';
import { linkExternalImages } from './external-images.ts';
import { type ConvertedBody, cleanText, type DroppedLink, htmlToMarkdown } from './html-to-markdown.ts';
import { restorePrivateUse, setAsidePrivateUse } from './private-use.ts';
import type { Galleries } from './wordpress-gallery.ts';
import { mapOldSiteRefs, uploadPathOf } from './wxr-links.ts';
import type { WxrItem } from './wxr-reader.ts';
import type { SpooledItem } from './wxr-spool.ts';

export interface WordPressBody extends ConvertedBody {
  /** The text before <!--more-->, as plain text, when the post has one. */
  teaser: string | null;
  /** The link text a <!--more Read the rest--> gives instead of WordPress's "(more…)", if any. */
  moreText: string | null;
  /** What the report should say about the block editor's footnotes (a reference with no note). */
  footnoteProblems: string[];
}

/**
 * The hosts whose images an imported body may keep as images once its references to the old
 * site are pointed here: none. An image still at the old site's address (outside
 * wp-content/uploads, or an upload not copied) would be requested from that host by every
 * reader, as another site's would: it becomes a link to it, listed in the report.
 */
export const STILL_REMOTE: ReadonlySet<string> = new Set();

const MORE = /<!--more(?:\s[^>]*)?-->/gi;
const SENTINEL = /\uE011(\d+)\uE011/g;
/** Elements a <!--more--> inside of is no break: splitting there would cut them in two. */
const CONTAINER = /<(\/?)(ul|ol|li|dl|table|blockquote|figure|details)\b[^>]*>/gi;

/**
 * Where the teaser ends: the first <!--more--> that stands between blocks. One inside code (a
 * [code] shortcode or <pre>) is part of the code, and one inside a list, table or quote is not
 * where WordPress's editor puts the break; neither cuts the body.
 */
function topLevelMore(content: string): { index: number; length: number } | null {
  const found: { index: number; length: number }[] = [];
  const marked = content.replace(MORE, (whole: string, offset: number) => {
    found.push({ index: offset, length: whole.length });
    return `\uE011${found.length - 1}\uE011`;
  });
  if (found.length === 0) return null;
  // Code is lifted out first: a mark inside it leaves with the code.
  const { html } = liftCode(marked, { isWordPress: true });
  for (const mark of html.matchAll(SENTINEL)) {
    let depth = 0;
    for (const tag of html.slice(0, mark.index).matchAll(CONTAINER)) depth += tag[1] ? -1 : 1;
    if (depth <= 0) return found[Number(mark[1])] ?? null;
  }
  return null;
}

/**
 * A post body as Markdown. WordPress's <!--more--> (the end of the teaser shown on listings) is
 * kept as a comment in the Markdown, and the text before it becomes the teaser. The block
 * editor's footnotes (`footnotes`: the post's meta of that name) end the whole body.
 */
export function wordPressBody(
  content: string,
  options: { footnotes?: string | null; galleries?: Galleries | null } = {},
): WordPressBody {
  // The author's own private-use characters are set aside before anything marks places in the body.
  const body = convertedBody(
    setAsidePrivateUse(content),
    setAsidePrivateUse(options.footnotes ?? ''),
    options.galleries ?? null,
  );
  const restoreAll = (texts: string[]) => texts.map(restorePrivateUse);
  return {
    ...body,
    markdown: restorePrivateUse(body.markdown),
    droppedLinks: body.droppedLinks.map((link) => ({ ...link, text: restorePrivateUse(link.text) })),
    teaser: body.teaser === null ? null : restorePrivateUse(body.teaser),
    moreText: body.moreText === null ? null : restorePrivateUse(body.moreText),
    footnoteProblems: restoreAll(body.footnoteProblems),
  };
}

function convertedBody(content: string, footnotes: string, galleries: Galleries | null): WordPressBody {
  const lifted = liftBlockFootnotes(content, footnotes);
  const droppedLinks: DroppedLink[] = [];
  const withNotes = (markdown: string) =>
    restoreBlockFootnotes(markdown, lifted.notes, (note) => {
      const converted = htmlToMarkdown(note);
      droppedLinks.push(...converted.droppedLinks);
      return converted.markdown;
    });
  const html = lifted.html;
  const at = topLevelMore(html);
  if (!at) {
    const whole = htmlToMarkdown(html, { isWordPress: true, galleries });
    const markdown = withNotes(whole.markdown);
    return {
      ...whole,
      markdown,
      droppedLinks: [...whole.droppedLinks, ...droppedLinks],
      teaser: null,
      moreText: null,
      footnoteProblems: lifted.problems,
    };
  }
  const before = htmlToMarkdown(html.slice(0, at.index), { isWordPress: true, galleries });
  const after = htmlToMarkdown(html.slice(at.index + at.length), { isWordPress: true, galleries });
  const teaser =
    renderedPlainText(renderMarkdownNow(teaserMarkdown(withoutBlockFootnoteMarks(before.markdown)))) || null;
  const custom = /^<!--more\s([^>]*)-->$/i.exec(html.slice(at.index, at.index + at.length))?.[1];
  const moreText = custom ? cleanText(custom).replace(/\s+/g, ' ').trim() || null : null;
  const markdown = withNotes(
    [before.markdown, '<!--more-->', after.markdown].filter((part) => part.trim()).join('\n\n'),
  );
  return {
    markdown,
    shortcodes: [...before.shortcodes, ...after.shortcodes],
    embeds: [...before.embeds, ...after.embeds],
    droppedLinks: [...before.droppedLinks, ...after.droppedLinks, ...droppedLinks],
    repairs: [...before.repairs, ...after.repairs],
    teaser,
    moreText,
    footnoteProblems: lifted.problems,
  };
}

// An embed kept as a link ("▶ Watch on YouTube"): its label is the converter's words, not the author's.
const EMBED_LINK = /\[▶ (?:[^\]\\]|\\.)*\]\([^)\s]*\)/g;
// A paragraph that is an image, linked or not, and one that is wholly emphasised (a caption).
const IMAGE_PARAGRAPH = /^\[?!\[/;
const CAPTION_PARAGRAPH = /^\*[^*\n][\s\S]*\*$/;

/**
 * The Markdown a teaser made from the body is taken from: without the labels of embeds kept as
 * links, nor the captions the converter writes under figures and embeds (a teaser is the
 * author's prose, not "Photo: …" or "▶ Watch on YouTube").
 */
function teaserMarkdown(markdown: string): string {
  const paragraphs = markdown.split(/\n{2,}/);
  return paragraphs
    .filter((paragraph, index) => {
      const previous = paragraphs[index - 1]?.trim() ?? '';
      const isUnderFigure =
        IMAGE_PARAGRAPH.test(previous) || (previous !== '' && previous.replace(EMBED_LINK, '').trim() === '');
      return !(isUnderFigure && CAPTION_PARAGRAPH.test(paragraph.trim()));
    })
    .map((paragraph) => paragraph.replace(EMBED_LINK, ''))
    .join('\n\n');
}

/** Something that could not be converted, and why. */
export interface Unconvertible {
  error: string;
}

/**
 * The costly, database-free part of writing an item, done ahead of it: its body and its
 * comments' texts converted to Markdown, and a post's body rendered (what saving it would render).
 */
export interface PreparedItem {
  body:
    | {
        converted: WordPressBody;
        rendered: RenderedBody | null;
        /** The Markdown `rendered` was made from: the writer uses it only for a body that came out the same. */
        renderedFrom: string | null;
      }
    | Unconvertible
    | null;
  comments: ({ markdown: string; droppedLinks: DroppedLink[]; repairs: string[] } | Unconvertible)[];
}

/** What preparing an item needs of it (all a worker thread is sent). */
export interface PrepareTask {
  postType: string;
  content: string | null;
  /** The post's `footnotes` meta: the block editor's notes. */
  footnotes: string | null;
  /** Its [gallery] shortcodes, resolved against the file's attachments. */
  galleries: Galleries | null;
  comments: string[];
  /** How the writer will point the body's references to the old site; null: render the body as converted. */
  rewrite: BodyRewrite | null;
}

/** What a worker knows of how the writer points a body's references to the old site. */
export interface BodyRewrite {
  /** The old site's hosts (see oldSiteHosts). */
  hosts: string[];
  /** The old site's origin, which a relative address of a file that does not come across gets back. */
  origin: string | null;
  /** Whether an uploads folder was given: then only the writer knows where each upload went. */
  hasUploads: boolean;
}

/**
 * The body the writer will save, worked out ahead where that needs no lookup (see the writer's
 * rewriteBody): with no uploads folder, the old site's uploads keep their address (a relative one
 * gets the old origin back), and images still at other sites become links. Null when the body
 * refers to the old site's posts or pages, or to uploads an uploads folder may hold: where those
 * went is known only as items are written.
 */
export function predictedBody(markdown: string, rewrite: BodyRewrite): string | null {
  let isPredictable = true;
  const rewritten = mapOldSiteRefs(markdown, new Set(rewrite.hosts), (found) => {
    const upload = uploadPathOf(found.isAbsolute ? found.written : found.path);
    if (!upload || rewrite.hasUploads) isPredictable = false;
    return found.isAbsolute || !rewrite.origin ? undefined : `${rewrite.origin}${found.path}`;
  });
  return isPredictable ? linkExternalImages(rewritten, STILL_REMOTE).markdown : null;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The body an article saves from `markdown`, and its HTML and text, as saving would render them. */
function renderAhead(markdown: string): RenderedBody | null {
  const body = stripXmlForbidden(cleanText(markdown));
  // Long bodies render in the render pool under its time limit when saved; refused ones are
  // refused there, with the field named.
  if (body.length >= INLINE_RENDER_CHARS) return null;
  try {
    assertRenderable(body, 'body');
  } catch {
    return null;
  }
  const html = renderMarkdownNow(body);
  return { markdown: body, html, text: renderedPlainText(html) };
}

/** Converts what an item will need; never throws (a failure is reported with the item). */
export function prepareWxrItem(task: PrepareTask): PreparedItem {
  let body: PreparedItem['body'] = null;
  if (task.content !== null) {
    try {
      const converted = wordPressBody(task.content, { footnotes: task.footnotes, galleries: task.galleries });
      // Rendered as the writer will save it: a body whose links the writer changes after all is
      // rendered again there.
      const final = task.rewrite ? predictedBody(converted.markdown, task.rewrite) : converted.markdown;
      const rendered = task.postType === 'post' && final !== null ? renderAhead(final) : null;
      body = { converted, rendered, renderedFrom: rendered ? final : null };
    } catch (error) {
      body = { error: messageOf(error) };
    }
  }
  const comments = task.comments.map((content) => {
    try {
      const { markdown, droppedLinks, repairs } = htmlToMarkdown(content, { isWordPress: true });
      return { markdown, droppedLinks, repairs };
    } catch (error) {
      return { error: messageOf(error) };
    }
  });
  return { body, comments };
}

/** What of an item gets prepared: bodies of posts and pages, comments of posts. */
export function prepareTaskOf(
  { item, galleries }: SpooledItem,
  isImported: boolean,
  rewrite: BodyRewrite | null = null,
): PrepareTask {
  const hasBody = isImported && (item.postType === 'post' || item.postType === 'page');
  return {
    postType: item.postType,
    content: hasBody ? item.content : null,
    footnotes: hasBody ? footnotesMetaOf(item) : null,
    galleries: hasBody ? (galleries ?? null) : null,
    comments: hasBody && item.postType === 'post' ? item.comments.map((c) => c.content) : [],
    rewrite,
  };
}

/** The post's `footnotes` meta (the block editor's notes), if it has one. */
export function footnotesMetaOf(item: Pick<WxrItem, 'meta'>): string | null {
  return item.meta.find((m) => m.key === 'footnotes')?.value ?? null;
}

/**
 * Worker threads worth starting here: one per processor, up to four, while the import's own
 * thread writes. Converting a post costs more than writing it, so with one worker per processor
 * but one the writer sat idle for a third of a 100,000-post import on two processors, waiting for
 * the one worker; a second took about a fifth off the time for some 40 MB more memory.
 */
export function defaultPrepareWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** Items sent to a worker at a time: one message per item would cost more than small items take. */
const CHUNK = 16;
/** Items converted ahead of the one being written, unless the caller asks for more. */
const AHEAD_ITEMS = 4 * CHUNK;
/** Old-generation heap of a worker. */
const WORKER_HEAP_MB = 64;
/**
 * Young generation of a worker. Left to V8, a 64 MB heap gets semi-spaces of about 1 MB, and
 * converting one post (a DOM of its HTML, then Markdown, then sanitized HTML) makes several
 * times that in short-lived objects: scavenges took a seventh of the worker's time. 12 MB
 * (4 MB semi-spaces, as the import's own thread has) took about a sixth off the worker's CPU
 * per post, for a few MB of memory.
 */
const WORKER_YOUNG_MB = 12;

/**
 * The spooled items, each with its preparation, converted by `workers` worker threads up to
 * `ahead` items (AHEAD_ITEMS by default) ahead of the writer, so that converting and writing overlap. With no workers,
 * nothing is prepared ahead and the writer converts each item itself; a worker that fails does
 * the same.
 */
export async function* preparedItems(
  items: Iterator<SpooledItem>,
  options: {
    workers: number;
    /** How far ahead of the writer items are converted: a writer that takes items by the batch wants a batch more. */
    ahead?: number;
    isImported: (item: WxrItem) => boolean;
    /** How the writer points bodies' references to the old site, so that bodies are rendered as saved. */
    rewrite?: BodyRewrite;
    /** Told when a worker fails (the writer then converts that chunk's items itself). */
    onWorkerError?: (error: unknown) => void;
  },
): AsyncGenerator<SpooledItem & { prepared: PreparedItem | null }> {
  if (options.workers <= 0) {
    for (let next = items.next(); !next.done; next = items.next()) yield { ...next.value, prepared: null };
    return;
  }
  const pool = new Piscina({
    filename: new URL('./wxr-prepare-worker.ts', import.meta.url).href,
    minThreads: options.workers,
    maxThreads: options.workers,
    idleTimeout: 1000,
    // Every chunk queued is handed to a worker at once: piscina hands out the next one only when
    // the import thread's event loop turns, which it does not while it writes a batch, and the
    // workers would sit idle for most of each batch.
    concurrentTasksPerWorker: Math.ceil((options.ahead ?? AHEAD_ITEMS) / CHUNK),
    // A worker holds a few items at a time; without limits V8 would let its heap grow lazily to
    // the process's. One that runs out (a huge post) ends, and the writer converts its items.
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_MB },
  });
  const queue: { items: SpooledItem[]; prepared: Promise<(PreparedItem | null)[]> }[] = [];
  const aheadChunks = Math.max(1, Math.ceil((options.ahead ?? AHEAD_ITEMS) / CHUNK));
  try {
    let isDone = false;
    for (;;) {
      while (!isDone && queue.length < aheadChunks) {
        const chunk: SpooledItem[] = [];
        for (let next = items.next(); ; next = items.next()) {
          if (next.done) {
            isDone = true;
            break;
          }
          chunk.push(next.value);
          if (chunk.length === CHUNK) break;
        }
        if (chunk.length === 0) break;
        const tasks = chunk.map((spooled) =>
          prepareTaskOf(spooled, options.isImported(spooled.item), options.rewrite ?? null),
        );
        queue.push({
          items: chunk,
          prepared: (pool.run(tasks) as Promise<PreparedItem[]>).catch((error: unknown) => {
            options.onWorkerError?.(error);
            return tasks.map(() => null);
          }),
        });
      }
      const head = queue.shift();
      if (!head) return;
      const prepared = await head.prepared;
      for (const [index, spooled] of head.items.entries())
        yield { ...spooled, prepared: prepared[index] ?? null };
    }
  } finally {
    // The writer stopped early: let the chunks under way finish (a worker that answers a pool
    // being destroyed is an error), then stop the threads.
    await Promise.all(queue.map((chunk) => chunk.prepared));
    await pool.destroy();
  }
}
