import type { FieldError } from '../errors.ts';
import { lengthErrors, wholeNumberProblem } from './limits.ts';
import { RESERVED_SLUGS, slugProblem } from './slug.ts';

/** A static page such as About or Membership. */
export interface Page {
  id: number;
  slug: string;
  title: string;
  bodyMarkdown: string;
  bodyHtml: string;
  status: 'draft' | 'published';
  showInNavigation: boolean;
  position: number;
  createdAt: string;
  updatedAt: string;
}

/** The longest page title, in characters (as long as an article's), and the last navigation place. */
export const PAGE_LIMITS = { title: 300, position: 1_000_000 } as const;

/** Every problem with a page's fields (title and slug trimmed), by field. */
export function validatePage(fields: Pick<Page, 'slug' | 'title' | 'status' | 'position'>): FieldError[] {
  const errors = lengthErrors([['title', fields.title, PAGE_LIMITS.title]]);
  if (!fields.title) errors.push({ field: 'title', message: 'must not be empty' });
  // An empty title already explains an empty derived slug.
  const slugIssue = fields.title || fields.slug ? slugProblem(fields.slug) : undefined;
  if (slugIssue) errors.push({ field: 'slug', message: slugIssue });
  else if (RESERVED_SLUGS.has(fields.slug))
    errors.push({ field: 'slug', message: `"${fields.slug}" is reserved for the site` });
  if (fields.status !== 'draft' && fields.status !== 'published')
    errors.push({ field: 'status', message: 'must be draft or published' });
  const positionProblem = wholeNumberProblem(fields.position, 0, PAGE_LIMITS.position);
  if (positionProblem) errors.push({ field: 'position', message: positionProblem });
  return errors;
}
