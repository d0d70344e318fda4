import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * Counts the items of import files with parsers the importers do not use, so a test can check
 * that every item of a file shows up in the import report exactly once.
 */

const WP_NS = /^https?:\/\/wordpress\.org\/export\/1\.[0-9]+\/$/;
const DC_NS = 'http://purl.org/dc/elements/1.1/';

type Node = Record<string, unknown>;

/** Whether a strict reading finds the text well-formed XML. */
export function isWellFormedXml(text: string): boolean {
  return XMLValidator.validate(text) === true;
}

/** A WXR item as read here: what the import tests compare with what was stored. */
export interface ParsedWxrItem {
  postId: string | null;
  postType: string;
  status: string | null;
  title: string;
  creator: string | null;
  terms: { domain: string; nicename: string | null; name: string }[];
  comments: { id: string | null; content: string }[];
}

/** A WXR document read with fast-xml-parser (leniently, as WordPress does), namespaces resolved by URI. */
export interface ParsedWxr {
  channel: {
    link: string | null;
    baseSiteUrl: string | null;
    baseBlogUrl: string | null;
    authors: { login: string; displayName: string | null }[];
  };
  items: ParsedWxrItem[];
  counts: Record<'item' | 'author' | 'term' | 'comment', number>;
  /** The first wp:post_id of each item that has one. */
  postIds: string[];
}

export function parseWxrDocument(text: string): ParsedWxr {
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    processEntities: true,
    // Character references (&#039;) are XML too; fast-xml-parser decodes them under this flag.
    htmlEntities: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
  });
  const doc = parser.parse(text) as Node[];
  const result: ParsedWxr = {
    channel: { link: null, baseSiteUrl: null, baseBlogUrl: null, authors: [] },
    items: [],
    counts: { item: 0, author: 0, term: 0, comment: 0 },
    postIds: [],
  };
  const tagOf = (node: Node) => Object.keys(node).find((key) => key !== ':@') ?? '';
  const childrenOf = (node: Node) => (node[tagOf(node)] as Node[] | undefined) ?? [];
  const attributesOf = (node: Node) => (node[':@'] ?? {}) as Record<string, string>;
  const scopeOf = (node: Node, parent: Map<string, string>) => {
    const scope = new Map(parent);
    for (const [name, value] of Object.entries(attributesOf(node))) {
      if (name === 'xmlns') scope.set('', value);
      else if (name.startsWith('xmlns:')) scope.set(name.slice(6), value);
    }
    return scope;
  };
  const nameOf = (node: Node, scope: Map<string, string>) => {
    const tag = tagOf(node);
    const colon = tag.indexOf(':');
    const prefix = colon === -1 ? '' : tag.slice(0, colon);
    return { uri: scope.get(prefix) ?? '', local: colon === -1 ? tag : tag.slice(colon + 1) };
  };
  const textOf = (node: Node): string =>
    childrenOf(node)
      .map((child) => {
        if ('#text' in child) return String(child['#text']);
        if ('#cdata' in child) return childrenOf(child).map(textOf).join('');
        return '';
      })
      .join('');
  /** The elements below a node, each with its resolved name and scope, skipping text. */
  const elements = (node: Node, scope: Map<string, string>) =>
    childrenOf(node)
      .filter((child) => !tagOf(child).startsWith('#'))
      .map((child) => {
        const own = scopeOf(child, scope);
        return { node: child, scope: own, ...nameOf(child, own) };
      });
  /** The text of the first child in the WordPress namespace with that name. */
  const wpField = (node: Node, scope: Map<string, string>, local: string): string | null => {
    const hit = elements(node, scope).find((e) => WP_NS.test(e.uri) && e.local === local);
    return hit ? textOf(hit.node) : null;
  };
  for (const root of doc) {
    if (tagOf(root) !== 'rss') continue;
    const rootScope = scopeOf(root, new Map());
    for (const channel of elements(root, rootScope)) {
      if (channel.uri !== '' || channel.local !== 'channel') continue;
      for (const record of elements(channel.node, channel.scope)) {
        const { uri, local, node, scope } = record;
        if (uri === '' && local === 'link') result.channel.link ??= textOf(node).trim() || null;
        if (WP_NS.test(uri) && local === 'base_site_url')
          result.channel.baseSiteUrl ??= textOf(node).trim() || null;
        if (WP_NS.test(uri) && local === 'base_blog_url')
          result.channel.baseBlogUrl ??= textOf(node).trim() || null;
        if (uri === '' && local === 'item') {
          result.counts.item += 1;
          const children = elements(node, scope);
          const first = (test: (e: (typeof children)[number]) => boolean) => {
            const hit = children.find(test);
            return hit ? textOf(hit.node) : null;
          };
          const postId = first((e) => WP_NS.test(e.uri) && e.local === 'post_id')?.trim() ?? null;
          if (postId !== null) result.postIds.push(postId);
          const comments = children
            .filter((e) => WP_NS.test(e.uri) && e.local === 'comment')
            .map((e) => ({
              id: wpField(e.node, e.scope, 'comment_id')?.trim() || null,
              content: wpField(e.node, e.scope, 'comment_content') ?? '',
            }));
          result.counts.comment += comments.length;
          result.items.push({
            postId,
            postType: first((e) => WP_NS.test(e.uri) && e.local === 'post_type')?.trim() || 'post',
            status: first((e) => WP_NS.test(e.uri) && e.local === 'status')?.trim() || null,
            title: first((e) => e.uri === '' && e.local === 'title') ?? '',
            creator: first((e) => e.uri === DC_NS && e.local === 'creator')?.trim() || null,
            terms: children
              .filter((e) => e.uri === '' && e.local === 'category')
              .map((e) => ({
                domain: attributesOf(e.node).domain ?? 'category',
                nicename: attributesOf(e.node).nicename ?? null,
                name: textOf(e.node).trim(),
              })),
            comments,
          });
        } else if (WP_NS.test(uri)) {
          if (local === 'author') {
            result.counts.author += 1;
            const login = wpField(node, scope, 'author_login')?.trim();
            if (login)
              result.channel.authors.push({
                login,
                displayName: wpField(node, scope, 'author_display_name'),
              });
          }
          if (local === 'category' || local === 'tag' || local === 'term') result.counts.term += 1;
        }
      }
    }
  }
  return result;
}

/** The items of a WXR file by kind, with the post ids of its <item>s (read leniently, as WordPress does). */
export function wxrSourceItems(text: string): {
  counts: Record<'item' | 'author' | 'term' | 'comment', number>;
  postIds: string[];
} {
  const { counts, postIds } = parseWxrDocument(text);
  return { counts, postIds };
}

/** The posts, users and tags of a Ghost export, wrapped ({ db: [{ data }] }) or flat ({ data }). */
export function ghostSourceItems(text: string): Record<'post' | 'user' | 'tag', number> | null {
  let json: { db?: { data?: Node }[]; data?: Node };
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, '')) as typeof json;
  } catch {
    return null;
  }
  const data = json.db?.[0]?.data ?? json.data;
  if (!data) return null;
  const length = (key: string) => (Array.isArray(data[key]) ? (data[key] as unknown[]).length : 0);
  return { post: length('posts'), user: length('users'), tag: length('tags') };
}
