import type { FieldError } from '../errors.ts';
import { ARTICLE_LIMITS } from './article.ts';
import { COMMENT_LIMITS } from './comment.ts';
import { INTEGER_MAX, tooLong, wholeNumberProblem } from './limits.ts';
import { PERSON_LIMITS } from './person.ts';
import { MAX_SOURCE_KEY_LENGTH } from './ports/import-source-store.ts';
import { MEDIA_LIMITS } from './ports/media-store.ts';
import { MAX_REDIRECT_PATH_LENGTH } from './ports/redirect-store.ts';
import { TAXONOMY_LIMITS } from './taxonomy.ts';

/** The identifier of the export format; see docs/export-format.md. */
export const EXPORT_FORMAT = 'pressroom-export';
export const EXPORT_VERSION = 1;

/** A row of an export document, column names as in the database (snake_case). */
export type ExportRow = Record<string, unknown>;

/** The top-level lists of an export document, each already checked to be a list. */
export interface ExportSections {
  settings: ExportRow[];
  taxonomies: ExportRow[];
  terms: ExportRow[];
  people: ExportRow[];
  articles: ExportRow[];
  pages: ExportRow[];
  settingsRevisions: ExportRow[];
  media: ExportRow[];
  redirects: ExportRow[];
  importSources: ExportRow[];
}

/** Sections with no rows, to load one part of a publication (the media index, the settings). */
export function emptyExportSections(): ExportSections {
  return {
    settings: [],
    taxonomies: [],
    terms: [],
    people: [],
    articles: [],
    pages: [],
    settingsRevisions: [],
    media: [],
    redirects: [],
    importSources: [],
  };
}

/** A sink for the export text; the file is written piece by piece so memory stays flat. */
export interface ExportSink {
  write(text: string): Promise<void> | void;
}

/** A column of an export row: text of at most so many characters, or a whole number. */
type ColumnLimit = number | 'integer';

const TIME = 32;
// Titles, names and slugs: the columns' own sizes. Each entity's rule is stricter (a title has
// 300 characters at most, a person's name 200…), but a restore recreates rows as they were
// stored, and older rows may predate a rule; what it must refuse is what no column can hold.
const COLUMN_SLUG = 200;
const COLUMN_NAME = 300;
const COLUMN_TITLE = 500;
const REVISION: Record<string, ColumnLimit> = {
  version: 'integer',
  actor: 200,
  created_at: TIME,
};

/**
 * What each column of an export row can hold, by section; nested lists (an article's comments)
 * by their key. A row with a value past its column is skipped by the importer, named in its report.
 */
export const EXPORT_COLUMN_LIMITS = {
  settings: { key: 100, updated_at: TIME },
  settingsRevisions: REVISION,
  taxonomies: {
    slug: TAXONOMY_LIMITS.slug,
    name: TAXONOMY_LIMITS.name,
    plural_name: TAXONOMY_LIMITS.name,
    is_hierarchical: 'integer',
    is_multiple: 'integer',
    position: 'integer',
  },
  terms: { slug: COLUMN_SLUG, name: COLUMN_NAME, position: 'integer', created_at: TIME, updated_at: TIME },
  'terms.revisions': REVISION,
  people: {
    slug: COLUMN_SLUG,
    name: COLUMN_NAME,
    email: PERSON_LIMITS.email,
    website: PERSON_LIMITS.url,
    photo: PERSON_LIMITS.url,
    created_at: TIME,
    updated_at: TIME,
  },
  'people.revisions': REVISION,
  articles: {
    slug: COLUMN_SLUG,
    title: COLUMN_TITLE,
    status: 20,
    published_at: TIME,
    created_at: TIME,
    updated_at: TIME,
    source_name: ARTICLE_LIMITS.sourceName,
    source_url: ARTICLE_LIMITS.url,
    canonical_url: ARTICLE_LIMITS.url,
    license: ARTICLE_LIMITS.license,
    language: ARTICLE_LIMITS.language,
    featured_image: ARTICLE_LIMITS.url,
    seo_title: ARTICLE_LIMITS.seoTitle,
    seo_description: ARTICLE_LIMITS.seoDescription,
    social_image: ARTICLE_LIMITS.url,
    visibility: 20,
    deleted_at: TIME,
    deleted_slug: COLUMN_SLUG,
    is_featured: 'integer',
    has_comments: 'integer',
    word_count: 'integer',
    version: 'integer',
    created_by: 'integer',
  },
  'articles.revisions': REVISION,
  'articles.corrections': { kind: 20, created_at: TIME, updated_at: TIME, withdrawn_at: TIME },
  'articles.comments': {
    author_name: COMMENT_LIMITS.authorName,
    author_email: COMMENT_LIMITS.authorEmail,
    author_url: COMMENT_LIMITS.authorUrl,
    status: 20,
    kind: 20,
    created_at: TIME,
    edited_at: TIME,
    source_id: COMMENT_LIMITS.sourceId,
  },
  pages: {
    slug: COLUMN_SLUG,
    title: COLUMN_TITLE,
    status: 20,
    show_in_navigation: 'integer',
    position: 'integer',
    created_at: TIME,
    updated_at: TIME,
  },
  'pages.revisions': REVISION,
  media: {
    url: MEDIA_LIMITS.url,
    local_path: MEDIA_LIMITS.localPath,
    mime: MEDIA_LIMITS.mime,
    created_at: TIME,
    source_id: MEDIA_LIMITS.sourceId,
  },
  redirects: {
    from_path: MAX_REDIRECT_PATH_LENGTH,
    to_path: MAX_REDIRECT_PATH_LENGTH,
    status_code: 'integer',
    created_at: TIME,
  },
  importSources: {
    source: MAX_SOURCE_KEY_LENGTH,
    source_id: MAX_SOURCE_KEY_LENGTH,
    entity_type: 40,
    created_at: TIME,
  },
} as const satisfies Record<string, Record<string, ColumnLimit>>;

export type ExportRowKind = keyof typeof EXPORT_COLUMN_LIMITS;

/** The values of an export row its columns cannot hold, by column; an empty list when it fits. */
export function exportRowErrors(kind: ExportRowKind, row: ExportRow): FieldError[] {
  const errors: FieldError[] = [];
  for (const [column, limit] of Object.entries(EXPORT_COLUMN_LIMITS[kind] as Record<string, ColumnLimit>)) {
    const value = row[column];
    if (value === null || value === undefined) continue;
    if (limit === 'integer') {
      const problem = wholeNumberProblem(
        typeof value === 'number' ? value : Number.NaN,
        -INTEGER_MAX - 1,
        INTEGER_MAX,
      );
      if (problem) errors.push({ field: column, message: problem });
    } else if (typeof value === 'string') {
      const problem = tooLong(value, limit);
      if (problem) errors.push({ field: column, message: problem });
    }
  }
  return errors;
}
