import type { Generated } from 'kysely';

/**
 * The database as Kysely sees it. Timestamps are ISO 8601 UTC strings and booleans
 * are 0/1 integers on both SQLite and PostgreSQL, so the same queries run on both.
 */
export interface Database {
  settings: SettingsTable;
  people: PeopleTable;
  taxonomies: TaxonomiesTable;
  terms: TermsTable;
  articles: ArticlesTable;
  article_authors: ArticleAuthorsTable;
  article_terms: ArticleTermsTable;
  pages: PagesTable;
  revisions: RevisionsTable;
  redirects: RedirectsTable;
  corrections: CorrectionsTable;
  users: UsersTable;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface PeopleTable {
  id: Generated<number>;
  slug: string;
  name: string;
  bio: string | null;
  bio_html: string | null;
  email: string | null;
  website: string | null;
  links: string;
  photo: string | null;
  created_at: string;
  updated_at: string;
}

export interface TaxonomiesTable {
  id: Generated<number>;
  slug: string;
  name: string;
  plural_name: string;
  is_hierarchical: number;
  is_multiple: number;
  position: number;
}

export interface TermsTable {
  id: Generated<number>;
  taxonomy_id: number;
  slug: string;
  name: string;
  description: string | null;
  description_html: string | null;
  parent_id: number | null;
  position: number;
  created_at: string;
  updated_at: string;
}

export interface ArticlesTable {
  id: Generated<number>;
  slug: string;
  title: string;
  subtitle: string | null;
  summary: string | null;
  epigraph_text: string | null;
  epigraph_attribution: string | null;
  body_markdown: string;
  body_html: string;
  status: string;
  published_at: string | null;
  created_at: string;
  updated_at: string;
  source_name: string | null;
  source_url: string | null;
  canonical_url: string | null;
  license: string | null;
  language: string;
  featured_image: string | null;
  featured_image_alt: string | null;
  visibility: string;
  is_featured: number;
  has_comments: number;
  word_count: number;
  version: number;
}

export interface ArticleAuthorsTable {
  article_id: number;
  person_id: number;
  position: number;
}

export interface ArticleTermsTable {
  article_id: number;
  term_id: number;
  position: number;
}

export interface PagesTable {
  id: Generated<number>;
  slug: string;
  title: string;
  body_markdown: string;
  body_html: string;
  status: string;
  show_in_navigation: number;
  position: number;
  created_at: string;
  updated_at: string;
}

export interface RevisionsTable {
  id: Generated<number>;
  entity_type: string;
  entity_id: number;
  version: number;
  /** Who saved it: a user id, "cli", "import" or "system". */
  actor: string;
  note: string | null;
  snapshot: string;
  created_at: string;
}

export interface RedirectsTable {
  id: Generated<number>;
  from_path: string;
  to_path: string;
  status_code: number;
  created_at: string;
}

export interface CorrectionsTable {
  id: Generated<number>;
  article_id: number;
  kind: string;
  note: string;
  created_at: string;
}

export interface UsersTable {
  id: Generated<number>;
  email: string;
  name: string;
  role: string;
  password_hash: string | null;
  person_id: number | null;
  is_disabled: number;
  created_at: string;
  updated_at: string;
}
