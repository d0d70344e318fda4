import { cp, type FileHandle, mkdir, open, readdir, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Comment } from '../../domain/comment.ts';
import type { Store } from '../../domain/ports/store.ts';
import { MARKDOWN_SOURCE } from '../import/markdown-publication.ts';

/** Rows read per query: articles, comments and redirects are read a batch at a time, by id. */
const BATCH = 500;

/**
 * Writes the publication as a folder of Markdown files with YAML front matter, in the shape
 * `pressroom import markdown` reads back whole: articles/ and pages/, people.yaml,
 * taxonomies.yaml (terms with their slugs), comments.yaml, corrections.yaml (articles' public
 * corrections and updates), redirects.yaml, settings.yaml,
 * media.yaml (the media index, the rows the JSON export's `media` section holds), media/ (the
 * files), history/ (every article's, page's, person's, term's and the settings' revisions) and
 * import-sources.yaml (which WordPress or Ghost item each entity came from, so that importing
 * from there again recognises it). Terms and redirects carry when they were made (and terms
 * when they were changed), as articles do, so that reading the folder back keeps those times. Articles, comments and redirects, which grow with the archive, are read in batches by
 * id and written as they come, so memory stays flat at any size; people, terms and pages are
 * read whole.
 */
export async function exportMarkdown(
  store: Store,
  folder: string,
  options: { mediaDir: string },
): Promise<{ articles: number; pages: number; media: boolean }> {
  await mkdir(path.join(folder, 'articles'), { recursive: true });
  await mkdir(path.join(folder, 'pages'), { recursive: true });
  await mkdir(path.join(folder, 'history', 'articles'), { recursive: true });
  await mkdir(path.join(folder, 'history', 'pages'), { recursive: true });
  const [people, taxonomies, terms, pages, settings] = await Promise.all([
    store.people.list(),
    store.taxonomies.listTaxonomies(),
    store.taxonomies.listTerms(),
    store.pages.list(),
    store.settings.getAll(),
  ]);
  const personById = new Map(people.map((p) => [p.id, p]));
  const termById = new Map(terms.map((t) => [t.id, t]));
  const taxonomyById = new Map(taxonomies.map((t) => [t.id, t]));
  let articleCount = 0;
  // Corrections are written beside the articles, a batch at a time, into corrections.yaml.
  await writeYamlList(path.join(folder, 'corrections.yaml'), async (writeCorrections) => {
    for (let afterId = 0; ; ) {
      const articles = await store.articles.listAfter(afterId, BATCH);
      const last = articles.at(-1);
      if (!last) break;
      afterId = last.id;
      articleCount += articles.length;
      const ids = articles.map((a) => a.id);
      const histories = await store.archive.dumpRevisions('article', ids);
      const notes = await store.archive.dumpCorrections(ids);
      const entries = articles.flatMap((a) =>
        (notes.get(a.id) ?? []).map((c) => ({
          article: a.slug,
          kind: c.kind,
          note: c.note,
          created: c.created_at,
          // An edited or withdrawn correction says when, and a withdrawn one why.
          ...(c.updated_at ? { updated: c.updated_at } : {}),
          ...(c.withdrawn_at ? { withdrawn: c.withdrawn_at, withdrawn_reason: c.withdrawn_reason } : {}),
        })),
      );
      await writeCorrections(entries);
      for (const article of articles) {
        const front: Record<string, unknown> = {
          title: article.title,
          slug: article.slug,
          date: article.publishedAt ?? undefined,
          status: article.status,
          authors: article.authorIds.flatMap((id) => {
            const p = personById.get(id);
            return p
              ? [
                  {
                    name: p.name,
                    slug: p.slug,
                    ...(p.bio ? { bio: p.bio } : {}),
                    ...(p.website ? { website: p.website } : {}),
                  },
                ]
              : [];
          }),
        };
        for (const termId of article.termIds) {
          const term = termById.get(termId);
          const taxonomy = term && taxonomyById.get(term.taxonomyId);
          if (!term || !taxonomy) continue;
          front[taxonomy.slug] = [...((front[taxonomy.slug] as string[] | undefined) ?? []), term.name];
        }
        const optional: [string, unknown][] = [
          ['subtitle', article.subtitle],
          ['summary', article.summary],
          ['epigraph', article.epigraph],
          ['source', article.source?.name],
          ['source_url', article.source?.url],
          ['canonical_url', article.canonicalUrl],
          ['license', article.license],
          ['language', article.language],
          ['visibility', article.visibility === 'public' ? undefined : article.visibility],
          ['featured', article.isFeatured || undefined],
          ['comments', article.hasComments ? undefined : false],
          ['image', article.featuredImage],
          ['image_alt', article.featuredImageAlt],
          ['seo_title', article.seoTitle],
          ['seo_description', article.seoDescription],
          ['social_image', article.socialImage],
          ['created', article.createdAt],
          ['updated', article.updatedAt],
        ];
        for (const [key, value] of optional) if (value !== null && value !== undefined) front[key] = value;
        await writeFile(
          path.join(folder, 'articles', `${article.slug}.md`),
          `---\n${stringify(front, { lineWidth: 0 })}---\n\n${article.bodyMarkdown}\n`,
        );
        await writeHistory(
          path.join(folder, 'history', 'articles', `${article.slug}.yaml`),
          histories.get(article.id),
        );
      }
    }
  });
  const pageHistories = await store.archive.dumpRevisions('page');
  for (const page of pages) {
    const front = {
      title: page.title,
      slug: page.slug,
      status: page.status,
      navigation: page.showInNavigation,
      position: page.position,
      created: page.createdAt,
      updated: page.updatedAt,
    };
    await writeFile(
      path.join(folder, 'pages', `${page.slug}.md`),
      `---\n${stringify(front)}---\n\n${page.bodyMarkdown}\n`,
    );
    await writeHistory(
      path.join(folder, 'history', 'pages', `${page.slug}.yaml`),
      pageHistories.get(page.id),
    );
  }
  const personHistories = await store.archive.dumpRevisions('person');
  await writeFile(
    path.join(folder, 'history', 'people.yaml'),
    stringify(
      Object.fromEntries(
        people.flatMap((p) => {
          const revisions = personHistories.get(p.id);
          return revisions ? [[p.slug, revisions]] : [];
        }),
      ),
      { lineWidth: 0 },
    ),
  );
  const termHistories = await store.archive.dumpRevisions('term');
  await writeFile(
    path.join(folder, 'history', 'terms.yaml'),
    stringify(
      Object.fromEntries(
        terms.flatMap((t) => {
          const revisions = termHistories.get(t.id);
          const taxonomy = taxonomyById.get(t.taxonomyId);
          return revisions && taxonomy ? [[`${taxonomy.slug}/${t.slug}`, revisions]] : [];
        }),
      ),
      { lineWidth: 0 },
    ),
  );
  await writeFile(
    path.join(folder, 'history', 'settings.yaml'),
    stringify((await store.archive.dumpRevisions('settings')).get(0) ?? [], { lineWidth: 0 }),
  );
  await writeFile(path.join(folder, 'settings.yaml'), stringify(Object.fromEntries(settings)));
  await writeFile(
    path.join(folder, 'people.yaml'),
    stringify(
      people.map((p) => ({
        slug: p.slug,
        name: p.name,
        bio: p.bio,
        email: p.email,
        website: p.website,
        photo: p.photo,
        links: p.links,
        created: p.createdAt,
        updated: p.updatedAt,
      })),
      { lineWidth: 0 },
    ),
  );
  const termSlug = new Map(terms.map((t) => [t.id, t.slug]));
  const termTimes = await store.taxonomies.listTermTimes();
  await writeFile(
    path.join(folder, 'taxonomies.yaml'),
    stringify(
      taxonomies.map((taxonomy) => ({
        slug: taxonomy.slug,
        name: taxonomy.name,
        plural: taxonomy.pluralName,
        hierarchical: taxonomy.isHierarchical,
        multiple: taxonomy.isMultiple,
        position: taxonomy.position,
        terms: terms
          .filter((t) => t.taxonomyId === taxonomy.id)
          .map((t) => ({
            slug: t.slug,
            name: t.name,
            description: t.description,
            parent: t.parentId === null ? null : (termSlug.get(t.parentId) ?? null),
            position: t.position,
            ...(termTimes.has(t.id)
              ? { created: termTimes.get(t.id)?.createdAt, updated: termTimes.get(t.id)?.updatedAt }
              : {}),
          })),
      })),
      { lineWidth: 0 },
    ),
  );
  await writeYamlList(path.join(folder, 'comments.yaml'), async (write) => {
    const places = new CommentPlaces(store);
    for (let afterId = 0; ; ) {
      const comments = await store.comments.listAfter(afterId, BATCH);
      const last = comments.at(-1);
      if (!last) break;
      afterId = last.id;
      places.read(comments);
      const articleIds = [...new Set(comments.map((c) => c.articleId))];
      const articleSlug = new Map(
        (await store.articles.findSummariesByIds(articleIds)).map((a) => [a.id, a.slug]),
      );
      const entries = [];
      for (const c of comments)
        entries.push({
          article: articleSlug.get(c.articleId) ?? null,
          // A reply names its parent by the parent's place in this list.
          parent: c.parentId === null ? null : await places.indexOf(c.parentId),
          author: c.authorName,
          email: c.authorEmail,
          url: c.authorUrl,
          body: c.body,
          status: c.status,
          kind: c.kind,
          created: c.createdAt,
          source: c.sourceId,
        });
      await write(entries);
    }
  });
  await writeYamlList(path.join(folder, 'redirects.yaml'), async (write) => {
    for (let afterId = 0; ; ) {
      const redirects = await store.redirects.listAfter(afterId, BATCH);
      const last = redirects.at(-1);
      if (!last) break;
      afterId = last.id;
      await write(
        // A gone address (a deleted article) leads nowhere: it has a status and no target.
        redirects.map((r) => ({
          from: r.fromPath,
          ...(r.statusCode === 410 ? {} : { to: r.toPath }),
          status: r.statusCode,
          ...(r.createdAt ? { created: r.createdAt } : {}),
        })),
      );
    }
  });
  await writeYamlList(path.join(folder, 'media.yaml'), (write) => store.archive.dumpMedia(write));
  // What a Markdown import remembers of the files it read (which file became which entity, by
  // slug) is made again by the import that reads these files: kept here, a round trip through
  // Markdown would add it to the next export, and it names files of an earlier folder.
  await writeYamlList(path.join(folder, 'import-sources.yaml'), (write) =>
    store.archive.dumpImportSources((rows) => write(rows.filter((row) => row.source !== MARKDOWN_SOURCE))),
  );
  // media/ is written only when there are files, and holds folders only where there are: an
  // instance whose media folder is missing, empty or has folders emptied by deletions exports
  // the same as one that never had any, so an export of an import of an export is the same again.
  const media = path.join(folder, 'media');
  let hasMedia = false;
  try {
    if ((await stat(options.mediaDir)).isDirectory()) {
      await cp(options.mediaDir, media, { recursive: true });
      hasMedia = !(await withoutEmptyFolders(media));
      if (!hasMedia) await rmdir(media);
    }
  } catch {
    // No media folder yet: nothing to copy.
  }
  return { articles: articleCount, pages: pages.length, media: hasMedia };
}

