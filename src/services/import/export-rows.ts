import path from 'node:path';
import { assertRenderable, renderMarkdown } from '../../content/markdown.ts';
import { renderPreview } from '../../content/preview.ts';
import {
  type ArticleDraft,
  type ArticleStatus,
  countWords,
  type Visibility,
  validateArticleDraft,
  withCleanText,
} from '../../domain/article.ts';
import { COMMENT_STATUSES } from '../../domain/comment.ts';
import { timestampProblem } from '../../domain/dates.ts';
import type { ExportRow, ExportSections } from '../../domain/export-format.ts';
import { licenseInput } from '../../domain/license.ts';
import type { MigrationReport, ReportKind } from '../../domain/migration-report.ts';
import { validatePage } from '../../domain/page.ts';
import { type PersonLink, validatePerson } from '../../domain/person.ts';
import { cleanSettingValues, validateSettingValues } from '../../domain/settings.ts';
import { slugProblem } from '../../domain/slug.ts';
import { cleanLine, stripXmlForbidden } from '../../domain/text.ts';
import { isHttpUrl, isLinkTarget } from '../../domain/url.ts';
import { type FieldError, isAppError } from '../../errors.ts';

/**
 * Checks the rows of an export document the way the editor checks what it saves, before the
 * rows are loaded: every address through domain/url.ts, every stored HTML rendered again from
 * its Markdown source (the HTML in the file is never kept), text cleaned of the characters XML
 * forbids. A row that fails is left out alone and reported as failed, with its reasons; the
 * others go on. Returns the sections to load.
 */
export async function checkExportSections(
  sections: ExportSections,
  report: MigrationReport,
): Promise<ExportSections> {
  const refuse = (kind: string, id: string, title: string, errors: FieldError[]) => {
    report.items.push({ kind, id, title, outcome: 'failed', reason: describe(errors) });
    report.counts[isReportKind(kind) ? kind : 'item'].failed += 1;
  };
  const keep = async (
    kind: string,
    rows: ExportRow[],
    check: (row: ExportRow) => Promise<FieldError[]> | FieldError[],
    label: (row: ExportRow) => [string, string],
  ): Promise<ExportRow[]> => {
    const kept: ExportRow[] = [];
    for (const original of rows) {
      const row = isObject(original) ? { ...original } : {};
      const errors = isObject(original)
        ? await guarded(() => check(row))
        : [{ field: '(row)', message: 'must be an object' }];
      if (errors.length === 0) kept.push(row);
      else refuse(kind, ...label(isObject(original) ? original : {}), errors);
    }
    return kept;
  };
  const bySlug = (row: ExportRow): [string, string] => [
    String(row.slug ?? '?'),
    String(row.title ?? row.name ?? ''),
  ];

  const articles = await keep('article', sections.articles, checkArticle, (row) => [
    String((typeof row.deleted_at === 'string' ? row.deleted_slug : row.slug) ?? '?'),
    String(row.title ?? ''),
  ]);
  // Comments and corrections travel inside their article: a bad one is left out, not the article.
  for (const article of articles) {
    const ref = String(article.deleted_slug ?? article.slug);
    article.comments = keepComments(article.comments, ref, refuse, (warning) =>
      report.warnings.push(warning),
    );
    article.corrections = await keep(
      'correction',
      Array.isArray(article.corrections) ? article.corrections : [],
      checkCorrection,
      (row) => [`${ref}#${String(row.created_at ?? '')}`, ''],
    );
  }
  return {
    settings: await keep('setting', sections.settings, checkSetting, (row) => [String(row.key ?? '?'), '']),
    taxonomies: await keep('taxonomy', sections.taxonomies, checkTaxonomy, bySlug),
    terms: await keep('term', sections.terms, checkTerm, (row) => [
      `${String(row.taxonomy ?? '?')}/${String(row.slug ?? '?')}`,
      String(row.name ?? ''),
    ]),
    people: await keep('person', sections.people, checkPerson, bySlug),
    articles,
    pages: await keep('page', sections.pages, checkPage, bySlug),
    settingsRevisions: sections.settingsRevisions,
    media: await keep('media', sections.media, mediaRowProblems, (row) => [String(row.url ?? '?'), '']),
    redirects: await keep('redirect', sections.redirects, checkRedirect, (row) => [
      String(row.from_path ?? '?'),
      '',
    ]),
    importSources: sections.importSources,
  };
}

