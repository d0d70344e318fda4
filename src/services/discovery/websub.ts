import type { ContentChange, ServiceContext } from '../context.ts';
import { FEED_FORMATS, type FeedFormat, type FeedScope, scopePath } from './feeds.ts';

export type HttpPost = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string },
) => Promise<{ ok: boolean; status: number }>;

/**
 * Tells a WebSub hub (https://www.w3.org/TR/websub/) which feeds changed, so subscribers
 * hear of new articles at once. Changes are gathered for `delayMs` and sent together.
 */
export class WebSubPinger {
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private readonly post: HttpPost;
  private readonly delayMs: number;

  private readonly ctx: ServiceContext;

  private readonly hub: string;

  constructor(ctx: ServiceContext, hub: string, options: { post?: HttpPost; delayMs?: number } = {}) {
    this.ctx = ctx;

    this.hub = hub;
    this.post = options.post ?? ((url, init) => fetch(url, { ...init, signal: AbortSignal.timeout(10_000) }));
    this.delayMs = options.delayMs ?? 5000;
  }

  /** The feed URLs (every format) an article appears in. */
  async topicsForArticle(articleId: number): Promise<string[]> {
    const repos = this.ctx.store;
    // A deleted article left the feeds it was in: their subscribers are told too.
    const article =
      (await repos.articles.findById(articleId)) ?? (await repos.articles.findDeleted(articleId))?.article;
    // Articles never published were never in a feed; the rest may have entered or left one.
    const hasFeedPresence = article && (article.status === 'published' || article.status === 'unpublished');
    if (!article || !hasFeedPresence || article.publishedAt === null) return [];
    if (Date.parse(article.publishedAt) > this.ctx.now().getTime()) return [];
    const scopes: FeedScope[] = [{ kind: 'site' }];
    for (const person of await repos.people.findByIds(article.authorIds)) {
      scopes.push({ kind: 'author', slug: person.slug });
    }
    // The article's terms and their ancestors only: a publish must not read every tag there is.
    const lineage = article.termIds.length
      ? await repos.taxonomies.findTermsWithAncestors(article.termIds)
      : [];
    const byId = new Map(lineage.map((t) => [t.id, t]));
    const terms = article.termIds.flatMap((id) => byId.get(id) ?? []);
    const taxonomies = terms.length ? await repos.taxonomies.listTaxonomies() : [];
    const seen = new Set<number>();
    for (const term of terms) {
      // A term's feed includes its descendants, so its ancestors' feeds change too.
      for (
        let t = term as typeof term | undefined;
        t && !seen.has(t.id);
        t = t.parentId ? byId.get(t.parentId) : undefined
      ) {
        seen.add(t.id);
        const taxonomy = taxonomies.find((x) => x.id === t?.taxonomyId);
        if (taxonomy) scopes.push({ kind: 'term', taxonomySlug: taxonomy.slug, termSlug: t.slug });
      }
    }
    return scopes.flatMap((scope) =>
      (Object.keys(FEED_FORMATS) as FeedFormat[]).map(
        (f) => `${this.ctx.siteUrl}${scopePath(scope)}/${FEED_FORMATS[f].file}`,
      ),
    );
  }

  /** Listens to the change bus; returns a function that stops listening. */
  attach(): () => void {
    return this.ctx.changes.subscribe((change) => {
      void this.onChange(change);
    });
  }

  async onChange(change: ContentChange): Promise<void> {
    if (change.kind !== 'article') return;
    try {
      for (const topic of await this.topicsForArticle(change.id)) this.pending.add(topic);
    } catch (err) {
      this.ctx.log.warn({ err, articleId: change.id }, 'websub: cannot work out the feeds of an article');
      return;
    }
    if (this.pending.size > 0 && !this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.delayMs);
      this.timer.unref();
    }
  }

  /** Sends every pending topic to the hub now; returns how many the hub accepted. */
  async flush(): Promise<number> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const topics = [...this.pending];
    this.pending.clear();
    let accepted = 0;
    for (const topic of topics) {
      try {
        const response = await this.post(this.hub, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': topic }).toString(),
        });
        if (response.ok) accepted++;
        else
          this.ctx.log.warn({ hub: this.hub, topic, status: response.status }, 'websub: hub refused a ping');
      } catch (err) {
        this.ctx.log.warn({ err, hub: this.hub, topic }, 'websub: hub unreachable');
      }
    }
    return accepted;
  }
}
