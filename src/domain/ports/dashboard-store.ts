/** One line of a dashboard list. */
export interface ArticleSummaryRow {
  id: number;
  slug: string;
  title: string;
  status: string;
  publishedAt: string | null;
  updatedAt: string;
}

/** The admin dashboard's read-only queries over articles. */
export interface DashboardStore {
  /**
   * Articles in the given bucket, optionally only those whose byline includes a person.
   * "scheduled" includes published articles dated in the future (imports do that).
   */
  list(options: {
    bucket: 'review' | 'scheduled' | 'published' | 'draft';
    now: string;
    limit: number;
    authorPersonId?: number;
  }): Promise<ArticleSummaryRow[]>;
}
