import type { Kysely, Transaction } from 'kysely';
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
import { LoginAttemptRepository } from './login-attempt-repository.ts';
import { MediaRepository } from './media-repository.ts';
import { MediaVariantRepository } from './media-variant-repository.ts';
import { PageRepository } from './page-repository.ts';
import { PersonRepository } from './person-repository.ts';
import { RedirectRepository } from './redirect-repository.ts';
import { RevisionRepository } from './revision-repository.ts';
import type { Database } from './schema.ts';
import { createSearchIndex, type SearchIndex } from './search-index.ts';
import { SessionRepository } from './session-repository.ts';
import { SettingsRepository } from './settings-repository.ts';
import { SitemapRepository } from './sitemap-repository.ts';
import { TaxonomyRepository } from './taxonomy-repository.ts';
import { TermAdminRepository } from './term-admin-repository.ts';
import { UserRepository } from './user-repository.ts';
import { ViewRepository } from './view-repository.ts';

/** All repositories over one connection or one transaction. */
export interface Repositories {
  articles: ArticleRepository;
  corrections: CorrectionRepository;
  people: PersonRepository;
  taxonomies: TaxonomyRepository;
  pages: PageRepository;
  settings: SettingsRepository;
  revisions: RevisionRepository;
  redirects: RedirectRepository;
  users: UserRepository;
  search: SearchIndex;
  views: ViewRepository;
  sitemaps: SitemapRepository;
  comments: CommentRepository;
  media: MediaRepository;
  importSources: ImportSourceRepository;
  sessions: SessionRepository;
  authTokens: AuthTokenRepository;
  loginAttempts: LoginAttemptRepository;
  audit: AuditRepository;
  dashboard: DashboardRepository;
  jobs: JobRepository;
  mediaVariants: MediaVariantRepository;
  autosaves: AutosaveRepository;
  termAdmin: TermAdminRepository;
  articleAdmin: ArticleAdminRepository;
}

/** The repositories, and a way to run several writes as one transaction. */
export interface Store extends Repositories {
  dialect: DatabaseHandle['dialect'];
  db: Kysely<Database>;
  /** Runs `work` in a transaction: everything it writes lands, or nothing does. */
  transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T>;
}

function repositoriesFor(db: Kysely<Database> | Transaction<Database>): Repositories {
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
    search: createSearchIndex(db),
    views: new ViewRepository(db),
    sitemaps: new SitemapRepository(db),
    comments: new CommentRepository(db),
    media: new MediaRepository(db),
    importSources: new ImportSourceRepository(db),
    sessions: new SessionRepository(db),
    authTokens: new AuthTokenRepository(db),
    loginAttempts: new LoginAttemptRepository(db),
    audit: new AuditRepository(db),
    dashboard: new DashboardRepository(db),
    jobs: new JobRepository(db),
    mediaVariants: new MediaVariantRepository(db),
    autosaves: new AutosaveRepository(db),
    termAdmin: new TermAdminRepository(db),
    articleAdmin: new ArticleAdminRepository(db),
  };
}

export function createStore(handle: DatabaseHandle): Store {
  return {
    ...repositoriesFor(handle.db),
    dialect: handle.dialect,
    db: handle.db,
    transaction: (work) => handle.db.transaction().execute((trx) => work(repositoriesFor(trx))),
  };
}
