import type { FieldError } from '../errors.ts';
import { licenseProblem, OTHER_LICENSE_MAX, OTHER_LICENSE_PREFIX } from './license.ts';
import { isRecordId, lengthErrors } from './limits.ts';
import { slugProblem } from './slug.ts';
import { cleanLine, stripXmlForbidden } from './text.ts';
import { isHttpUrl, isLinkTarget, urlFieldMessage } from './url.ts';

export const ARTICLE_STATUSES = ['draft', 'review', 'scheduled', 'published', 'unpublished'] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];

/** Who reads an article in full: everyone, members, or members on a paid tier (see article-access.ts). */
export const VISIBILITIES = ['public', 'members', 'paid'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export interface Epigraph {
  text: string;
  attribution: string | null;
}

/** Where an article first appeared, when not in this publication. */
export interface OriginalSource {
  name: string;
  url: string | null;
}

/** What a writer or an importer supplies; the rest is derived. The one list of an article's own fields. */
export interface ArticleDraft {
  slug: string;
  title: string;
  subtitle: string | null;
  summary: string | null;
  epigraph: Epigraph | null;
  bodyMarkdown: string;
  status: ArticleStatus;
  publishedAt: string | null;
  source: OriginalSource | null;
  canonicalUrl: string | null;
  license: string | null;
  language: string;
  featuredImage: string | null;
  featuredImageAlt: string | null;
  /** The title search engines and social cards show, when not the article's own. */
  seoTitle: string | null;
  /** The description search engines and social cards show, when not the summary. */
  seoDescription: string | null;
  /** The image social cards show, when not the featured image. */
  socialImage: string | null;
  visibility: Visibility;
  isFeatured: boolean;
  hasComments: boolean;
  /** Person ids in byline order. */
  authorIds: number[];
  /** Term ids, in the order given. */
  termIds: number[];
}

/** A stored article: its draft, plus what saving derives (rendered HTML, counts, times, version). */
export interface Article extends ArticleDraft {
  id: number;
  bodyHtml: string;
  /**
   * What readers who may not read a gated article in full get of it: its text up to the
   * preview marker, or its opening paragraphs, rendered and sanitized at save time; null for a
   * public article.
   */
  previewHtml: string | null;
  createdAt: string;
  updatedAt: string;
  wordCount: number;
  /** Incremented on every save; an editor saving an older version is told instead of overwriting. */
  version: number;
  /** The staff user who created it; null for imports, the command line and the demo. */
  createdBy: number | null;
}

/**
 * An article without its text (Markdown and HTML): what a listing, a card or a related list
 * shows. Reading a list of these leaves the bodies, the largest part of each row, unread.
 */
export type ArticleSummary = Omit<Article, 'bodyMarkdown' | 'bodyHtml' | 'previewHtml'>;

/**
 * An article as readers get its text: the rendered HTML without the Markdown it came from.
 * Feeds and search results show the HTML; reading the Markdown as well doubled what they
 * moved out of the database.
 */
export type ArticleForReaders = Omit<Article, 'bodyMarkdown'>;

// A record, not a list, so that adding a field to ArticleDraft fails to compile until it is named here.
const DRAFT_FIELDS: Record<keyof ArticleDraft, true> = {
  slug: true,
  title: true,
  subtitle: true,
  summary: true,
  epigraph: true,
  bodyMarkdown: true,
  status: true,
  publishedAt: true,
  source: true,
  canonicalUrl: true,
  license: true,
  language: true,
  featuredImage: true,
  featuredImageAlt: true,
  seoTitle: true,
  seoDescription: true,
  socialImage: true,
  visibility: true,
  isFeatured: true,
  hasComments: true,
  authorIds: true,
  termIds: true,
};

/** The names of an article's own fields: what revisions keep and restores bring back. */
export const ARTICLE_DRAFT_FIELDS = Object.keys(DRAFT_FIELDS) as (keyof ArticleDraft)[];

/** The editable fields of a stored article, as kept in revisions and exports. */
export function draftOf(article: ArticleDraft): ArticleDraft {
  const draft: Partial<Record<keyof ArticleDraft, unknown>> = {};
  for (const field of ARTICLE_DRAFT_FIELDS) draft[field] = article[field];
  return draft as ArticleDraft;
}

/**
 * The longest value of each of an article's short text fields, in characters: no more than the
 * columns hold (varchar), the same on both databases. `url` is for every address field.
 */
export const ARTICLE_LIMITS = {
  title: 300,
  subtitle: 2000,
  summary: 2000,
  epigraph: 2000,
  sourceName: 500,
  url: 2000,
  /** A code, or a value kept from before as `other:<text>`. */
  license: OTHER_LICENSE_PREFIX.length + OTHER_LICENSE_MAX,
  language: 35,
  /** Search engines show about 60 characters of a title and 160 of a description; the rest is room. */
  seoTitle: 300,
  seoDescription: 1000,
} as const;
/** The longest article body, in characters; no longer text is rendered either. */
export const MAX_BODY_CHARS = 2_000_000;

/** Why a text is too long to keep, as a field message, or undefined when it is not. */
export function lengthProblem(text: string, limit: number): string | undefined {
  if (text.length <= limit) return undefined;
  const count = (n: number) => n.toLocaleString('en');
  return `is too long: ${count(text.length)} characters, at most ${count(limit)}; split it into parts`;
}

const LANGUAGE_TAG = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/;

/** Whether a value is a language tag an article can carry ("en", "pt-BR"), short enough to keep. */
export function isLanguageTag(value: string | null | undefined): value is string {
  return !!value && value.length <= ARTICLE_LIMITS.language && LANGUAGE_TAG.test(value);
}

/** The article fields that have a length limit, as the editor, autosave and importers give them. */
export type ArticleTextFields = Pick<
  ArticleDraft,
  'title' | 'epigraph' | 'source' | 'canonicalUrl' | 'license' | 'language' | 'featuredImage'
> & {
  subtitle: string | null;
  summary: string | null;
  seoTitle?: string | null;
  seoDescription?: string | null;
  socialImage?: string | null;
};

/** Every field of an article longer than it may be, by field: what no save (or autosave) may keep. */
export function articleLengthErrors(fields: ArticleTextFields): FieldError[] {
  const limits = ARTICLE_LIMITS;
  return lengthErrors([
    ['title', fields.title, limits.title],
    ['subtitle', fields.subtitle, limits.subtitle],
    ['summary', fields.summary, limits.summary],
    ['epigraph', fields.epigraph?.text, limits.epigraph],
    ['source', fields.source?.name, limits.sourceName],
    ['source_url', fields.source?.url, limits.url],
    ['canonical_url', fields.canonicalUrl, limits.url],
    ['license', fields.license, limits.license],
    ['language', fields.language, limits.language],
    ['featured_image', fields.featuredImage, limits.url],
    ['seo_title', fields.seoTitle, limits.seoTitle],
    ['seo_description', fields.seoDescription, limits.seoDescription],
    ['social_image', fields.socialImage, limits.url],
  ]);
}

/** Every problem with a draft, by field; an empty list means it can be saved. */
export function validateArticleDraft(draft: ArticleDraft): FieldError[] {
  const errors: FieldError[] = articleLengthErrors(draft);
  const isTooLong = (field: string) => errors.some((e) => e.field === field);
  if (draft.title.trim().length === 0) errors.push({ field: 'title', message: 'must not be empty' });
  const slugIssue = slugProblem(draft.slug);
  if (slugIssue) errors.push({ field: 'slug', message: slugIssue });
  const bodyProblem = lengthProblem(draft.bodyMarkdown, MAX_BODY_CHARS);
  if (bodyProblem) errors.push({ field: 'body', message: bodyProblem });
  if (!ARTICLE_STATUSES.includes(draft.status)) {
    errors.push({ field: 'status', message: `must be one of ${ARTICLE_STATUSES.join(', ')}` });
  }
  if (!VISIBILITIES.includes(draft.visibility)) {
    errors.push({ field: 'visibility', message: `must be one of ${VISIBILITIES.join(', ')}` });
  }
  if (draft.publishedAt !== null && Number.isNaN(Date.parse(draft.publishedAt))) {
    errors.push({ field: 'date', message: 'is not a valid date' });
  }
  if ((draft.status === 'published' || draft.status === 'scheduled') && draft.publishedAt === null) {
    errors.push({ field: 'date', message: `is required for a ${draft.status} article` });
  }
  if (draft.source !== null) {
    if (draft.source.name.trim().length === 0) errors.push({ field: 'source', message: 'must not be empty' });
    if (draft.source.url !== null && !isTooLong('source_url') && !isHttpUrl(draft.source.url)) {
      errors.push({
        field: 'source_url',
        message: urlFieldMessage(draft.source.url, 'must be an http or https URL'),
      });
    }
  }
  // Site paths (/media/…) and http(s) URLs only: no other scheme (javascript:, data:), no
  // scheme-relative or backslash tricks, no climbing out with "..".
  if (
    draft.featuredImage !== null &&
    !isTooLong('featured_image') &&
    !isLinkTarget(draft.featuredImage.trim())
  ) {
    errors.push({
      field: 'featured_image',
      message: urlFieldMessage(
        draft.featuredImage,
        'must be an http or https URL, or an address on this site',
      ),
    });
  }
  if (draft.socialImage !== null && !isTooLong('social_image') && !isLinkTarget(draft.socialImage.trim())) {
    errors.push({
      field: 'social_image',
      message: urlFieldMessage(draft.socialImage, 'must be an http or https URL, or an address on this site'),
    });
  }
  if (draft.canonicalUrl !== null && !isTooLong('canonical_url') && !isHttpUrl(draft.canonicalUrl)) {
    errors.push({
      field: 'canonical_url',
      message: urlFieldMessage(draft.canonicalUrl, 'must be an http or https URL'),
    });
  }
  const licenseIssue =
    draft.license !== null && !isTooLong('license') ? licenseProblem(draft.license) : undefined;
  if (licenseIssue) errors.push({ field: 'license', message: licenseIssue });
  if (!isTooLong('language') && !LANGUAGE_TAG.test(draft.language)) {
    errors.push({ field: 'language', message: 'must be a language tag such as en or pt-BR' });
  }
  errors.push(...articleRelationErrors(draft));
  return errors;
}

/**
 * Problems with the people and terms an article names by id: a person named twice, or an id no
 * row can have (ids come from forms and files too, and are refused before any query asks for them).
 */
export function articleRelationErrors(draft: Pick<ArticleDraft, 'authorIds' | 'termIds'>): FieldError[] {
  const errors: FieldError[] = [];
  if (new Set(draft.authorIds).size !== draft.authorIds.length) {
    errors.push({ field: 'authors', message: 'must not name the same person twice' });
  }
  if (!draft.authorIds.every(isRecordId))
    errors.push({ field: 'authors', message: 'names a person who does not exist' });
  if (!draft.termIds.every(isRecordId))
    errors.push({ field: 'terms', message: 'names a term that does not exist' });
  return errors;
}

/**
 * The draft with the characters XML 1.0 forbids removed from its text: whatever path it came
 * by (form, API, importer), nothing stored may break a feed or sitemap (or PostgreSQL, for NUL).
 * Addresses are left as given: a control character in one is refused by validateArticleDraft,
 * never removed to leave another address than the one supplied.
 */
export function withCleanText(draft: ArticleDraft): ArticleDraft {
  const clean = (value: string | null): string | null => (value === null ? null : stripXmlForbidden(value));
  // One-line fields shown inside a line of other text: no bidirectional controls either.
  const line = (value: string | null): string | null => (value === null ? null : cleanLine(value));
  return {
    ...draft,
    slug: stripXmlForbidden(draft.slug),
    title: cleanLine(draft.title),
    subtitle: line(draft.subtitle),
    summary: clean(draft.summary),
    epigraph: draft.epigraph
      ? { text: stripXmlForbidden(draft.epigraph.text), attribution: line(draft.epigraph.attribution) }
      : null,
    bodyMarkdown: stripXmlForbidden(draft.bodyMarkdown),
    source: draft.source ? { name: cleanLine(draft.source.name), url: draft.source.url } : null,
    license: clean(draft.license),
    language: stripXmlForbidden(draft.language),
    featuredImageAlt: line(draft.featuredImageAlt),
    seoTitle: line(draft.seoTitle),
    seoDescription: clean(draft.seoDescription),
  };
}

/** Whether readers can see the article now. */
export function isPubliclyVisible(article: Pick<Article, 'status' | 'publishedAt'>, now: Date): boolean {
  return (
    article.status === 'published' &&
    article.publishedAt !== null &&
    Date.parse(article.publishedAt) <= now.getTime()
  );
}

/**
 * Whether readers may know the article's address: it was published, at a time that has come,
 * whether or not it still is. A scheduled article never was (its date is when it will be).
 */
export function hasBeenPublished(article: Pick<Article, 'status' | 'publishedAt'>, now: Date): boolean {
  return (
    article.status !== 'scheduled' &&
    article.publishedAt !== null &&
    Date.parse(article.publishedAt) <= now.getTime()
  );
}

/** Normalizes any parseable date to the ISO form stored everywhere (UTC, milliseconds). */
export function toIsoTimestamp(value: string | Date): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  return date.toISOString();
}

/**
 * Counts words in Markdown for reading time, ignoring link targets and markup characters. It runs
 * on every save, on the event loop: a link target ends at the first bracket, parenthesis or line
 * end, so text full of "](" with no ")" cannot make each one read on to the end (that took
 * 78 s for 800 KB and stalled every other request).
 */
export function countWords(markdown: string): number {
  const text = markdown
    .replace(/\]\([^()[\]\n]*\)/g, ']')
    .replace(/[#>*_`~[\]!-]/g, ' ')
    .trim();
  return text.length === 0 ? 0 : text.split(/\s+/u).length;
}

/** The reading pace reading times assume. */
export const WORDS_PER_MINUTE = 230;

/** Minutes to read at 230 words a minute, never less than one. */
export function readingMinutes(wordCount: number): number {
  return Math.max(1, Math.round(wordCount / WORDS_PER_MINUTE));
}
