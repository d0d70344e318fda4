import { XMLParser, XMLValidator } from 'fast-xml-parser';
import Type from 'typebox';
import Value from 'typebox/value';

const RFC3339 = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$';
const Url = Type.String({ pattern: '^https?://' });
const Author = Type.Object(
  { name: Type.Optional(Type.String()), url: Type.Optional(Url), avatar: Type.Optional(Url) },
  { minProperties: 1 },
);

/** JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), as a schema. */
export const JsonFeed11 = Type.Object({
  version: Type.Literal('https://jsonfeed.org/version/1.1'),
  title: Type.String({ minLength: 1 }),
  home_page_url: Type.Optional(Url),
  feed_url: Type.Optional(Url),
  description: Type.Optional(Type.String()),
  user_comment: Type.Optional(Type.String()),
  next_url: Type.Optional(Url),
  icon: Type.Optional(Url),
  favicon: Type.Optional(Url),
  authors: Type.Optional(Type.Array(Author, { minItems: 1 })),
  language: Type.Optional(Type.String({ minLength: 2 })),
  expired: Type.Optional(Type.Boolean()),
  hubs: Type.Optional(Type.Array(Type.Object({ type: Type.String(), url: Url }))),
  items: Type.Array(
    Type.Union([
      Type.Object({ content_html: Type.String() }, { additionalProperties: true }),
      Type.Object({ content_text: Type.String() }, { additionalProperties: true }),
    ]),
  ),
});

export const JsonFeedItem = Type.Object({
  id: Type.String({ minLength: 1 }),
  url: Type.Optional(Url),
  external_url: Type.Optional(Url),
  title: Type.Optional(Type.String()),
  content_html: Type.Optional(Type.String()),
  content_text: Type.Optional(Type.String()),
  summary: Type.Optional(Type.String()),
  image: Type.Optional(Url),
  banner_image: Type.Optional(Url),
  date_published: Type.Optional(Type.String({ pattern: RFC3339 })),
  date_modified: Type.Optional(Type.String({ pattern: RFC3339 })),
  authors: Type.Optional(Type.Array(Author, { minItems: 1 })),
  tags: Type.Optional(Type.Array(Type.String())),
  language: Type.Optional(Type.String({ minLength: 2 })),
  attachments: Type.Optional(Type.Array(Type.Object({ url: Url, mime_type: Type.String() }))),
});

/** Every problem the JSON Feed 1.1 schema finds, as readable lines; empty when valid. */
export function jsonFeedProblems(feed: unknown): string[] {
  const problems = [...Value.Errors(JsonFeed11, feed)].map((e) => `${e.instancePath} ${e.message}`);
  const items = (feed as { items?: unknown[] }).items ?? [];
  items.forEach((item, i) => {
    for (const e of Value.Errors(JsonFeedItem, item))
      problems.push(`/items/${i}${e.instancePath} ${e.message}`);
  });
  return problems;
}

type Node = Record<string, unknown>;
const asArray = (v: unknown): Node[] =>
  v === undefined ? [] : Array.isArray(v) ? (v as Node[]) : [v as Node];
const text = (v: unknown): string =>
  typeof v === 'string'
    ? v
    : typeof v === 'object' && v !== null
      ? String((v as Node)['#text'] ?? '')
      : String(v ?? '');

/** Checks an Atom document against the required structure of RFC 4287; returns the problems found. */
export function atomProblems(xml: string): string[] {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return [`not well-formed: ${valid.err.msg}`];
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    cdataPropName: false,
  }).parse(xml) as Node;
  const feed = doc.feed as Node | undefined;
  if (!feed) return ['root element is not atom:feed'];
  const problems: string[] = [];
  if (feed['@xmlns'] !== 'http://www.w3.org/2005/Atom') problems.push('feed is not in the Atom namespace');
  const isRfc3339 = (v: unknown) => new RegExp(RFC3339).test(text(v));
  const isIri = (v: unknown) => /^[a-z][a-z0-9+.-]*:/i.test(text(v));
  for (const name of ['id', 'title', 'updated']) {
    if (asArray(feed[name]).length !== 1) problems.push(`feed must have exactly one ${name}`);
  }
  if (!isIri(feed.id)) problems.push('feed id is not an IRI');
  if (!isRfc3339(feed.updated)) problems.push('feed updated is not an RFC 3339 date');
  const feedLinks = asArray(feed.link);
  if (!feedLinks.some((l) => l['@rel'] === 'self')) problems.push('feed should have a rel=self link');
  const feedHasAuthor = asArray(feed.author).some((a) => text(a.name) !== '');
  asArray(feed.entry).forEach((entry, i) => {
    for (const name of ['id', 'title', 'updated']) {
      if (asArray(entry[name]).length !== 1) problems.push(`entry ${i} must have exactly one ${name}`);
    }
    if (!isIri(entry.id)) problems.push(`entry ${i} id is not an IRI`);
    if (!isRfc3339(entry.updated)) problems.push(`entry ${i} updated is not an RFC 3339 date`);
    if (entry.published !== undefined && !isRfc3339(entry.published))
      problems.push(`entry ${i} published is not an RFC 3339 date`);
    if (!feedHasAuthor && !asArray(entry.author).some((a) => text(a.name) !== ''))
      problems.push(`entry ${i} has no author and the feed has none`);
    const links = asArray(entry.link);
    if (entry.content === undefined && !links.some((l) => (l['@rel'] ?? 'alternate') === 'alternate'))
      problems.push(`entry ${i} has neither content nor an alternate link`);
    if (asArray(entry.content).length > 1) problems.push(`entry ${i} has several content elements`);
    const alternates = links.filter((l) => (l['@rel'] ?? 'alternate') === 'alternate');
    if (alternates.length > 1) problems.push(`entry ${i} has several alternate links of one type`);
  });
  return problems;
}
