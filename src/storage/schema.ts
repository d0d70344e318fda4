import type { ColumnType, Generated } from 'kysely';

/**
 * The database as Kysely sees it. Timestamps are ISO 8601 UTC strings and booleans
 * are 0/1 integers on both SQLite and PostgreSQL, so the same queries run on both.
 */
export interface Database {
  jobs: JobsTable;
  media_variants: MediaVariantsTable;
  article_autosaves: ArticleAutosavesTable;
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
  comments: CommentsTable;
  media: MediaTable;
  import_sources: ImportSourcesTable;
  sessions: SessionsTable;
  auth_tokens: AuthTokensTable;
  login_attempts: LoginAttemptsTable;
  audit_log: AuditLogTable;
  article_views: ArticleViewsTable;
  article_referrers: ArticleReferrersTable;
  republications: RepublicationsTable;
  republication_views: RepublicationViewsTable;
  listing_counts: ListingCountsTable;
  article_related: ArticleRelatedTable;
  webmentions: WebmentionsTable;
  reprint_requests: ReprintRequestsTable;
  member_tiers: MemberTiersTable;
  members: MembersTable;
  member_sessions: MemberSessionsTable;
  member_tokens: MemberTokensTable;
  member_link_requests: MemberLinkRequestsTable;
  newsletters: NewslettersTable;
  newsletter_subscriptions: NewsletterSubscriptionsTable;
  newsletter_issues: NewsletterIssuesTable;
  newsletter_deliveries: NewsletterDeliveriesTable;
  newsletter_bounce_events: NewsletterBounceEventsTable;
  newsletter_keys: NewsletterKeysTable;
  newsletter_alert_articles: NewsletterAlertArticlesTable;
  article_first_publications: ArticleFirstPublicationsTable;
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
  /** nameSkeleton(name), kept by the repository on every write; null only before a write by hand. */
  name_skeleton: string | null;
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
  seo_title: string | null;
  seo_description: string | null;
  social_image: string | null;
  visibility: string;
  is_featured: number;
  has_comments: number;
  word_count: number;
  version: number;
  /** The staff user who created the article; null for imports, the command line and the demo. */
  created_by: number | null;
  /** When the article was deleted; deleted rows are hidden from every read but the restore's (see migration 0009). */
  deleted_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** The slug readers knew, while the row's own slug is set aside for reuse. */
  deleted_slug: ColumnType<string | null, string | null | undefined, string | null>;
  /** The public preview of a gated article (migration 0030); null for a public one. */
  preview_html: string | null;
}

/** The publication time of a published article, repeated for listings; NULL otherwise (see migration 0007). */
type ListedAt = ColumnType<string | null, string | null | undefined, string | null>;

export interface ArticleAuthorsTable {
  article_id: number;
  person_id: number;
  position: number;
  listed_at: ListedAt;
}

export interface ArticleTermsTable {
  article_id: number;
  term_id: number;
  position: number;
  listed_at: ListedAt;
}

export interface ArticleRelatedTable {
  article_id: number;
  related_ids: string;
  computed_at: string;
}

