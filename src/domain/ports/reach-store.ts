/** A span of UTC days, both ends included (YYYY-MM-DD); `articleId` narrows it to one article. */
export interface ReachQuery {
  since: string;
  until: string;
  articleId?: number;
}

export interface DayViews {
  day: string;
  views: number;
}

export interface ArticleReach {
  articleId: number;
  title: string;
  views: number;
}

/** A referring site and the views it sent; host '' stands for referrals rolled up (site no longer known). */
export interface ReferrerViews {
  host: string;
  views: number;
}

/** A site that displayed our articles in a period, with when it was first and last seen doing so. */
export interface RepublisherReach {
  host: string;
  views: number;
  articles: number;
  pages: number;
  firstSeen: string;
  lastSeen: string;
}

/** A page that displayed one article: its views in the period and in all, and when it was seen. */
export interface RepublicationReach {
  host: string;
  /** The page's address, or its host alone once its pages were rolled up into one row. */
  page: string;
  views: number;
  totalViews: number;
  firstSeen: string;
  lastSeen: string;
}

/** A verified mention first seen in the period. */
export interface MentionReach {
  articleId: number;
  articleTitle: string;
  source: string;
  sourceTitle: string | null;
  firstVerifiedAt: string;
}

/** What a roll-up folded. */
export interface RollUpReport {
  /** Referrer rows (article, day, host) folded into per-day totals. */
  referrerRows: number;
  /** Republication pages folded into their host's row. */
  pages: number;
}

/**
 * Reach figures over a period, read through the day indexes (or one article's keys) so a query
 * costs what the period holds, not what the archive holds; and the roll-up of old detail.
 */
export interface ReachStore {
  /** Views per day that had any (the caller fills the other days with zero). */
  viewsByDay(query: ReachQuery): Promise<DayViews[]>;
  topArticles(query: ReachQuery & { limit: number }): Promise<ArticleReach[]>;
  topReferrers(query: ReachQuery & { limit: number }): Promise<ReferrerViews[]>;
  republishers(query: ReachQuery & { limit: number }): Promise<RepublisherReach[]>;
  republications(query: ReachQuery & { articleId: number; limit: number }): Promise<RepublicationReach[]>;
  mentions(query: ReachQuery & { limit: number }): Promise<MentionReach[]>;
  /**
   * Folds detail older than `beforeDay` into totals: referrer rows into one row per article and
   * day under host '', and republication pages last seen before it into one row per article and
   * host (their daily counts added up). Every total stays the same.
   */
  rollUp(beforeDay: string): Promise<RollUpReport>;
}