/**
 * The problems of one media row (as exports and media.yaml hold them): an address the editor
 * would accept, a stored path that stays below the media folder, text where text is expected.
 */
export function mediaRowProblems(row: ExportRow): FieldError[] {
  const errors: FieldError[] = [];
  if (typeof row.url !== 'string' || !isLinkTarget(row.url))
    errors.push({ field: 'url', message: 'must be an http(s) URL or a path on this site' });
  const localPath = row.local_path;
  if (localPath !== null && localPath !== undefined && !isSafeMediaPath(localPath))
    errors.push({
      field: 'local_path',
      message: 'must be a path below the media folder (no "..", no leading "/", no "\\")',
    });
  if (typeof row.created_at !== 'string' || !row.created_at)
    errors.push({ field: 'created_at', message: 'is required' });
  else {
    const problem = timestampProblem(row.created_at);
    if (problem) errors.push({ field: 'created_at', message: problem });
  }
  for (const key of ['mime', 'alt', 'caption', 'title', 'source_id'])
    if (row[key] !== null && row[key] !== undefined && typeof row[key] !== 'string')
      errors.push({ field: key, message: 'must be text' });
  return errors;
}

/** Whether a stored path stays below the media folder wherever that folder is. */
function isSafeMediaPath(value: unknown): boolean {
  if (typeof value !== 'string' || !value || value.includes('\\') || value.includes('\0')) return false;
  if (path.posix.isAbsolute(value) || path.win32.isAbsolute(value)) return false;
  return value.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

async function checkArticle(row: ExportRow): Promise<FieldError[]> {
  const f = new Fields(row);
  const isDeleted = row.deleted_at !== null && row.deleted_at !== undefined;
  const epigraph = f.optionalText('epigraph_text');
  const sourceName = f.optionalText('source_name');
  const sourceUrl = f.optionalText('source_url');
  const draft: ArticleDraft = {
    // A deleted article's row holds a placeholder slug; the one readers knew is kept aside.
    slug: f.text(isDeleted ? 'deleted_slug' : 'slug'),
    title: f.text('title'),
    subtitle: f.optionalText('subtitle'),
    summary: f.optionalText('summary'),
    epigraph:
      epigraph === null ? null : { text: epigraph, attribution: f.optionalText('epigraph_attribution') },
    bodyMarkdown: f.text('body_markdown'),
    status: f.text('status') as ArticleStatus,
    publishedAt: f.optionalDate('published_at'),
    source: sourceName === null ? null : { name: sourceName, url: sourceUrl },
    canonicalUrl: f.optionalText('canonical_url'),
    license: licenseInput(f.optionalText('license')),
    language: f.text('language', 'en'),
    featuredImage: f.optionalText('featured_image'),
    featuredImageAlt: f.optionalText('featured_image_alt'),
    seoTitle: f.optionalText('seo_title'),
    seoDescription: f.optionalText('seo_description'),
    socialImage: f.optionalText('social_image'),
    visibility: f.text('visibility', 'public') as Visibility,
    isFeatured: f.flag('is_featured', false),
    hasComments: f.flag('has_comments', true),
    authorIds: [],
    termIds: [],
  };
  f.date('created_at');
  f.date('updated_at');
  f.count('version', 1);
  if (f.errors.length > 0) return f.errors;
  // Addresses are checked as given: a control character in one refuses it, never cleans it.
  const errors = validateArticleDraft(draft).map(articleField);
  if (sourceName === null && sourceUrl !== null && !isHttpUrl(sourceUrl))
    errors.push({ field: 'source_url', message: 'must be an http or https URL' });
  if (errors.length > 0) return errors;
  const clean = withCleanText(draft);
  const bodyHtml = await renderMarkdown(clean.bodyMarkdown, { field: 'body_markdown' });
  Object.assign(row, {
    title: clean.title,
    subtitle: clean.subtitle,
    summary: clean.summary,
    epigraph_text: clean.epigraph?.text ?? null,
    epigraph_attribution: clean.epigraph?.attribution ?? null,
    body_markdown: clean.bodyMarkdown,
    body_html: bodyHtml,
    // Like the body's HTML, the preview is never taken from the file.
    preview_html: await renderPreview(clean, bodyHtml),
    word_count: countWords(clean.bodyMarkdown),
    source_name: clean.source?.name ?? null,
    license: clean.license,
    featured_image_alt: clean.featuredImageAlt,
    seo_title: clean.seoTitle,
    seo_description: clean.seoDescription,
  });
  return [];
}

/**
 * The problems of a revision row (of an article, page, person, term or the settings) that keep
 * it out, as an article's dates do theirs: its created_at, and each date its snapshot saved
 * (publishedAt, updatedAt…), must name a day and time that exist. History such a date is part
 * of could not be shown or restored.
 */
export function revisionRowProblems(row: ExportRow): FieldError[] {
  if (!isObject(row)) return [{ field: '(row)', message: 'must be an object' }];
  const f = new Fields(row);
  f.date('created_at');
  const snapshot = row.snapshot;
  if (isObject(snapshot))
    for (const [key, value] of Object.entries(snapshot)) {
      if (!/(?:At|_at)$/.test(key) || typeof value !== 'string' || value === '') continue;
      const problem = timestampProblem(value);
      if (problem)
        f.errors.push({ field: `snapshot.${key}`, message: `${problem} ("${value.slice(0, 40)}")` });
    }
  return f.errors;
}

/** The draft's field names as the export's columns, so a reason names what to fix in the file. */
function articleField(error: FieldError): FieldError {
  const columns: Record<string, string> = {
    body: 'body_markdown',
    date: 'published_at',
    epigraph: 'epigraph_text',
  };
  return { ...error, field: columns[error.field] ?? error.field };
}

function keepComments(
  value: unknown,
  articleRef: string,
  refuse: (kind: string, id: string, title: string, errors: FieldError[]) => void,
  warn: (warning: string) => void,
): ExportRow[] {
  const comments = Array.isArray(value) ? (value as unknown[]) : [];
  // Replies name their parent by its place in the list, which may come after theirs: the places
  // move as comments are left out, so parents are found once every comment has been checked.
  const places = new Map<number, number>();
  const kept: { row: ExportRow; index: number }[] = [];
  for (const [index, original] of comments.entries()) {
    const row = isObject(original) ? { ...original } : {};
    const f = new Fields(row);
    const authorUrl = f.optionalText('author_url');
    const body = f.text('body');
    const name = f.text('author_name');
    f.optionalText('author_email');
    f.date('created_at');
    if (!(COMMENT_STATUSES as readonly unknown[]).includes(row.status))
      f.errors.push({ field: 'status', message: `must be one of ${COMMENT_STATUSES.join(', ')}` });
    if (!['comment', 'pingback', 'trackback'].includes(String(row.kind)))
      f.errors.push({ field: 'kind', message: 'must be comment, pingback or trackback' });
    if (authorUrl !== null && authorUrl !== '' && !isHttpUrl(authorUrl))
      f.errors.push({ field: 'author_url', message: 'must be an http or https URL' });
    if (!isObject(original)) f.errors.push({ field: '(row)', message: 'must be an object' });
    if (f.errors.length > 0) {
      refuse('comment', `${articleRef}#${index}`, name, f.errors);
      continue;
    }
    places.set(index, kept.length);
    kept.push({
      row: { ...row, author_name: stripXmlForbidden(name), body: stripXmlForbidden(body) },
      index,
    });
  }
  const parents = threadParents(
    kept.map(({ row }) => row.parent),
    (at) => kept[at]?.index ?? at,
    places,
    (at, problem) => {
      const { row, index } = kept[at] ?? { row: {}, index: at };
      warn(
        `comment ${articleRef}#${index} (${String(row.author_name ?? '')}): ${problem}; it is kept as a comment of its own`,
      );
    },
  );
  return kept.map(({ row }, at) => ({ ...row, parent: parents[at] ?? null }));
}

/**
 * The parent of each of a list's comments as a place in the list that is kept, from the parents
 * the file gives by their places in its own list (`places` maps those to the kept list's). A
 * parent that is the comment itself, is not in the file, was left out or makes a loop is none,
 * and `problem` says which.
 */
export function threadParents(
  given: unknown[],
  originalIndex: (at: number) => number,
  places: ReadonlyMap<number, number>,
  problem: (at: number, what: string) => void,
): (number | null)[] {
  const parents = given.map((parent, at): number | null => {
    if (parent === null || parent === undefined) return null;
    const own = originalIndex(at);
    if (typeof parent !== 'number' || !Number.isInteger(parent)) {
      problem(at, `its parent (${JSON.stringify(parent)}) is not a place in the list`);
      return null;
    }
    if (parent === own) {
      problem(at, 'it names itself as its parent');
      return null;
    }
    const place = places.get(parent);
    if (place === undefined) {
      problem(at, `its parent (comment #${parent}) is not in the file or was left out`);
      return null;
    }
    return place;
  });
  // A loop of replies (each a reply to the next) has no first comment: the loop is cut.
  for (let start = 0; start < parents.length; start += 1) {
    const seen = new Set<number>([start]);
    let at = parents[start];
    while (at !== null && at !== undefined && !seen.has(at)) {
      seen.add(at);
      at = parents[at];
    }
    if (at !== null && at !== undefined && at === start) {
      problem(start, 'its replies lead back to it (a loop)');
      parents[start] = null;
    }
  }
  return parents;
}

function checkCorrection(row: ExportRow): FieldError[] {
  const f = new Fields(row);
  const note = f.text('note');
  f.text('kind');
  f.date('created_at');
  f.optionalDate('updated_at');
  const withdrawnAt = f.optionalDate('withdrawn_at');
  const reason = f.optionalText('withdrawn_reason');
  if (withdrawnAt !== null && !reason)
    f.errors.push({ field: 'withdrawn_reason', message: 'must say why the correction was withdrawn' });
  if (f.errors.length === 0) {
    row.note = stripXmlForbidden(note);
    if (reason !== null) row.withdrawn_reason = stripXmlForbidden(reason);
  }
  return f.errors;
}

async function checkPerson(row: ExportRow): Promise<FieldError[]> {
  const f = new Fields(row);
  const slug = f.text('slug');
  const name = f.text('name');
  const bio = f.optionalText('bio');
  const email = f.optionalText('email');
  const website = f.optionalText('website');
  const photo = f.optionalText('photo');
  const links = linksOf(row.links, f.errors);
  f.date('created_at');
  f.date('updated_at');
  if (f.errors.length > 0) return f.errors;
  const errors = validatePerson({
    name: cleanLine(name).trim(),
    slug,
    bio: bio?.trim() || null,
    email: email?.trim() || null,
    website: website?.trim() || null,
    photo: photo?.trim() || null,
    links,
  }).map((e) => (e.field.startsWith('links_') ? { ...e, field: `links[${e.field.slice(6)}]` } : e));
  if (!slug.trim() && !errors.some((e) => e.field === 'slug'))
    errors.push({ field: 'slug', message: 'must not be empty' });
  if (errors.length > 0) return errors;
  const cleanBio = bio === null ? null : stripXmlForbidden(bio).trim() || null;
  Object.assign(row, {
    name: cleanLine(name).trim(),
    links: JSON.stringify(links),
    bio: cleanBio,
    bio_html: cleanBio === null ? null : await renderMarkdown(cleanBio, { field: 'bio' }),
  });
  return [];
}

/** An export's person links: the stored JSON text (or, by hand, a list) of label and URL pairs. */
function linksOf(value: unknown, errors: FieldError[]): PersonLink[] {
  let list: unknown = value ?? [];
  if (typeof list === 'string') {
    try {
      list = JSON.parse(list);
    } catch {
      list = null;
    }
  }
  const isLink = (link: unknown): link is PersonLink =>
    isObject(link) && typeof link.label === 'string' && typeof link.url === 'string';
  if (!Array.isArray(list) || !list.every(isLink)) {
    errors.push({ field: 'links', message: 'must be a list of links, each with a label and a url' });
    return [];
  }
  return list;
}

async function checkPage(row: ExportRow): Promise<FieldError[]> {
  const f = new Fields(row);
  const draft = {
    slug: f.text('slug'),
    title: f.text('title'),
    bodyMarkdown: f.text('body_markdown'),
    status: f.text('status') as 'draft' | 'published',
    showInNavigation: f.flag('show_in_navigation', false),
    position: f.count('position', 0),
  };
  f.date('created_at');
  f.date('updated_at');
  if (f.errors.length > 0) return f.errors;
  const errors = validatePage({
    slug: draft.slug.trim(),
    title: draft.title.trim(),
    status: draft.status,
    position: draft.position,
  });
  if (!draft.slug.trim() && !errors.some((e) => e.field === 'slug'))
    errors.push({ field: 'slug', message: 'must not be empty' });
  if (errors.length > 0) return errors;
  const body = stripXmlForbidden(draft.bodyMarkdown);
  Object.assign(row, {
    title: stripXmlForbidden(draft.title),
    body_markdown: body,
    body_html: await renderMarkdown(body, { field: 'body_markdown' }),
  });
  return [];
}

function checkTaxonomy(row: ExportRow): FieldError[] {
  const f = new Fields(row);
  const slugIssue = slugProblem(f.text('slug'));
  if (slugIssue) f.errors.push({ field: 'slug', message: slugIssue });
  for (const key of ['name', 'plural_name']) {
    const value = row[key];
    if (typeof value !== 'string' || !value.trim())
      f.errors.push({ field: key, message: 'must be a text, not empty' });
    else row[key] = stripXmlForbidden(value);
  }
  f.flag('is_hierarchical', false);
  f.flag('is_multiple', true);
  f.count('position', 0);
  return f.errors;
}

async function checkTerm(row: ExportRow): Promise<FieldError[]> {
  const f = new Fields(row);
  f.text('taxonomy');
  const slugIssue = slugProblem(f.text('slug'));
  if (slugIssue) f.errors.push({ field: 'slug', message: slugIssue });
  const name = stripXmlForbidden(f.text('name')).trim();
  if (!name && !f.errors.some((e) => e.field === 'name'))
    f.errors.push({ field: 'name', message: 'must not be empty' });
  f.optionalText('parent');
  const description = f.optionalText('description');
  f.count('position', 0);
  f.date('created_at');
  f.date('updated_at');
  if (f.errors.length > 0) return f.errors;
  const clean = description === null ? null : stripXmlForbidden(description).trim() || null;
  Object.assign(row, {
    name,
    description: clean,
    description_html: clean === null ? null : await renderMarkdown(clean, { field: 'description' }),
  });
  return [];
}

const REDIRECT_STATUSES = [301, 302, 307, 308];

function checkRedirect(row: ExportRow): FieldError[] {
  const f = new Fields(row);
  const from = f.text('from_path');
  f.date('created_at');
  // Only matched against requests, never sent to a browser: any path will do.
  if (!from.startsWith('/'))
    f.errors.push({ field: 'from_path', message: 'must be a path, starting with /' });
  const status = row.status_code ?? 301;
  if (status === 410) {
    row.to_path = '';
  } else if (!REDIRECT_STATUSES.includes(status as number)) {
    f.errors.push({ field: 'status_code', message: 'must be 301, 302, 307, 308 or 410' });
  } else if (typeof row.to_path !== 'string' || !isLinkTarget(row.to_path)) {
    f.errors.push({
      field: 'to_path',
      message: 'must be an address on this site (starting with one /) or an http or https URL',
    });
  }
  return f.errors;
}

function checkSetting(row: ExportRow): FieldError[] {
  const f = new Fields(row);
  const key = f.text('key');
  const value = f.text('value');
  f.date('updated_at');
  if (f.errors.length > 0) return f.errors;
  const errors = validateSettingValues({ [key]: value });
  if (errors.length > 0) return errors;
  // Settings are rendered for every page, so their shape is checked as the editor's are.
  assertRenderable(value, key);
  // A default license written by hand in an older file is kept as its code.
  row.value = cleanSettingValues({ [key]: value })[key] ?? value;
  return [];
}

/**
 * Reads a row's fields by type, collecting a field error for each one of the wrong type. A
 * column the database fills in itself may be left out: its default is read instead.
 */
class Fields {
  readonly errors: FieldError[] = [];
  private readonly row: ExportRow;

  constructor(row: ExportRow) {
    this.row = row;
  }

  text(key: string, byDefault?: string): string {
    const value = this.row[key];
    if (typeof value === 'string') return value;
    if (value === undefined && byDefault !== undefined) return byDefault;
    this.errors.push({ field: key, message: 'must be text' });
    return '';
  }

  optionalText(key: string): string | null {
    const value = this.row[key];
    if (value === null || value === undefined) return null;
    if (typeof value === 'string') return value;
    this.errors.push({ field: key, message: 'must be text or null' });
    return null;
  }

  /** A timestamp: text naming a day and time that exist (see timestampProblem). */
  date(key: string): string {
    const value = this.text(key);
    return typeof this.row[key] === 'string' ? this.checkedDate(key, value) : value;
  }

  optionalDate(key: string): string | null {
    const value = this.optionalText(key);
    return value === null ? null : this.checkedDate(key, value);
  }

  private checkedDate(key: string, value: string): string {
    const problem = timestampProblem(value);
    if (problem) this.errors.push({ field: key, message: `${problem} ("${value.slice(0, 40)}")` });
    return value;
  }

  flag(key: string, byDefault?: boolean): boolean {
    const value = this.row[key];
    if (value === 0 || value === 1 || typeof value === 'boolean') return Boolean(value);
    if (value === undefined && byDefault !== undefined) return byDefault;
    this.errors.push({ field: key, message: 'must be 0 or 1' });
    return false;
  }

  count(key: string, byDefault?: number): number {
    const value = this.row[key];
    if (Number.isSafeInteger(value) && (value as number) >= 0) return value as number;
    if (value === undefined && byDefault !== undefined) return byDefault;
    this.errors.push({ field: key, message: 'must be a whole number' });
    return 0;
  }
}

/** Runs a check; a refusal thrown by the renderer (markup too deeply nested) is a reason like any other. */
async function guarded(check: () => Promise<FieldError[]> | FieldError[]): Promise<FieldError[]> {
  try {
    return await check();
  } catch (error) {
    if (isAppError(error) && error.kind === 'invalid')
      return error.details ?? [{ field: '(row)', message: error.message }];
    throw error;
  }
}

function describe(errors: FieldError[]): string {
  return errors.map((e) => `${e.field} ${e.message}`).join('; ');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const REPORT_KINDS: readonly string[] = ['article', 'page', 'person', 'term', 'comment', 'media', 'redirect'];

function isReportKind(kind: string): kind is ReportKind {
  return REPORT_KINDS.includes(kind);
}