export interface ListingCountsTable {
  scope: string;
  count: number;
  last_modified: string;
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
  /** The snapshot's size in bytes (empty for revisions kept before sizes were). */
  byte_size: number | null;
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
  updated_at: string | null;
  withdrawn_at: string | null;
  withdrawn_reason: string | null;
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

export interface CommentsTable {
  id: Generated<number>;
  article_id: number;
  parent_id: number | null;
  author_name: string;
  author_email: string | null;
  author_url: string | null;
  body: string;
  /** approved, pending, spam or trash. */
  status: string;
  /** comment, pingback or trackback. */
  kind: string;
  created_at: string;
  source_id: string | null;
  /** The member who wrote it; null for an imported comment (its author is only a name). */
  member_id: ColumnType<number | null, number | null | undefined, number | null>;
  /** The sanitized HTML of a member's comment; null for imported ones (rendered when read). */
  body_html: ColumnType<string | null, string | null | undefined, string | null>;
  edited_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** A hash of the sender's address group, to count one place's comments. */
  sender_key: ColumnType<string | null, string | null | undefined, string | null>;
  notify_replies: ColumnType<number, number | undefined, number>;
  /** When editors were mailed that it waits for moderation. */
  held_notice_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** The top-level comment a reply's thread starts from; null on a top-level comment. */
  root_id: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface MediaTable {
  id: Generated<number>;
  url: string;
  local_path: string | null;
  mime: string | null;
  alt: string | null;
  caption: string | null;
  title: string | null;
  created_at: string;
  source_id: string | null;
  uploaded_by: number | null;
}

/** Which entity of ours an entity of another system (a WordPress post, a Ghost user) became. */
export interface ImportSourcesTable {
  id: Generated<number>;
  source: string;
  source_id: string;
  entity_type: string;
  entity_id: number;
  created_at: string;
}

/** A signed-in browser. `id` is the SHA-256 of the cookie's token, never the token itself. */
export interface SessionsTable {
  id: string;
  user_id: number;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
}

/** A single-use link sent by email: kind is "reset" or "invite". */
export interface AuthTokensTable {
  id: Generated<number>;
  token_hash: string;
  kind: string;
  user_id: number;
  created_by: number | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** One failed login, keyed "email:<address>" and "ip:<address>", kept for throttling. */
export interface LoginAttemptsTable {
  id: Generated<number>;
  key: string;
  created_at: string;
  /** 1 while the attempt's password is being checked, 0 once it failed (see migration 0013). */
  is_in_flight: ColumnType<number, number | undefined, number>;
}

/** Who did what in the admin. actor_label keeps the email after a user is deleted. */
export interface AuditLogTable {
  id: Generated<number>;
  actor_user_id: number | null;
  actor_label: string;
  action: string;
  entity_type: string | null;
  entity_id: string | null;
  summary: string;
  created_at: string;
}

/** Reads per article per UTC day (YYYY-MM-DD), counted without cookies or personal data. */
export interface ArticleViewsTable {
  article_id: number;
  day: string;
  count: number;
}

/** Views per article, UTC day and referring host ('' once rolled up): only the host, nothing about the reader. */
export interface ArticleReferrersTable {
  article_id: number;
  day: string;
  host: string;
  count: number;
}

/** A page of another site that displayed an article (through the tracking image), with its totals. */
export interface RepublicationsTable {
  id: Generated<number>;
  article_id: number;
  host: string;
  page: string;
  views: number;
  first_seen: string;
  last_seen: string;
}

export interface RepublicationViewsTable {
  republication_id: number;
  day: string;
  count: number;
}

/** A durable job: claimed by one process at a time (locked_until), retried until max_attempts. */
export interface JobsTable {
  id: Generated<number>;
  kind: string;
  dedupe_key: string;
  payload: string;
  run_at: string;
  /** pending, running, done or failed. */
  status: string;
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  finished_at: string | null;
}

/** One resized, re-encoded copy of an uploaded image. */
export interface MediaVariantsTable {
  id: Generated<number>;
  media_id: number;
  format: string;
  width: number;
  height: number;
  byte_size: number;
  local_path: string;
  url: string;
}

/** An editor's unsaved work on an article, kept apart so it never overwrites anyone's save. */
export interface ArticleAutosavesTable {
  article_id: number;
  user_id: number;
  base_version: number;
  snapshot: string;
  saved_at: string;
}

/** A webmention of one of our articles by another page, as last checked (verified, removed or refused). */
export interface WebmentionsTable {
  id: Generated<number>;
  article_id: number;
  source: string;
  target: string;
  status: string;
  source_title: string | null;
  reason: string | null;
  first_verified_at: string | null;
  last_verified_at: string | null;
  received_at: string;
  updated_at: string;
}

export interface ReprintRequestsTable {
  id: Generated<number>;
  article_id: number;
  kind: string;
  requester_name: string;
  email: string;
  organisation: string | null;
  outlet: string | null;
  target_language: string | null;
  message: string;
  status: string;
  decided_by: number | null;
  decided_by_label: string | null;
  decided_at: string | null;
  reply_text: string | null;
  reply_sent_at: string | null;
  sender_key: string;
  created_at: string;
}

/** A level of membership an admin defines: free or supporting (paid through a provider attached later). */
export interface MemberTiersTable {
  id: Generated<number>;
  slug: string;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  is_paid: ColumnType<number, number | undefined, number>;
  price_label: string | null;
  /** The payment provider that bills this tier, and its reference there: both empty until one is attached. */
  provider: string | null;
  provider_ref: string | null;
  position: ColumnType<number, number | undefined, number>;
  is_active: ColumnType<number, number | undefined, number>;
  created_at: string;
  updated_at: string;
}

/** A reader with an account. `email` is stored lower-cased; status is "pending" until the first link is followed, then "active". */
export interface MembersTable {
  id: Generated<number>;
  email: string;
  name: ColumnType<string, string | undefined, string>;
  status: string;
  tier_id: number | null;
  confirmed_at: string | null;
  /** When and how the member agreed to be written to (the sign-up form, a CSV import, ...). */
  consent_at: string | null;
  consent_source: string | null;
  is_banned: ColumnType<number, number | undefined, number>;
  /** Set by a hard bounce or a complaint: no newsletter goes to the address after it. */
  bounced_at: string | null;
  complained_at: string | null;
  created_at: string;
  updated_at: string;
}

/** A member's signed-in browser, apart from staff sessions. `id` is the SHA-256 of the cookie's token. */
export interface MemberSessionsTable {
  id: string;
  member_id: number;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

/** A single-use link mailed to a member: kind is "signup", "signin" or "email" (then new_email is the address to confirm). */
export interface MemberTokensTable {
  id: Generated<number>;
  token_hash: string;
  kind: string;
  member_id: number;
  new_email: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** One request for a member's link, under one hashed key (a sender's address group, or the address mailed); kept 24 hours. */
export interface MemberLinkRequestsTable {
  id: Generated<number>;
  key: string;
  created_at: string;
}

/** A list members subscribe to: kind "daily", "weekly", "term" (alerts for term_id) or "author" (person_id). */
export interface NewslettersTable {
  id: Generated<number>;
  slug: string;
  name: string;
  kind: string;
  term_id: number | null;
  person_id: number | null;
  is_active: ColumnType<number, number | undefined, number>;
  /** Hour of the day (site time) a digest goes out automatically; null: sent by hand only. */
  send_hour: number | null;
  created_at: string;
  updated_at: string;
}

export interface NewsletterSubscriptionsTable {
  newsletter_id: number;
  member_id: number;
  source: ColumnType<string, string | undefined, string>;
  created_at: string;
}

/**
 * One issue of a newsletter. Status: draft, scheduled, sending, sent. html_body and text_body are
 * rendered once when sending starts; recipients_after is the last member id enumerated into
 * deliveries, is_enumerated 1 once all are.
 */
export interface NewsletterIssuesTable {
  id: Generated<number>;
  newsletter_id: number;
  subject: string;
  intro: ColumnType<string, string | undefined, string>;
  /** JSON array of article ids, in the order shown. */
  article_ids: ColumnType<string, string | undefined, string>;
  status: string;
  scheduled_at: string | null;
  started_at: ColumnType<string | null, string | null | undefined, string | null>;
  finished_at: ColumnType<string | null, string | null | undefined, string | null>;
  html_body: ColumnType<string | null, string | null | undefined, string | null>;
  text_body: ColumnType<string | null, string | null | undefined, string | null>;
  recipients_after: ColumnType<number, number | undefined, number>;
  is_enumerated: ColumnType<number, number | undefined, number>;
  recipient_count: ColumnType<number, number | undefined, number>;
  sent_count: ColumnType<number, number | undefined, number>;
  failed_count: ColumnType<number, number | undefined, number>;
  bounced_count: ColumnType<number, number | undefined, number>;
  /** An automatic digest's period, unique per newsletter; null for issues composed by hand. */
  period_key: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: string;
  updated_at: string;
}

/**
 * One member's copy of an issue. Status: pending, sending (claimed by claimed_by until
 * lease_until), sent, failed, bounced. message_id is fixed when the row is made.
 */
export interface NewsletterDeliveriesTable {
  id: Generated<number>;
  issue_id: number;
  member_id: number;
  status: string;
  message_id: string;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  next_attempt_at: string;
  lease_until: string | null;
  claimed_by: string | null;
  sent_at: string | null;
}

/** A bounce or complaint as reported: kind "hard", "soft" or "complaint"; source "webhook" or "dsn". */
export interface NewsletterBounceEventsTable {
  id: Generated<number>;
  email: string;
  member_id: number | null;
  delivery_id: number | null;
  kind: string;
  source: string;
  status_code: ColumnType<string, string | undefined, string>;
  diagnostic: ColumnType<string, string | undefined, string>;
  message_id: ColumnType<string, string | undefined, string>;
  received_at: string;
}

export interface NewsletterKeysTable {
  name: string;
  value: string;
  created_at: string;
}

/**
 * An article waiting for an alert newsletter's next issue (waiting), left out of it because it
 * was unpublished first (dropped), or gone out in issue_id (issued).
 */
export interface NewsletterAlertArticlesTable {
  newsletter_id: number;
  article_id: number;
  status: string;
  /** When the publish put it in the queue: its grace period runs from here. */
  queued_at: string;
  issue_id: number | null;
}

/** That an article has been published once (so a re-publish announces nothing), and when. */
export interface ArticleFirstPublicationsTable {
  article_id: number;
  published_at: string;
}
