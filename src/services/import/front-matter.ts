import { parseDocument } from 'yaml';
import {
  ARTICLE_STATUSES,
  type ArticleStatus,
  type Epigraph,
  VISIBILITIES,
  type Visibility,
} from '../../domain/article.ts';
import { isImpossibleDate, parseStrictDate } from '../../domain/dates.ts';
import { licenseInput } from '../../domain/license.ts';
import { slugify, slugProblem } from '../../domain/slug.ts';
import { isHttpUrl } from '../../domain/url.ts';
import type { FieldError } from '../../errors.ts';
import type { PersonRef } from '../people.ts';

/** An article as described by a Markdown file's front matter, checked but not yet stored. */
export interface ArticleFile {
  slug: string;
  title: string;
  date: string | null;
  authors: PersonRef[];
  /** Term names per taxonomy slug. */
  terms: Map<string, string[]>;
  subtitle: string | null;
  summary: string | null;
  epigraph: Epigraph | null;
  source: string | null;
  sourceUrl: string | null;
  canonicalUrl: string | null;
  license: string | null;
  status: ArticleStatus;
  language: string | null;
  visibility: Visibility;
  isFeatured: boolean;
  hasComments: boolean;
  image: string | null;
  imageAlt: string | null;
  seoTitle: string | null;
  seoDescription: string | null;
  socialImage: string | null;
  /** When the article was made and last changed (written by `pressroom export --format markdown`). */
  createdAt: string | null;
  updatedAt: string | null;
  body: string;
}

const FIELD_KEYS = new Set([
  'title',
  'date',
  'authors',
  'author',
  'slug',
  'subtitle',
  'summary',
  // What other generators call the summary (Jekyll's excerpt, Hugo's and Eleventy's description).
  'excerpt',
  'description',
  'epigraph',
  'source',
  'source_url',
  'canonical_url',
  'license',
  'status',
  'language',
  'visibility',
  'featured',
  'comments',
  'image',
  'image_alt',
  'seo_title',
  'seo_description',
  'social_image',
  'created',
  'updated',
]);

const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

export type ParseResult = { ok: true; value: ArticleFile } | { ok: false; errors: FieldError[] };

/**
 * Reads a Markdown file with YAML front matter (DESIGN "Markdown import") and checks every
 * field. `taxonomySlugs` are the keys that name taxonomies; any other unknown key is an error.
 */
export function parseArticleFile(text: string, taxonomySlugs: readonly string[]): ParseResult {
  const match = FRONT_MATTER.exec(text);
  if (!match) {
    return {
      ok: false,
      errors: [
        {
          field: '(front matter)',
          message: 'missing: the file must start with a --- line, YAML, and another --- line',
        },
      ],
    };
  }
  const doc = parseDocument(match[1] ?? '', { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => ({
        field: '(front matter)',
        message: `YAML error at line ${(e.linePos?.[0]?.line ?? 0) + 1}: ${e.message.split('\n')[0]}`,
      })),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 });
  } catch (error) {
    // The yaml library refuses documents whose aliases would expand excessively.
    return {
      ok: false,
      errors: [{ field: '(front matter)', message: `YAML error: ${(error as Error).message}` }],
    };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return {
      ok: false,
      errors: [{ field: '(front matter)', message: 'must be a mapping of keys to values' }],
    };
  }
  return readFields(data as Record<string, unknown>, text.slice(match[0].length), taxonomySlugs);
}

