/**
 * What a cached document depends on. Read models list the tags of what they show; the page
 * cache drops documents by the same tags when that changes. Both sides build tags here, so a
 * tag written by one and looked for by the other cannot be spelt two ways.
 */
export const CacheTags = {
  article: (id: number) => `article:${id}`,
  /** An address an article is reached by (a renamed article keeps answering its old slug). */
  slug: (slug: string) => `slug:${slug}`,
  person: (id: number) => `person:${id}`,
  term: (id: number) => `term:${id}`,
  page: (slug: string) => `page:${slug}`,
  /** Any document that lists articles: dropped when a change's listings are unknown. */
  anyListing: 'listing',
  /** Site-wide listings: home, site feeds, sitemap index, search. */
  siteListing: 'listing:site',
  termListing: (id: number) => `listing:term:${id}`,
  personListing: (id: number) => `listing:person:${id}`,
  monthListing: (month: string) => `listing:month:${month}`,
  mostRead: 'most-read',
  /**
   * A page that shows a gated article as anonymous readers see it (its preview): never the
   * answer to a request that carries a member session, which is rendered for that member.
   */
  forAnonymousOnly: 'anonymous-only',
  /** Navigation pages, shown in every page's header and footer. */
  nav: 'nav',
  settings: 'settings',
} as const;
