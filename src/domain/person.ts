import type { FieldError } from '../errors.ts';
import { lengthErrors, tooLong } from './limits.ts';
import { slugProblem } from './slug.ts';
import { BIDI_MESSAGE, hasBidiControls, hasXmlForbidden } from './text.ts';
import { isHttpUrl, isSitePath, urlFieldMessage } from './url.ts';

/** An author. Needs no login; guest authors are common. */
export interface Person {
  id: number;
  slug: string;
  name: string;
  /** Short Markdown bio shown in blurbs and on the author page. */
  bio: string | null;
  bioHtml: string | null;
  email: string | null;
  website: string | null;
  /** Further links (blog, book, profile), each with a label. */
  links: PersonLink[];
  photo: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface PersonLink {
  label: string;
  url: string;
}

/**
 * The longest value of each of a person's fields, in characters: no more than the columns hold
 * (varchar), the same on both databases. `url` is for the website, the photo and each link.
 */
export const PERSON_LIMITS = {
  name: 200,
  email: 320,
  url: 2000,
  bio: 5000,
  linkLabel: 200,
} as const;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A person's fields as they are stored: trimmed, an empty optional field null. */
export interface PersonFields {
  name: string;
  /** Left out when it is not being set. */
  slug?: string | undefined;
  bio?: string | null | undefined;
  email?: string | null | undefined;
  website?: string | null | undefined;
  photo?: string | null | undefined;
  links?: PersonLink[] | undefined;
}

/**
 * Every problem with a person's fields, by field (`links_2` for the third link). The admin form,
 * the editor's new authors and every importer check people here.
 */
export function validatePerson(fields: PersonFields): FieldError[] {
  const errors: FieldError[] = lengthErrors([
    ['name', fields.name, PERSON_LIMITS.name],
    ['bio', fields.bio, PERSON_LIMITS.bio],
    ['email', fields.email, PERSON_LIMITS.email],
    ['website', fields.website, PERSON_LIMITS.url],
    ['photo', fields.photo, PERSON_LIMITS.url],
  ]);
  const isTooLong = (field: string) => errors.some((e) => e.field === field);
  if (!fields.name) errors.push({ field: 'name', message: 'must not be empty' });
  // Doors clean names (cleanLine) first; one that did not is refused rather than stored.
  else if (hasBidiControls(fields.name)) errors.push({ field: 'name', message: BIDI_MESSAGE });
  // An empty name already explains an empty derived slug.
  const slug = fields.slug;
  const slugIssue = slug !== undefined && (fields.name || slug) ? slugProblem(slug) : undefined;
  if (slugIssue) errors.push({ field: 'slug', message: slugIssue });
  if (fields.email && !isTooLong('email') && !EMAIL.test(fields.email))
    errors.push({ field: 'email', message: 'must be an email address' });
  // Views put these in an href or src, so a javascript: or data: URL would run in readers' browsers.
  if (fields.website && !isTooLong('website') && !isHttpUrl(fields.website))
    errors.push({
      field: 'website',
      message: urlFieldMessage(fields.website, 'must be an http or https URL'),
    });
  const photo = fields.photo;
  if (
    photo &&
    !isTooLong('photo') &&
    !(isSitePath(photo) && photo.startsWith('/media/')) &&
    !isHttpUrl(photo)
  )
    errors.push({
      field: 'photo',
      message: urlFieldMessage(photo, 'must be an uploaded image or an http(s) URL'),
    });
  for (const [index, link] of (fields.links ?? []).entries()) {
    const field = `links_${index}`;
    const problem = tooLong(link.label, PERSON_LIMITS.linkLabel) ?? tooLong(link.url, PERSON_LIMITS.url);
    if (problem) errors.push({ field, message: problem });
    else if (!link.label) errors.push({ field, message: 'needs a label' });
    // The admin form's links reach us verbatim (see web/input-guard.ts): a control character is
    // refused here, in the label as in the address, rather than removed to leave something else.
    else if (hasXmlForbidden(link.label))
      errors.push({ field, message: 'has a control character in its label' });
    else if (!isHttpUrl(link.url))
      errors.push({ field, message: urlFieldMessage(link.url, 'must be an http or https URL') });
  }
  return errors;
}
