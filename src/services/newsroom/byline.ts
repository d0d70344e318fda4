import type { Article } from '../../domain/article.ts';
import { nameSkeleton } from '../../domain/name-skeleton.ts';
import { can } from '../../domain/permissions.ts';
import type { Repositories } from '../../domain/ports/store.ts';
import type { FieldError } from '../../errors.ts';
import type { Staff } from './staff.ts';

// Who a writer may put on a byline. A byline is a public claim of authorship: an author who
// credits someone else and publishes, publishes under that person's name.

/**
 * What is wrong with the byline a writer asks for. Editors and admins credit anyone and add new
 * people by name. Others (contributors, authors) credit themselves, and may keep the people
 * already on the article (`storedAuthorIds`: an editor put them there); naming anyone else would
 * publish under their name, and a typed name that is no one's yet would make a public author
 * page, so both are refused. A writer with no person yet who types their own account name writes
 * under their own name (draftFrom gives them a person of their own), never as someone else with
 * that name; `isOwnNameSelf: false` refuses that name too, for callers that make no person.
 */
export async function bylineProblems(
  repos: Pick<Repositories, 'people' | 'users'>,
  staff: Staff,
  input: { authorIds: readonly number[]; newAuthorNames: readonly string[] },
  storedAuthorIds: readonly number[],
  options: { isOwnNameSelf?: boolean } = {},
): Promise<FieldError[]> {
  if (can(staff.role, 'byline.credit_others')) return [];
  const ownPersonId = await ownPersonOf(repos, staff);
  const errors: FieldError[] = [];
  const isOwnName = (name: string) =>
    (options.isOwnNameSelf ?? true) &&
    ownPersonId === null &&
    nameSkeleton(name) === nameSkeleton(staff.name);
  for (const name of input.newAuthorNames.map((n) => n.trim()).filter(Boolean)) {
    if (isOwnName(name)) continue;
    errors.push({
      field: 'authors',
      message: `“${name}” is not one of the site’s people, and only an editor can add someone new`,
    });
  }
  const others = input.authorIds.filter((id) => id !== ownPersonId && !storedAuthorIds.includes(id));
  for (const person of await repos.people.findByIds(others)) {
    if (isOwnName(person.name)) continue;
    errors.push({
      field: 'authors',
      message: `you may credit only yourself${storedAuthorIds.length > 0 ? ' and the people an editor credited' : ''}: ask an editor to credit “${person.name}”`,
    });
  }
  return errors;
}

/** A place on a byline as the editor's form gives it: a chosen person, or a name typed for a new one. */
export type BylineEntry = { personId: number } | { name: string };

/**
 * The byline in the form's order: `authorIds` with each of `newAuthorNames` at its place in
 * `newAuthorPlaces` (0-based, over the whole byline). Without places (an input from before they
 * were kept, or places that do not fit), the typed names follow the chosen people.
 *
 * @example bylineEntries({ authorIds: [4], newAuthorNames: ['Pia'], newAuthorPlaces: [0] })
 *   // [{ name: 'Pia' }, { personId: 4 }]
 */
export function bylineEntries(input: {
  authorIds: readonly number[];
  newAuthorNames: readonly string[];
  newAuthorPlaces?: readonly number[] | undefined;
}): BylineEntry[] {
  const names = input.newAuthorNames;
  const people: BylineEntry[] = input.authorIds.map((personId) => ({ personId }));
  const typed: BylineEntry[] = names.map((name) => ({ name }));
  const places = input.newAuthorPlaces;
  const total = people.length + typed.length;
  const isFitting =
    Array.isArray(places) &&
    places.length === names.length &&
    new Set(places).size === places.length &&
    places.every((place) => Number.isInteger(place) && place >= 0 && place < total);
  if (!isFitting) return [...people, ...typed];
  const entries: (BylineEntry | undefined)[] = Array.from({ length: total });
  names.forEach((name, i) => {
    entries[places[i] as number] = { name };
  });
  let next = 0;
  for (let at = 0; at < total; at++) if (!entries[at]) entries[at] = people[next++];
  return entries.filter((entry): entry is BylineEntry => entry !== undefined);
}

/** The person the staff member writes as, read from the stored account (the caller's copy may predate a link). */
export async function ownPersonOf(repos: Pick<Repositories, 'users'>, staff: Staff): Promise<number | null> {
  return staff.personId ?? (await repos.users.findById(staff.id))?.personId ?? null;
}

/** Revision actors that save for no one (a scheduled article going live): they credit nobody. */
const UNATTENDED_ACTORS = new Set(['system']);

/**
 * What stops a writer from publishing the article under its byline: people on it who are
 * neither the writer nor credited by someone who may credit others (an editor's save, or an
 * import run by an operator), as found in the article's revisions. Saves refuse such bylines
 * (bylineProblems); this catches one saved before they did, or reached by any other way.
 */
export async function uncreditedPeople(
  repos: Pick<Repositories, 'people' | 'users' | 'revisions'>,
  staff: Staff,
  article: Pick<Article, 'id' | 'authorIds'>,
): Promise<FieldError[]> {
  if (can(staff.role, 'byline.credit_others')) return [];
  const ownPersonId = await ownPersonOf(repos, staff);
  const pending = new Set(article.authorIds.filter((id) => id !== ownPersonId));
  if (pending.size === 0) return [];
  const roles = new Map<string, boolean>();
  const mayCredit = async (actor: string): Promise<boolean> => {
    if (UNATTENDED_ACTORS.has(actor)) return false;
    // Staff saves are recorded by user id; anything else is an operator's import or command.
    if (!/^\d+$/.test(actor)) return true;
    let known = roles.get(actor);
    if (known === undefined) {
      const user = await repos.users.findById(Number(actor));
      known = user !== undefined && can(user.role, 'byline.credit_others');
      roles.set(actor, known);
    }
    return known;
  };
  // Snapshots are read one at a time, and only those of saves that could credit anyone: each
  // holds the whole body, and a long article may have hundreds.
  for (const summary of await repos.revisions.listSummaries('article', article.id)) {
    if (!(await mayCredit(summary.actor))) continue;
    const revision = await repos.revisions.find('article', article.id, summary.id);
    const credited = (revision?.snapshot as { authorIds?: unknown } | undefined)?.authorIds;
    if (!Array.isArray(credited) || !credited.some((id) => pending.has(id))) continue;
    for (const id of credited) pending.delete(id);
    if (pending.size === 0) return [];
  }
  return (await repos.people.findByIds([...pending])).map((person) => ({
    field: 'authors',
    message: `“${person.name}” was not credited by an editor: only an editor can publish under someone else’s name`,
  }));
}