/** Removes the folders below `folder` that hold no file, however deep; returns whether it is empty. */
async function withoutEmptyFolders(folder: string): Promise<boolean> {
  let isEmpty = true;
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory() && (await withoutEmptyFolders(full))) await rmdir(full);
    else isEmpty = false;
  }
  return isEmpty;
}

/** Writes an entity's revisions (oldest first) beside it; an entity with none gets no file. */
async function writeHistory(file: string, revisions: unknown[] | undefined): Promise<void> {
  if (!revisions || revisions.length === 0) return;
  await writeFile(file, stringify(revisions, { lineWidth: 0 }));
}

/**
 * Writes a YAML list a batch at a time: the entries of each batch as `stringify` writes a list,
 * which concatenated make the one list; `[]` when there are none.
 */
async function writeYamlList(
  file: string,
  fill: (write: (entries: unknown[]) => Promise<void>) => Promise<void>,
): Promise<void> {
  const handle: FileHandle = await open(file, 'w');
  try {
    let isEmpty = true;
    await fill(async (entries) => {
      if (entries.length === 0) return;
      isEmpty = false;
      await handle.write(stringify(entries, { lineWidth: 0 }));
    });
    if (isEmpty) await handle.write(stringify([]));
  } finally {
    await handle.close();
  }
}

