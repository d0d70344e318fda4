import type { PersonChoiceRow, TermChoiceRow } from '../../domain/ports/admin-list-store.ts';
import type { Taxonomy } from '../../domain/taxonomy.ts';
import { Errors } from '../../errors.ts';
import type { ServiceContext } from '../context.ts';
import { requireCan, type Staff } from './staff.ts';

/** How many suggestions a type-ahead picker offers at once. */
export const SUGGESTION_LIMIT = 10;

/** One suggestion: `value` is what goes in the field (and is read back), `label` says which one it is. */
export interface Suggestion {
  value: string;
  label: string;
}

/** A person chosen in a picker, as the field shows it again. */
export interface PersonChoice extends PersonChoiceRow {
  /** The name, or the slug when another person has the same name. */
  display: string;
}

/** A term chosen in a picker, as the field shows it again. */
export interface TermChoice extends TermChoiceRow {
  taxonomy: Taxonomy;
  /** The name, or "taxonomy/slug" when another term has the same name. */
  display: string;
}

function sameNameCounts(names: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name.toLowerCase(), (counts.get(name.toLowerCase()) ?? 0) + 1);
  return counts;
}

function cleanText(text: string): string {
  return text.trim().replace(/\s+/g, ' ').slice(0, 300);
}

/** People whose name begins with `text`, then those whose name holds it further in, for the author pickers. */
export async function suggestPeople(ctx: ServiceContext, staff: Staff, text: string): Promise<Suggestion[]> {
  requireCan(staff, 'article.create');
  const typed = cleanText(text);
  if (!typed) return [];
  const rows = await ctx.store.adminLists.suggestPeople(typed, SUGGESTION_LIMIT);
  const counts = sameNameCounts(rows.map((r) => r.name));
  return rows.map((r) =>
    (counts.get(r.name.toLowerCase()) ?? 0) > 1
      ? { value: r.slug, label: r.name }
      : { value: r.name, label: r.slug },
  );
}

/**
 * Terms whose name begins with `text` (then those holding it further in), for the term pickers: of every taxonomy, or of the one
 * named by `taxonomy` (a slug), whose pickers take a name or slug within it.
 */
export async function suggestTerms(
  ctx: ServiceContext,
  staff: Staff,
  text: string,
  options: { taxonomy?: string } = {},
): Promise<Suggestion[]> {
  requireCan(staff, 'article.create');
  const typed = cleanText(text);
  if (!typed) return [];
  const taxonomies = await ctx.store.taxonomies.listTaxonomies();
  const within = options.taxonomy ? taxonomies.find((t) => t.slug === options.taxonomy) : undefined;
  if (options.taxonomy && !within) return [];
  const scoped = within ? { text: typed, taxonomies: [within], isScoped: false } : scopeOf(typed, taxonomies);
  const rows = (
    await ctx.store.adminLists.suggestTerms(
      scoped.text,
      scoped.taxonomies.map((t) => t.id),
      SUGGESTION_LIMIT,
    )
  )
    // Names that begin with what was typed first, then those that hold it further in.
    .sort(
      (a, b) =>
        Number(!a.name.toLowerCase().startsWith(scoped.text.toLowerCase())) -
          Number(!b.name.toLowerCase().startsWith(scoped.text.toLowerCase())) ||
        a.name.toLowerCase().localeCompare(b.name.toLowerCase()) ||
        a.id - b.id,
    )
    .slice(0, SUGGESTION_LIMIT);
  const names = new Map(taxonomies.map((t) => [t.id, t]));
  const counts = sameNameCounts(rows.map((r) => r.name));
  return rows.map((r) => {
    const taxonomy = names.get(r.taxonomyId);
    const isShared = scoped.isScoped || (counts.get(r.name.toLowerCase()) ?? 0) > 1;
    if (within) return isShared ? { value: r.slug, label: r.name } : { value: r.name, label: r.slug };
    return {
      value: isShared ? `${taxonomy?.slug ?? ''}/${r.slug}` : r.name,
      label: taxonomy?.name ?? '',
    };
  });
}

/** "region/europe" looks in one taxonomy; anything else in all of them. */
function scopeOf(
  typed: string,
  taxonomies: Taxonomy[],
): { text: string; taxonomies: Taxonomy[]; isScoped: boolean } {
  const slash = typed.indexOf('/');
  if (slash > 0) {
    const taxonomy = taxonomies.find((t) => t.slug === typed.slice(0, slash).trim().toLowerCase());
    if (taxonomy) return { text: typed.slice(slash + 1).trim(), taxonomies: [taxonomy], isScoped: true };
  }
  return { text: typed, taxonomies, isScoped: false };
}

/**
 * The person a picker's text names: their slug, or their name (case aside). Refuses, naming
 * `field`, a text that names no one or several people (then listing their slugs to write instead).
 */
export async function resolvePersonChoice(
  ctx: ServiceContext,
  text: string,
  field: string,
): Promise<PersonChoice> {
  const typed = cleanText(text);
  const found = await ctx.store.adminLists.peopleCalled(typed, typed.toLowerCase());
  const bySlug = found.filter((p) => p.slug === typed.toLowerCase());
  const chosen = bySlug.length === 1 ? bySlug : found;
  const [person] = chosen;
  if (!person) {
    throw Errors.VALIDATION_FAILED({
      details: [
        { field, message: `no person is called “${typed}”: type a name and pick from the suggestions` },
      ],
    });
  }
  if (chosen.length > 1) {
    throw Errors.VALIDATION_FAILED({
      details: [
        {
          field,
          message: `“${typed}” is the name of ${chosen.length} people: write one’s address name instead (${chosen.map((p) => p.slug).join(', ')})`,
        },
      ],
    });
  }
  const namesakes = await ctx.store.adminLists.peopleCalled(person.name, '');
  return { ...person, display: namesakes.length > 1 ? person.slug : person.name };
}

/**
 * The term a picker's text names: "taxonomy/slug", a slug, or a name (case aside), in any
 * taxonomy. Refuses, naming `field`, a text that names no term or several (then listing them).
 */
export async function resolveTermChoice(
  ctx: ServiceContext,
  text: string,
  field: string,
): Promise<TermChoice> {
  const typed = cleanText(text);
  const taxonomies = await ctx.store.taxonomies.listTaxonomies();
  const scoped = scopeOf(typed, taxonomies);
  const found = await ctx.store.adminLists.termsCalled(
    scoped.text,
    scoped.text.toLowerCase(),
    scoped.taxonomies.map((t) => t.id),
  );
  const bySlug = found.filter((t) => t.slug === scoped.text.toLowerCase());
  const chosen = bySlug.length === 1 ? bySlug : found;
  const byId = new Map(taxonomies.map((t) => [t.id, t]));
  const [term] = chosen;
  const taxonomy = term && byId.get(term.taxonomyId);
  if (!term || !taxonomy) {
    throw Errors.VALIDATION_FAILED({
      details: [
        { field, message: `no term is called “${typed}”: type a name and pick from the suggestions` },
      ],
    });
  }
  if (chosen.length > 1) {
    const names = chosen.map((t) => `${byId.get(t.taxonomyId)?.slug ?? ''}/${t.slug}`);
    throw Errors.VALIDATION_FAILED({
      details: [
        { field, message: `“${typed}” names ${chosen.length} terms: write one of ${names.join(', ')}` },
      ],
    });
  }
  const namesakes = await ctx.store.adminLists.termsCalled(
    term.name,
    '',
    taxonomies.map((t) => t.id),
  );
  return { ...term, taxonomy, display: namesakes.length > 1 ? `${taxonomy.slug}/${term.slug}` : term.name };
}