function readFields(
  data: Record<string, unknown>,
  body: string,
  taxonomySlugs: readonly string[],
): ParseResult {
  const errors: FieldError[] = [];
  const str = (key: string): string | null => {
    const value = data[key];
    if (value === undefined || value === null) return null;
    if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
    if (typeof value === 'number') return String(value);
    errors.push({ field: key, message: 'must be a text value' });
    return null;
  };
  const bool = (key: string, fallback: boolean): boolean => {
    const value = data[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'boolean') return value;
    errors.push({ field: key, message: 'must be true or false' });
    return fallback;
  };

  for (const key of Object.keys(data)) {
    if (!FIELD_KEYS.has(key) && !taxonomySlugs.includes(key)) {
      errors.push({
        field: key,
        message: `is not a known field or taxonomy (taxonomies: ${taxonomySlugs.join(', ')})`,
      });
    }
  }

  const title = str('title');
  if (title === null) errors.push({ field: 'title', message: 'is required and must not be empty' });

  let date: string | null = null;
  const rawDate = data.date;
  if (rawDate instanceof Date) date = rawDate.toISOString();
  else if (rawDate !== undefined && rawDate !== null) {
    const text = typeof rawDate === 'string' ? rawDate.trim() : '';
    const parsed = parseStrictDate(text);
    if (!parsed) {
      errors.push({
        field: 'date',
        message: isImpossibleDate(text)
          ? `"${text}" is not a real date (no such day or time)`
          : `"${String(rawDate)}" is not a date (use YYYY-MM-DD or ISO 8601)`,
      });
    } else date = parsed.toISOString();
  }

  const authors = readAuthors(data.authors ?? data.author, errors);
  const createdAt = readTimestamp(data, 'created', errors);
  const updatedAt = readTimestamp(data, 'updated', errors);

  const slugGiven = str('slug');
  const slug = slugGiven ?? (title ? slugify(title) : '');
  if (title !== null || slugGiven !== null) {
    const issue = slugProblem(slug);
    if (issue)
      errors.push({
        field: 'slug',
        message: slugGiven ? issue : `cannot be made from the title; give a slug (${issue})`,
      });
  }

  const terms = new Map<string, string[]>();
  for (const taxonomy of taxonomySlugs) {
    const value = data[taxonomy];
    if (value === undefined || value === null) continue;
    const names = (Array.isArray(value) ? value : [value]).map((v) =>
      typeof v === 'string' || typeof v === 'number' ? String(v).trim() : null,
    );
    if (names.some((n) => n === null || n === '')) {
      errors.push({ field: taxonomy, message: 'must be a term name or a list of term names' });
      continue;
    }
    terms.set(taxonomy, names as string[]);
  }

  let epigraph: Epigraph | null = null;
  const rawEpigraph = data.epigraph;
  if (typeof rawEpigraph === 'string' && rawEpigraph.trim())
    epigraph = { text: rawEpigraph.trim(), attribution: null };
  else if (rawEpigraph && typeof rawEpigraph === 'object' && !Array.isArray(rawEpigraph)) {
    const e = rawEpigraph as Record<string, unknown>;
    if (typeof e.text !== 'string' || !e.text.trim())
      errors.push({ field: 'epigraph', message: 'needs a text' });
    else
      epigraph = {
        text: e.text.trim(),
        attribution: typeof e.attribution === 'string' && e.attribution.trim() ? e.attribution.trim() : null,
      };
  } else if (rawEpigraph !== undefined && rawEpigraph !== null) {
    errors.push({ field: 'epigraph', message: 'must be a text or { text, attribution }' });
  }

  const summaries = (['summary', 'excerpt', 'description'] as const).filter((key) => str(key) !== null);
  const summary = summaries[0] === undefined ? null : str(summaries[0]);
  for (const key of summaries.slice(1))
    if (str(key) !== summary)
      errors.push({ field: key, message: `differs from ${summaries[0]}: give the summary once` });
  const status = (str('status') ?? 'published') as ArticleStatus;
  if (!ARTICLE_STATUSES.includes(status))
    errors.push({ field: 'status', message: `must be one of ${ARTICLE_STATUSES.join(', ')}` });
  const visibility = (str('visibility') ?? 'public') as Visibility;
  if (!VISIBILITIES.includes(visibility))
    errors.push({ field: 'visibility', message: `must be one of ${VISIBILITIES.join(', ')}` });
  const source = str('source');
  const sourceUrl = str('source_url');
  if (sourceUrl && !source) errors.push({ field: 'source', message: 'is required when source_url is given' });

  const value: ArticleFile = {
    slug,
    title: title ?? '',
    date,
    authors,
    terms,
    subtitle: str('subtitle'),
    summary,
    epigraph,
    source,
    sourceUrl,
    canonicalUrl: str('canonical_url'),
    license: licenseInput(str('license')),
    status,
    language: str('language'),
    visibility,
    isFeatured: bool('featured', false),
    hasComments: bool('comments', true),
    image: str('image'),
    imageAlt: str('image_alt'),
    seoTitle: str('seo_title'),
    seoDescription: str('seo_description'),
    socialImage: str('social_image'),
    createdAt,
    updatedAt,
    body,
  };
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value };
}

/** An ISO 8601 time in the front matter, as an ISO timestamp; null when absent. */
export function readTimestamp(
  data: Record<string, unknown>,
  key: string,
  errors: FieldError[],
): string | null {
  const raw = data[key];
  if (raw === undefined || raw === null) return null;
  const date = raw instanceof Date ? raw : typeof raw === 'string' ? parseStrictDate(raw) : null;
  if (!date || Number.isNaN(date.getTime())) {
    const message =
      typeof raw === 'string' && isImpossibleDate(raw)
        ? `"${raw.trim()}" is not a real date (no such day or time)`
        : `"${String(raw)}" is not a date and time (use ISO 8601)`;
    errors.push({ field: key, message });
    return null;
  }
  return date.toISOString();
}

function readAuthors(raw: unknown, errors: FieldError[]): PersonRef[] {
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  const refs: PersonRef[] = [];
  list.forEach((item, index) => {
    const field = `authors[${index}]`;
    if (typeof item === 'string' && item.trim()) refs.push({ name: item.trim() });
    else if (item && typeof item === 'object' && !Array.isArray(item)) {
      const o = item as Record<string, unknown>;
      const text = (k: string) =>
        typeof o[k] === 'string' && (o[k] as string).trim() ? (o[k] as string).trim() : undefined;
      const name = text('name');
      if (!name) {
        errors.push({ field, message: 'needs a name' });
        return;
      }
      for (const key of Object.keys(o)) {
        if (!['name', 'slug', 'bio', 'email', 'website'].includes(key))
          errors.push({
            field: `${field}.${key}`,
            message: 'is not a known author field (name, slug, bio, email, website)',
          });
      }
      const website = text('website');
      if (website !== undefined && !isHttpUrl(website))
        errors.push({ field: `${field}.website`, message: 'must be an http or https URL' });
      refs.push({
        name,
        slug: text('slug'),
        bio: text('bio'),
        email: text('email'),
        website: text('website'),
      });
    } else errors.push({ field, message: 'must be a name or { name, slug, bio, email, website }' });
  });
  return refs;
}
