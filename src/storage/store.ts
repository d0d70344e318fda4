import type { Kysely, Transaction } from 'kysely';
import { ArticleRepository } from './article-repository.js';
import type { DatabaseHandle } from './database.js';
import { PageRepository } from './page-repository.js';
import { PersonRepository } from './person-repository.js';
import { RedirectRepository } from './redirect-repository.js';
import { RevisionRepository } from './revision-repository.js';
import type { Database } from './schema.js';
import { SettingsRepository } from './settings-repository.js';
import { TaxonomyRepository } from './taxonomy-repository.js';
import { UserRepository } from './user-repository.js';

/** All repositories over one connection or one transaction. */
export interface Repositories {
  articles: ArticleRepository;
  people: PersonRepository;
  taxonomies: TaxonomyRepository;
  pages: PageRepository;
  settings: SettingsRepository;
  revisions: RevisionRepository;
  redirects: RedirectRepository;
  users: UserRepository;
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
    people: new PersonRepository(db),
    taxonomies: new TaxonomyRepository(db),
    pages: new PageRepository(db),
    settings: new SettingsRepository(db),
    revisions: new RevisionRepository(db),
    redirects: new RedirectRepository(db),
    users: new UserRepository(db),
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
