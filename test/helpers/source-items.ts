import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * Counts the items of import files with parsers the importers do not use, so a test can check
 * that every item of a file shows up in the import report exactly once.
 */

const WP_NS = /^https?:\/\/wordpress\.org\/export\/1\.[0-9]+\/$/;

type Node = Record<string, unknown>;

/** Whether a strict reading finds the text well-formed XML. */
export function isWellFormedXml(text: string): boolean {
  return XMLValidator.validate(text) === true;
}

/** The items of a WXR file by kind, with the post ids of its <item>s (read leniently, as WordPress does). */
export function wxrSourceItems(text: string): {
  counts: Record<'item' | 'author' | 'term' | 'comment', number>;
  postIds: string[];
} {
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    processEntities: false,
    htmlEntities: false,
    parseTagValue: false,
    trimValues: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
  });
  const doc = parser.parse(text) as Node[];
  const counts = { item: 0, author: 0, term: 0, comment: 0 };
  const postIds: string[] = [];
  const tagOf = (node: Node) => Object.keys(node).find((key) => key !== ':@') ?? '';
  const childrenOf = (node: Node) => (node[tagOf(node)] as Node[] | undefined) ?? [];
  const scopeOf = (node: Node, parent: Map<string, string>) => {
    const attributes = (node[':@'] ?? {}) as Record<string, string>;
    const scope = new Map(parent);
    for (const [name, value] of Object.entries(attributes)) {
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
  for (const root of doc) {
    if (tagOf(root) !== 'rss') continue;
    const rootScope = scopeOf(root, new Map());
    for (const channel of childrenOf(root)) {
      const channelScope = scopeOf(channel, rootScope);
      const channelName = nameOf(channel, channelScope);
      if (channelName.uri !== '' || channelName.local !== 'channel') continue;
      for (const record of childrenOf(channel)) {
        if (tagOf(record).startsWith('#')) continue;
        const scope = scopeOf(record, channelScope);
        const { uri, local } = nameOf(record, scope);
        if (uri === '' && local === 'item') {
          counts.item += 1;
          let postId: string | null = null;
          for (const child of childrenOf(record)) {
            if (tagOf(child).startsWith('#')) continue;
            const childName = nameOf(child, scopeOf(child, scope));
            if (!WP_NS.test(childName.uri)) continue;
            if (childName.local === 'comment') counts.comment += 1;
            // The first one counts, as in WordPress's own parser.
            if (childName.local === 'post_id') postId ??= textOf(child).trim();
          }
          if (postId !== null) postIds.push(postId);
        } else if (WP_NS.test(uri)) {
          if (local === 'author') counts.author += 1;
          if (local === 'category' || local === 'tag' || local === 'term') counts.term += 1;
        }
      }
    }
  }
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
