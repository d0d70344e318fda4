import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { slugify } from '../domain/slug.ts';
import type { ServiceContext } from './context.ts';
import type { ImportReport } from './import/markdown.ts';
import { savePageIn } from './pages.ts';
import { updateSettingsIn } from './settings.ts';
import { findOrCreateTerm } from './taxonomies.ts';

/** The demo publication shipped with the project (original texts, marked as demo content). */
export const DEMO_CONTENT_DIR = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'demo',
  'content',
);

/** Whether the publication has no articles and no pages yet. */
export async function isPublicationEmpty(ctx: ServiceContext): Promise<boolean> {
  const [hasArticles, pages] = await Promise.all([ctx.store.articles.hasAny(), ctx.store.pages.list()]);
  return !hasArticles && pages.length === 0;
}

interface TermSpec {
  description?: string;
  parent?: string;
}

/** Loads the demo publication: settings, term descriptions, pages, then articles. */
export async function seedDemo(ctx: ServiceContext, dir = DEMO_CONTENT_DIR): Promise<ImportReport> {
  // Loaded here, not at start-up: only an empty database needs the YAML reader and the importer.
  const [{ parse: parseYaml }, { importMarkdown }] = await Promise.all([
    import('yaml'),
    import('./import/markdown.ts'),
  ]);
  const settings = parseYaml(await readFile(path.join(dir, 'settings.yaml'), 'utf8')) as Record<
    string,
    string
  >;
  const terms = parseYaml(await readFile(path.join(dir, 'terms.yaml'), 'utf8')) as Record<
    string,
    Record<string, TermSpec>
  >;
  const pageFiles = (await readdir(path.join(dir, 'pages'))).filter((f) => f.endsWith('.md')).sort();
  const pages = await Promise.all(
    pageFiles.map(async (f) => readPage(await readFile(path.join(dir, 'pages', f), 'utf8'), parseYaml)),
  );

  await ctx.store.transaction(async (repos) => {
    const now = ctx.now();
    await updateSettingsIn(repos, settings, { actor: 'demo', now });
    const taxonomies = await repos.taxonomies.listTaxonomies();
    for (const [taxonomySlug, entries] of Object.entries(terms)) {
      const taxonomy = taxonomies.find((t) => t.slug === taxonomySlug);
      if (!taxonomy) continue;
      // Parents first, so children can point at them.
      const ordered = Object.entries(entries).sort(
        ([, a], [, b]) => Number(Boolean(a.parent)) - Number(Boolean(b.parent)),
      );
      for (const [name, spec] of ordered) {
        await findOrCreateTerm(
          repos,
          taxonomy,
          { name, description: spec.description, parentName: spec.parent },
          now,
        );
      }
    }
    let position = 1;
    for (const page of pages) {
      await savePageIn(
        repos,
        { ...page, status: 'published', showInNavigation: true, position: position++ },
        { actor: 'demo', now },
      );
    }
  });
  const report = await importMarkdown(ctx, path.join(dir, 'articles'), { actor: 'demo' });
  ctx.changes.publish({ kind: 'everything' });
  return report;
}

function readPage(
  text: string,
  parseYaml: (text: string) => unknown,
): { slug: string; title: string; bodyMarkdown: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(text);
  const meta = (match ? parseYaml(match[1] ?? '') : {}) as { title?: string; slug?: string };
  const title = meta.title ?? 'Untitled';
  return {
    title,
    slug: meta.slug ?? slugify(title),
    bodyMarkdown: match ? text.slice(match[0].length).trim() : text,
  };
}
