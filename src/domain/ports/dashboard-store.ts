/** One line of a dashboard list. */
export interface ArticleSummaryRow {
  id: number;
  slug: string;
  title: string;
  status: string;
  publishedAt: string | null;
  updatedAt: string;
}

/**
 * One dashboard bucket, optionally only articles whose byline includes a person. "scheduled"
 * includes published articles dated in the future (imports do that).
 */
export interface DashboardBucketQuery {
  bucket: 'review' | 'scheduled' | 'published' | 'draft';
  now: string;
  authorPersonId?: number;
}

/** The admin dashboard's read-only queries over articles. */
export interface DashboardStore {
  /** The first `limit` articles of the bucket, in its order. */
  list(options: DashboardBucketQuery & { limit: number }): Promise<ArticleSummaryRow[]>;
  /** How many articles the bucket holds, counted no further than `cap`. */
  count(options: DashboardBucketQuery & { cap: number }): Promise<number>;
}
