import type { Visibility } from '../../domain/article.ts';
import { INTEGER_MAX, parseWholeNumber } from '../../domain/limits.ts';
import type { Person } from '../../domain/person.ts';
import type { Taxonomy } from '../../domain/taxonomy.ts';
import { Errors } from '../../errors.ts';
import { bylineEntries } from '../../services/newsroom/byline.ts';
import type { ArticleInput } from '../../services/newsroom/editor.ts';

/** The editor form as submitted: strings, or lists for repeated names (authors, terms). */
export type ArticleFormValues = Record<string, string | string[]>;

export function one(values: ArticleFormValues, name: string): string {
  const value = values[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

export function many(values: ArticleFormValues, name: string): string[] {
  const value = values[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** The article version a form carries ("3"), or undefined when it carries none or garbage. */
export function versionOf(text: string | undefined): number | undefined {
  const version = parseWholeNumber(text?.trim() ?? '');
  return version !== undefined && version >= 0 && version <= INTEGER_MAX ? version : undefined;
}

/**
 * A form body (as parseFormBody reads it) as form values, without the CSRF token. The authors
 * ticked "Remove" (`author_remove`) are taken off the byline here, so that every use of the form
 * (a save, an autosave, a preview, the form shown again) sees the same byline.
 */
export function formValues(body: Record<string, unknown>): ArticleFormValues {
  const values: ArticleFormValues = {};
  for (const [key, value] of Object.entries(body)) {
    // The upload panel's fields travel with the article's form, but are not the article's.
    if (key === '_csrf' || key === 'author_remove' || key === 'author_place' || key.startsWith('upload_'))
      continue;
    if (typeof value === 'string') values[key] = value;
    else if (Array.isArray(value)) values[key] = value.filter((v): v is string => typeof v === 'string');
  }
  const ticked = body.author_remove;
  const removed = new Set(
    (typeof ticked === 'string' ? [ticked] : Array.isArray(ticked) ? ticked : [])
      .filter((name): name is string => typeof name === 'string')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
  const places = body.author_place;
  if (places !== undefined) values.author = inPlaceOrder(many(values, 'author'), places);
  if (removed.size > 0)
    values.author = many(values, 'author').filter((name) => !removed.has(name.trim().toLowerCase()));
  return values;
}

/**
 * The byline in the order of the places typed beside the chosen authors (the way to reorder
 * without JavaScript). The chosen authors come first in the form, one place each; names typed
 * into the empty fields after them follow. A place that is not a number keeps its author where
 * it was; two authors given one place keep their order.
 */
function inPlaceOrder(names: string[], places: unknown): string[] {
  const typed = (Array.isArray(places) ? places : [places]).filter((p): p is string => typeof p === 'string');
  if (typed.length === 0 || typed.length > names.length) return names;
  const chosen = names.slice(0, typed.length).map((name, index) => {
    const place = Number(typed[index]?.trim());
    return { name, index, place: typed[index]?.trim() && Number.isFinite(place) ? place : index + 1 };
  });
  chosen.sort((a, b) => a.place - b.place || a.index - b.index);
  return [...chosen.map((c) => c.name), ...names.slice(typed.length)];
}

/** The form values that show a stored article (or an autosaved input) in the editor. */
export function valuesOfInput(
  input: ArticleInput,
  people: readonly Pick<Person, 'id' | 'name'>[],
  version: number | null,
): ArticleFormValues {
  const names = bylineEntries(input)
    .map((entry) =>
      'name' in entry ? entry.name : (people.find((p) => p.id === entry.personId)?.name ?? ''),
    )
    .filter(Boolean);
  return {
    title: input.title,
    subtitle: input.subtitle,
    slug: input.slug,
    summary: input.summary,
    epigraph_text: input.epigraph?.text ?? '',
    epigraph_attribution: input.epigraph?.attribution ?? '',
    body: input.bodyMarkdown,
    author: names,
    term: input.termIds.map(String),
    source_name: input.source?.name ?? '',
    source_url: input.source?.url ?? '',
    canonical_url: input.canonicalUrl ?? '',
    license: input.license ?? '',
    language: input.language,
    visibility: input.visibility,
    has_comments: input.hasComments ? '1' : '',
    is_featured: input.isFeatured ? '1' : '',
    featured_image: input.featuredImage ?? '',
    featured_image_alt: input.featuredImageAlt ?? '',
    seo_title: input.seoTitle ?? '',
    seo_description: input.seoDescription ?? '',
    social_image: input.socialImage ?? '',
    ...(version === null ? {} : { version: String(version) }),
  };
}

/**
 * Turns the submitted form into the editor service's input. Author names are matched to people
 * (case-insensitively); unknown names become new people when the article is saved. Several
 * people may share a name: one already on the byline, or the writer's own person (`preferred`),
 * is the one meant; a person's exact slug names that person; any other choice between
 * namesakes is refused rather than guessed (a guess once moved a byline to a namesake).
 */
export function parseArticleForm(
  values: ArticleFormValues,
  people: readonly Pick<Person, 'id' | 'slug' | 'name'>[],
  taxonomies: Taxonomy[],
  preferred: readonly (number | null | undefined)[] = [],
): ArticleInput {
  // People by slug and by name, found once: a form may repeat "author" thousands of times, and
  // searching every person for each one took time with their product.
  const bySlug = new Map(people.map((p) => [p.slug, p]));
  const byName = new Map<string, Pick<Person, 'id' | 'slug' | 'name'>[]>();
  for (const p of people) {
    const key = p.name.toLowerCase();
    const namesakes = byName.get(key);
    if (namesakes) namesakes.push(p);
    else byName.set(key, [p]);
  }
  const authorIds = new Set<number>();
  const newAuthorNames = new Set<string>();
  // Each typed name's place among everyone on the byline, so a new co-author keeps the place
  // the form gave them.
  const newAuthorPlaces: number[] = [];
  for (const name of many(values, 'author')
    .map((n) => n.trim())
    .filter(Boolean)) {
    const namesakes = byName.get(name.toLowerCase()) ?? [];
    const person =
      bySlug.get(name) ??
      namesakes.find((p) => preferred.includes(p.id)) ??
      (namesakes.length === 1 ? namesakes[0] : undefined);
    if (!person && namesakes.length > 1) {
      throw Errors.VALIDATION_FAILED({
        details: [
          {
            field: 'author',
            message: `${namesakes.length} people are called “${name}”: type the one you mean by its address name (${namesakes.map((p) => p.slug).join(', ')})`,
          },
        ],
      });
    }
    if (person) authorIds.add(person.id);
    else if (!newAuthorNames.has(name)) {
      newAuthorPlaces.push(authorIds.size + newAuthorNames.size);
      newAuthorNames.add(name);
    }
  }
  // A term id that is not plain digits is passed on as NaN, for the article's validation to refuse.
  const termIds = [
    ...new Set(
      many(values, 'term')
        .filter((text) => text.trim())
        .map((text) => parseWholeNumber(text.trim()) ?? Number.NaN),
    ),
  ];
  const newTerms = taxonomies.flatMap((taxonomy) =>
    one(values, `new_terms_${taxonomy.slug}`)
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean)
      .map((name) => ({ taxonomySlug: taxonomy.slug, name })),
  );
  const sourceName = one(values, 'source_name').trim();
  const sourceUrl = one(values, 'source_url').trim();
  const epigraphText = one(values, 'epigraph_text');
  return {
    title: one(values, 'title'),
    subtitle: one(values, 'subtitle'),
    slug: one(values, 'slug').trim(),
    summary: one(values, 'summary'),
    epigraph: epigraphText.trim()
      ? { text: epigraphText, attribution: one(values, 'epigraph_attribution') || null }
      : null,
    bodyMarkdown: one(values, 'body').replace(/\r\n/g, '\n'),
    authorIds: [...authorIds],
    newAuthorNames: [...newAuthorNames],
    // Only with typed names: an input without them compares equal to the stored article's.
    ...(newAuthorPlaces.length > 0 ? { newAuthorPlaces } : {}),
    termIds,
    newTerms,
    source: sourceName || sourceUrl ? { name: sourceName, url: sourceUrl || null } : null,
    canonicalUrl: one(values, 'canonical_url').trim() || null,
    license: one(values, 'license').trim() || null,
    language: one(values, 'language').trim() || 'en',
    featuredImage: one(values, 'featured_image').trim() || null,
    featuredImageAlt: one(values, 'featured_image_alt').trim() || null,
    seoTitle: one(values, 'seo_title').trim() || null,
    seoDescription: one(values, 'seo_description').trim() || null,
    socialImage: one(values, 'social_image').trim() || null,
    // Anything but a known value is refused by validation, naming the field.
    visibility: (one(values, 'visibility').trim() || 'public') as Visibility,
    hasComments: one(values, 'has_comments') === '1',
    isFeatured: one(values, 'is_featured') === '1',
  };
}
