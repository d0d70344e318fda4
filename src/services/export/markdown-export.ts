import { cp, mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Store } from '../../domain/ports/store.ts';

/**
 * Writes the publication as a folder of Markdown files with YAML front matter, in the shape
 * `pressroom import markdown` reads back whole: articles/ and pages/, people.yaml,
 * taxonomies.yaml (terms with their slugs), comments.yaml, redirects.yaml, settings.yaml and
 * media/.
 */
export async function exportMarkdown(
  store: Store,
  folder: string,
  options: { mediaDir: string },
): Promise<{ articles: number; pages: number; media: boolean }> {
  await mkdir(path.join(folder, 'articles'), { recursive: true });
  await mkdir(path.join(folder, 'pages'), { recursive: true });
  const [articles, people, taxonomies, terms, pages, settings, comments, redirects] = await Promise.all([
    store.articles.listAll(),
    store.people.list(),
    store.taxonomies.listTaxonomies(),
    store.taxonomies.listTerms(),
    store.pages.list(),
    store.settings.getAll(),
    store.comments.listAll(),
    store.redirects.list(),
  ]);
  const personById = new Map(people.map((p) => [p.id, p]));
  const termById = new Map(terms.map((t) => [t.id, t]));
  const taxonomyById = new Map(taxonomies.map((t) => [t.id, t]));
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
      ['created', article.createdAt],
      ['updated', article.updatedAt],
    ];
    for (const [key, value] of optional) if (value !== null && value !== undefined) front[key] = value;
    await writeFile(
      path.join(folder, 'articles', `${article.slug}.md`),
      `---\n${stringify(front, { lineWidth: 0 })}---\n\n${article.bodyMarkdown}\n`,
    );
  }
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
  }
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
          })),
      })),
      { lineWidth: 0 },
    ),
  );
  const articleSlug = new Map(articles.map((a) => [a.id, a.slug]));
  // A reply names its parent by the parent's place in this list.
  const commentIndex = new Map(comments.map((c, index) => [c.id, index]));
  await writeFile(
    path.join(folder, 'comments.yaml'),
    stringify(
      comments.map((c) => ({
        article: articleSlug.get(c.articleId) ?? null,
        parent: c.parentId === null ? null : (commentIndex.get(c.parentId) ?? null),
        author: c.authorName,
        email: c.authorEmail,
        url: c.authorUrl,
        body: c.body,
        status: c.status,
        kind: c.kind,
        created: c.createdAt,
        source: c.sourceId,
      })),
      { lineWidth: 0 },
    ),
  );
  await writeFile(
    path.join(folder, 'redirects.yaml'),
    stringify(
      // A gone address (a deleted article) leads nowhere: it has a status and no target.
      redirects.map((r) =>
        r.statusCode === 410
          ? { from: r.fromPath, status: r.statusCode }
          : { from: r.fromPath, to: r.toPath, status: r.statusCode },
      ),
      { lineWidth: 0 },
    ),
  );
  let hasMedia = false;
  try {
    if ((await stat(options.mediaDir)).isDirectory()) {
      await cp(options.mediaDir, path.join(folder, 'media'), { recursive: true });
      hasMedia = true;
    }
  } catch {
    // No media folder yet: nothing to copy.
  }
  return { articles: articles.length, pages: pages.length, media: hasMedia };
}
