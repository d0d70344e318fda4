/** One window's hits on one page showing one article, on one UTC day. */
export interface RepublicationHits {
  articleId: number;
  host: string;
  page: string;
  /** YYYY-MM-DD (UTC). */
  day: string;
  count: number;
  /** When the window's first and last hit came (ISO). */
  firstAt: string;
  lastAt: string;
}

/** A page that displayed an article, with its views so far. */
export interface Republication {
  host: string;
  page: string;
  views: number;
  firstSeen: string;
  lastSeen: string;
}

/** A site that displayed our articles, over a period. */
export interface Republisher {
  host: string;
  views: number;
  /** Distinct articles it displayed in the period. */
  articles: number;
  /** Distinct pages of it that displayed them. */
  pages: number;
}

/** Where our articles were displayed: per page, its totals and a count per day. Nothing about readers. */
export interface RepublicationStore {
  /** Adds hits; those on articles that do not exist or are not published are ignored. Returns the hits kept. */
  add(hits: RepublicationHits[]): Promise<number>;
  /** An article's pages, most recently seen first. */
  ofArticle(articleId: number, limit: number): Promise<Republication[]>;
  /** How many pages displayed an article, and their views in all (however many are listed). */
  totalsOf(articleId: number): Promise<{ pages: number; views: number }>;
}