/**
 * Each comment's place in comments.yaml, which lists them by id, for replies that name their
 * parent by it. It remembers where each batch began (one entry per BATCH comments), not every
 * comment: a parent in an earlier batch is found by reading that batch's ids again.
 */
class CommentPlaces {
  private readonly store: Store;
  /** For each batch read: the id it was read after and the place of its first comment. */
  private readonly batches: { afterId: number; first: number }[] = [];
  private current = new Map<number, number>();
  private next = 0;
  private lastId = 0;
  private cached: { batch: number; ids: number[] } | null = null;

  constructor(store: Store) {
    this.store = store;
  }

  /** Notes the next batch of the list. */
  read(comments: Comment[]): void {
    this.batches.push({ afterId: this.lastId, first: this.next });
    this.current = new Map(comments.map((c, i) => [c.id, this.next + i]));
    this.next += comments.length;
    this.lastId = comments.at(-1)?.id ?? this.lastId;
  }

  /** The place of the comment with this id; null when there is no such comment. */
  async indexOf(id: number): Promise<number | null> {
    const here = this.current.get(id);
    if (here !== undefined) return here;
    if (id > this.lastId) return this.ahead(id);
    // The batch that holds it: the last one read after an id below it.
    let low = 0;
    let high = this.batches.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if ((this.batches[middle]?.afterId ?? 0) < id) low = middle;
      else high = middle - 1;
    }
    const batch = this.batches[low];
    if (!batch || low === this.batches.length - 1) return null;
    if (this.cached?.batch !== low)
      this.cached = { batch: low, ids: await this.store.comments.idsAfter(batch.afterId, BATCH) };
    const at = this.cached.ids.indexOf(id);
    return at < 0 ? null : batch.first + at;
  }

  /** A parent listed after its reply (imported out of order): counted from here on. */
  private async ahead(id: number): Promise<number | null> {
    let place = this.next;
    for (let afterId = this.lastId; ; ) {
      const ids = await this.store.comments.idsAfter(afterId, BATCH);
      const at = ids.indexOf(id);
      if (at >= 0) return place + at;
      const last = ids.at(-1);
      if (last === undefined || last > id) return null;
      place += ids.length;
      afterId = last;
    }
  }
}
