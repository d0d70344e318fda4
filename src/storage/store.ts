import { type Kysely, sql, type Transaction } from 'kysely';
import type { Repositories, Store } from '../domain/ports/store.ts';
import { AdminListRepository } from './admin-list-repository.ts';
import { ArticleAdminRepository } from './article-admin-repository.ts';
import { ArticleRepository } from './article-repository.ts';
import { AuditRepository } from './audit-repository.ts';
import { AuthTokenRepository } from './auth-token-repository.ts';
import { AutosaveRepository } from './autosave-repository.ts';
import { CommentRepository } from './comment-repository.ts';
import { CorrectionRepository } from './correction-repository.ts';
import { DashboardRepository } from './dashboard-repository.ts';
import type { DatabaseHandle } from './database.ts';
import { ImportSourceRepository } from './import-source-repository.ts';
import { JobRepository } from './job-repository.ts';
import { ListingRepository } from './listing-repository.ts';
import { LoginAttemptRepository } from './login-attempt-repository.ts';
import { MediaRepository } from './media-repository.ts';
import { MediaVariantRepository } from './media-variant-repository.ts';
import { MemberAdminRepository } from './member-admin-repository.ts';
import { MemberRepository } from './member-repository.ts';
import type { DialectName } from './migrations/helpers.ts';
import { NewsletterAlertRepository } from './newsletter-alert-repository.ts';
import { NewsletterRepository } from './newsletter-repository.ts';
import { PageRepository } from './page-repository.ts';
import { PeopleAdminRepository } from './people-admin-repository.ts';
import { PersonRepository } from './person-repository.ts';
import { PublicationArchive } from './publication-archive.ts';
import { ReachRepository } from './reach-repository.ts';
import { RedirectRepository } from './redirect-repository.ts';
import { RelatedRepository } from './related-repository.ts';
import { ReprintRequestRepository } from './reprint-request-repository.ts';
import { RepublicationRepository } from './republication-repository.ts';
import { RevisionRepository } from './revision-repository.ts';
import type { Database } from './schema.ts';
import { createSearchIndex } from './search-index.ts';
import { SessionRepository } from './session-repository.ts';
import { SettingsRepository } from './settings-repository.ts';
import { SitemapRepository } from './sitemap-repository.ts';
import { TaxonomyRepository } from './taxonomy-repository.ts';
import { TermAdminRepository } from './term-admin-repository.ts';
import { UserRepository } from './user-repository.ts';
import { ViewRepository } from './view-repository.ts';
import { WebmentionRepository } from './webmention-repository.ts';

function repositoriesFor(db: Kysely<Database> | Transaction<Database>, dialect: DialectName): Repositories {
  return {
    articles: new ArticleRepository(db),
    corrections: new CorrectionRepository(db),
    people: new PersonRepository(db),
    taxonomies: new TaxonomyRepository(db),
    pages: new PageRepository(db),
    settings: new SettingsRepository(db),
    revisions: new RevisionRepository(db),
    redirects: new RedirectRepository(db),
    users: new UserRepository(db),
    search: createSearchIndex(db, dialect),
    views: new ViewRepository(db),
    sitemaps: new SitemapRepository(db),
    comments: new CommentRepository(db, dialect),
    media: new MediaRepository(db),
    importSources: new ImportSourceRepository(db),
    sessions: new SessionRepository(db),
    authTokens: new AuthTokenRepository(db),
    loginAttempts: new LoginAttemptRepository(db, dialect),
    audit: new AuditRepository(db),
    dashboard: new DashboardRepository(db),
    articleAdmin: new ArticleAdminRepository(db, dialect),
    peopleAdmin: new PeopleAdminRepository(db, dialect),
    jobs: new JobRepository(db),
    listings: new ListingRepository(db),
    related: new RelatedRepository(db),
    mediaVariants: new MediaVariantRepository(db),
    autosaves: new AutosaveRepository(db),
    termAdmin: new TermAdminRepository(db),
    adminLists: new AdminListRepository(db, dialect),
    webmentions: new WebmentionRepository(db),
    republications: new RepublicationRepository(db),
    reach: new ReachRepository(db),
    reprintRequests: new ReprintRequestRepository(db),
    members: new MemberRepository(db),
    memberAdmin: new MemberAdminRepository(db, dialect),
    newsletters: new NewsletterRepository(db, dialect),
    newsletterAlerts: new NewsletterAlertRepository(db),
  };
}

/** The store over an open database: repositories on the pool, and the same over each transaction. */
export function createStore(handle: DatabaseHandle): Store {
  const { db, dialect } = handle;
  return {
    ...repositoriesFor(db, dialect),
    transaction: (work) => db.transaction().execute((trx) => work(repositoriesFor(trx, dialect))),
    ping: async () => {
      await sql`SELECT 1`.execute(db);
    },
    archive: new PublicationArchive(handle),
  };
}
