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
