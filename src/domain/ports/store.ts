import type { AdminListStore } from './admin-list-store.ts';
import type { ArchiveStore } from './archive-store.ts';
import type { ArticleAdminStore } from './article-admin-store.ts';
import type { ArticleStore } from './article-store.ts';
import type { AuditStore } from './audit-store.ts';
import type { AuthTokenStore } from './auth-token-store.ts';
import type { AutosaveStore } from './autosave-store.ts';
import type { CommentStore } from './comment-store.ts';
import type { CorrectionStore } from './correction-store.ts';
import type { DashboardStore } from './dashboard-store.ts';
import type { ImportSourceStore } from './import-source-store.ts';
import type { JobStore } from './job-store.ts';
import type { ListingStore } from './listing-store.ts';
import type { LoginAttemptStore } from './login-attempt-store.ts';
import type { MediaIndexStore, MediaVariantStore } from './media-store.ts';
import type { MemberAdminStore } from './member-admin-store.ts';
import type { MemberStore } from './member-store.ts';
import type { NewsletterAlertStore } from './newsletter-alert-store.ts';
import type { NewsletterStore } from './newsletter-store.ts';
import type { PageStore } from './page-store.ts';
import type { PeopleAdminStore } from './people-admin-store.ts';
import type { PersonStore } from './person-store.ts';
import type { ReachStore } from './reach-store.ts';
import type { RedirectStore } from './redirect-store.ts';
import type { RelatedStore } from './related-store.ts';
import type { ReprintRequestStore } from './reprint-request-store.ts';
import type { RepublicationStore } from './republication-store.ts';
import type { RevisionStore } from './revision-store.ts';
import type { SearchIndex } from './search-index.ts';
import type { SessionStore } from './session-store.ts';
import type { SettingsStore } from './settings-store.ts';
import type { SitemapStore } from './sitemap-store.ts';
import type { TaxonomyStore, TermAdminStore } from './taxonomy-store.ts';
import type { UserStore } from './user-store.ts';
import type { ViewStore } from './view-store.ts';
import type { WebmentionStore } from './webmention-store.ts';

/**
 * All repositories over one connection or one transaction. A service that needs only a few
 * takes `Pick<Repositories, 'articles' | 'people'>`, so its tests supply only those.
 */
export interface Repositories {
  articles: ArticleStore;
  corrections: CorrectionStore;
  people: PersonStore;
  taxonomies: TaxonomyStore;
  pages: PageStore;
  settings: SettingsStore;
  revisions: RevisionStore;
  redirects: RedirectStore;
  users: UserStore;
  search: SearchIndex;
  views: ViewStore;
  sitemaps: SitemapStore;
  comments: CommentStore;
  media: MediaIndexStore;
  importSources: ImportSourceStore;
  sessions: SessionStore;
  authTokens: AuthTokenStore;
  loginAttempts: LoginAttemptStore;
  audit: AuditStore;
  dashboard: DashboardStore;
  articleAdmin: ArticleAdminStore;
  peopleAdmin: PeopleAdminStore;
  jobs: JobStore;
  listings: ListingStore;
  related: RelatedStore;
  mediaVariants: MediaVariantStore;
  autosaves: AutosaveStore;
  termAdmin: TermAdminStore;
  adminLists: AdminListStore;
  webmentions: WebmentionStore;
  republications: RepublicationStore;
  reach: ReachStore;
  reprintRequests: ReprintRequestStore;
  members: MemberStore;
  memberAdmin: MemberAdminStore;
  newsletters: NewsletterStore;
  newsletterAlerts: NewsletterAlertStore;
}

/** The repositories, a way to run several writes as one transaction, and whole-database operations. */
export interface Store extends Repositories {
  /** Runs `work` in a transaction: everything it writes lands, or nothing does. */
  transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T>;
  /** Resolves when the database answers a query; rejects when it cannot be reached. */
  ping(): Promise<void>;
  archive: ArchiveStore;
}
