export interface ViewCount {
  articleId: number;
  day: string;
  count: number;
  /** The host of the site the readers came from (domain/reach.ts referringHost); null when none. */
  referrer: string | null;
}

export interface MostReadQuery {
  /** First UTC day counted (YYYY-MM-DD). */
  sinceDay: string;
  /** Only articles visible at this time (ISO). */
  now: string;
  termIds?: number[];
  limit: number;
}

/** Daily read counts per article: a number per day, nothing about who read. */
export interface ViewStore {
  /**
   * Adds counts, and those with a referrer to that host's count too; ids of articles that do
   * not exist (or are not published) are ignored.
   */
  add(counts: ViewCount[]): Promise<void>;
  /** Article ids by reads since a day, most read first; ties go to the newer article. */
  mostRead(query: MostReadQuery): Promise<
    {
      articleId: number;
      count: number;
    }[]
  >;
}
