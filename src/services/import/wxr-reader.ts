import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { AppError, Errors } from '../../errors.ts';
import { decodeUtf8Leniently, repairXml, type XmlRepairKind, type XmlRepairNote } from './xml-repair.ts';

/** A `<wp:author>` of the channel. */
export interface WxrAuthor {
  id: string | null;
  login: string;
  email: string | null;
  displayName: string | null;
  firstName: string | null;
  lastName: string | null;
  /** Not in WordPress's own exports, but written by several plugins. */
  description: string | null;
}

/** A category, tag or other term declared at channel level. */
export interface WxrTerm {
  id: string | null;
  taxonomy: string;
  slug: string;
  name: string;
  parentSlug: string | null;
  description: string | null;
}

/** A term attached to an item: `<category domain="…" nicename="…">Name</category>`. */
export interface WxrItemTerm {
  domain: string;
  nicename: string | null;
  name: string;
}

export interface WxrComment {
  id: string;
  author: string;
  authorEmail: string | null;
  authorUrl: string | null;
  dateGmt: string | null;
  date: string | null;
  content: string;
  approved: string;
  type: string;
  parent: string | null;
}

/** One `<item>`: a post, page, attachment or any other post type. */
export interface WxrItem {
  /** Where the item starts in the file, for messages. */
  line: number;
  postId: string | null;
  title: string;
  link: string | null;
  guid: string | null;
  pubDate: string | null;
  creator: string | null;
  content: string;
  excerpt: string;
  postDate: string | null;
  postDateGmt: string | null;
  postModified: string | null;
  postModifiedGmt: string | null;
  commentStatus: string | null;
  postName: string | null;
  status: string | null;
  postParent: string | null;
  menuOrder: string | null;
  postType: string;
  password: string | null;
  isSticky: boolean;
  attachmentUrl: string | null;
  terms: WxrItemTerm[];
  meta: { key: string; value: string }[];
  comments: WxrComment[];
}

export interface WxrChannel {
  wxrVersion: string;
  title: string | null;
  link: string | null;
  language: string | null;
  baseSiteUrl: string | null;
  baseBlogUrl: string | null;
  authors: WxrAuthor[];
  terms: WxrTerm[];
}

export interface WxrReadOptions {
  /** Called with every item, in file order, as soon as it is complete. */
  /** Each item, with the channel as read so far (WordPress writes the channel's fields first). */
  onItem(item: WxrItem, channel: Readonly<WxrChannel>): void;
  onProgress?(bytesRead: number, totalBytes: number): void;
  /** Longest text kept for one field (default MAX_FIELD_CHARS). */
  maxFieldChars?: number;
}

/** A record of the file that could not be read as what it claims to be, with the reason. */
export interface WxrRejected {
  kind: 'author' | 'term' | 'comment';
  line: number;
  reason: string;
}

export interface WxrReadResult {
  channel: WxrChannel;
  itemCount: number;
  /** Things read leniently (as WordPress's importer would), each with its place. */
  warnings: string[];
  /** Authors, terms and comments left out, each with its place and reason. */
  rejected: WxrRejected[];
}

/**
 * Namespaces older exports use without declaring them (WordPress.com wrote <atom:link> with no
 * xmlns:atom for years). WordPress's importer reads such files with a lenient parser that goes
 * by prefix; these are the URIs those prefixes always stand for.
 */
const KNOWN_PREFIXES: Record<string, string> = {
  atom: 'http://www.w3.org/2005/Atom',
  content: 'http://purl.org/rss/1.0/modules/content/',
  dc: 'http://purl.org/dc/elements/1.1/',
  wfw: 'http://wellformedweb.org/CommentAPI/',
  sy: 'http://purl.org/rss/1.0/modules/syndication/',
  slash: 'http://purl.org/rss/1.0/modules/slash/',
  media: 'http://search.yahoo.com/mrss/',
  georss: 'http://www.georss.org/georss',
  geo: 'http://www.w3.org/2003/01/geo/wgs84_pos#',
  itunes: 'http://www.itunes.com/dtds/podcast-1.0.dtd',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  opensearch: 'http://a9.com/-/spec/opensearch/1.1/',
};

const WP_NS = /^https?:\/\/wordpress\.org\/export\/1\.[0-9]+\/$/;
const EXCERPT_NS = /^https?:\/\/wordpress\.org\/export\/1\.[0-9]+\/excerpt\/$/;
const CONTENT_NS = 'http://purl.org/rss/1.0/modules/content/';
const DC_NS = 'http://purl.org/dc/elements/1.1/';

/** The longest text we keep for one field; a longer one is refused rather than read into memory. */
export const MAX_FIELD_CHARS = 32 * 1024 * 1024;
const MAX_DEPTH = 256;
// Small enough that each decoded piece stays out of V8's large-object space, which only a full
// collection frees: with 1 MB pieces the heap grows by hundreds of MB on a large file.
const CHUNK_BYTES = 32 * 1024;

type Ns = 'wp' | 'excerpt' | 'content' | 'dc' | '' | 'other';

function nsOf(uri: string): Ns {
  if (uri === '') return '';
  if (WP_NS.test(uri)) return 'wp';
  if (EXCERPT_NS.test(uri)) return 'excerpt';
  if (uri === CONTENT_NS) return 'content';
  if (uri === DC_NS) return 'dc';
  return 'other';
}

type RecordKind =
  | 'item'
  | 'author'
  | 'category'
  | 'tag'
  | 'term'
  | 'postmeta'
  | 'comment'
  | 'itemterm'
  | 'termmeta';

interface RecordFrame {
  kind: RecordKind;
  depth: number;
  line: number;
  /** The parser's position (in the repaired text) just after the record's start tag. */
  start: number;
  fields: Map<string, string>;
  attributes: Record<string, string>;
  item?: WxrItem;
  comment?: WxrComment;
}

/**
 * A copy of a string that shares no memory with the chunk it was cut from (the parser's strings
 * are slices of it, and keeping one would keep the whole chunk).
 */
function detached(text: string | undefined): string | null {
  return text === undefined ? null : Buffer.from(text, 'utf8').toString('utf8');
}

/** The error for a file that cannot be read, naming the place. */
export function wxrError(file: string, message: string, cause?: unknown): AppError {
  return Errors.IMPORT_FAILED({ file, reason: message }, { cause });
}

/**
 * Finds how a file is encoded: a byte-order mark, else the XML declaration's encoding, else UTF-8.
 * Throws when the declared encoding is one this runtime cannot decode.
 */
export function detectEncoding(head: Buffer, file: string): string {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  const ascii = head.toString('latin1');
  const declared = /^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(ascii)?.[1];
  if (!declared) return 'utf-8';
  try {
    return new TextDecoder(declared).encoding;
  } catch {
    throw wxrError(
      file,
      `line 1: the file declares the encoding "${declared}", which cannot be read; convert it to UTF-8`,
    );
  }
}

/**
 * Reads a WordPress export (WXR 1.0 to 1.2) as a stream: channel data is returned, items are
 * handed to `onItem` one at a time so memory stays flat however large the file.
 * Matches elements on namespace URI, never on prefix. Refuses DTD entity declarations and
 * malformed markup with the line and column (and the item it is in). The faults common in real
 * exports (bare `&`, control characters, HTML entities, invalid character references, stray
 * Latin-1 bytes in UTF-8) are repaired as WordPress's own lenient parser reads them, and each
 * place is reported (see {@link repairXml}).
 */
export async function readWxr(file: string, options: WxrReadOptions): Promise<WxrReadResult> {
  let totalBytes: number;
  let head: Buffer;
  try {
    const handle = await open(file, 'r');
    try {
      totalBytes = (await handle.stat()).size;
      head = Buffer.alloc(Math.min(totalBytes, 512));
      await handle.read(head, 0, head.length, 0);
    } finally {
      await handle.close();
    }
  } catch (cause) {
    throw Errors.IMPORT_FAILED({ reason: `Cannot read ${file}: ${whyUnreadable(cause)}` }, { cause });
  }
  if (totalBytes === 0) throw wxrError(file, 'the file is empty');
  const encoding = detectEncoding(head, file);
  // UTF-8 (nearly every export) is read leniently, as WordPress does; other encodings strictly.
  const lenient = encoding === 'utf-8' ? decodeUtf8Leniently() : null;
  const decoder = new TextDecoder(encoding, { fatal: true });

  const channel: WxrChannel = {
    wxrVersion: '',
    title: null,
    link: null,
    language: null,
    baseSiteUrl: null,
    baseBlogUrl: null,
    authors: [],
    terms: [],
  };
  const warnings: string[] = [];
  const rejected: WxrRejected[] = [];
  const undeclared = new Map<string, number>();
  let itemCount = 0;
  let rootName: string | null = null;
  let isInChannel = false;
  let depth = 0;
  const records: RecordFrame[] = [];
  // The direct child of a record whose text is being collected.
  let field: { key: string; depth: number; text: string; line: number } | null = null;
  let charsSinceEvent = 0;

  const parser = new SaxesParser({
    xmlns: true,
    position: true,
    fileName: file,
    // Called only for a prefix no element in scope declares; WordPress reads those by name.
    resolvePrefix: (prefix: string) => {
      if (prefix === '') return undefined;
      if (!undeclared.has(prefix)) undeclared.set(prefix, parser.line);
      return KNOWN_PREFIXES[prefix.toLowerCase()] ?? `urn:pressroom:undeclared:${prefix}`;
    },
  });
  const fail = (message: string): never => {
    throw wxrError(file, `line ${parser.line}, column ${parser.column + 1}: ${message}`);
  };

  parser.on('doctype', (doctype) => {
    if (/<!ENTITY/i.test(doctype))
      fail('the file declares XML entities in a DOCTYPE; exports never do, and entity expansion is refused');
    if (/\bSYSTEM\b|\bPUBLIC\b/.test(doctype)) fail('the file refers to an external DTD, which is refused');
  });

  parser.on('opentag', (tag: SaxesTagNS) => {
    charsSinceEvent = 0;
    depth += 1;
    if (depth > MAX_DEPTH) fail(`elements are nested more than ${MAX_DEPTH} deep`);
    const ns = nsOf(tag.uri);
    const local = tag.local;
    if (depth === 1) {
      rootName = tag.name;
      if (tag.name !== 'rss')
        fail(`this is not a WordPress export: the root element is <${tag.name}>, not <rss>`);
      return;
    }
    if (depth === 2) {
      if (ns === '' && local === 'channel') isInChannel = true;
      return;
    }
    if (!isInChannel) return;
    const top = records.at(-1);
    if (field) return; // markup inside a field: its text still goes to the field
    if (!top && depth === 3) {
      const kind = channelRecordKind(ns, local);
      if (kind) {
        records.push(newRecord(kind, depth, parser.line, tag));
        if (kind === 'item') itemCount += 1;
        return;
      }
      if (ns === 'wp' || ns === '') field = { key: `${ns}:${local}`, depth, text: '', line: parser.line };
      return;
    }
    if (top && depth === top.depth + 1) {
      const child = childRecordKind(top.kind, ns, local);
      if (child) {
        records.push(newRecord(child, depth, parser.line, tag));
        if (child === 'itemterm') field = { key: 'text', depth, text: '', line: parser.line };
        return;
      }
      if (ns !== 'other') field = { key: `${ns}:${local}`, depth, text: '', line: parser.line };
    }
  });

  const maxField = options.maxFieldChars ?? MAX_FIELD_CHARS;
  const addText = (text: string) => {
    charsSinceEvent = 0;
    if (!field) return;
    if (field.text.length + text.length > maxField)
      fail(`the element starting at line ${field.line} holds more than ${maxField} characters of text`);
    field.text += text;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);

  parser.on('closetag', () => {
    if (field && depth === field.depth) {
      const top = records.at(-1);
      if (top) {
        if (!top.fields.has(field.key)) top.fields.set(field.key, field.text);
      } else {
        setChannelField(channel, field.key, field.text);
      }
      field = null;
    }
    const top = records.at(-1);
    if (top && depth === top.depth) {
      records.pop();
      finishRecord(top, records.at(-1));
    }
    if (depth === 2) isInChannel = false;
    depth -= 1;
  });

  function finishRecord(record: RecordFrame, parent: RecordFrame | undefined): void {
    // Channel records live for the whole import; items are handed on and dropped.
    const f =
      record.kind === 'author' ||
      record.kind === 'category' ||
      record.kind === 'tag' ||
      record.kind === 'term'
        ? (key: string) => detached(record.fields.get(key))
        : (key: string) => record.fields.get(key) ?? null;
    switch (record.kind) {
      case 'item': {
        const item = itemFrom(record);
        repairLog.closeItem(item, { start: record.start, end: parser.position });
        options.onItem(item, channel);
        return;
      }
      case 'author': {
        const login = f('wp:author_login')?.trim();
        if (!login) {
          rejected.push({ kind: 'author', line: record.line, reason: 'has no wp:author_login' });
          return;
        }
        channel.authors.push({
          id: f('wp:author_id'),
          login,
          email: f('wp:author_email'),
          displayName: f('wp:author_display_name'),
          firstName: f('wp:author_first_name'),
          lastName: f('wp:author_last_name'),
          description: f('wp:author_description') ?? f('wp:author_bio'),
        });
        return;
      }
      case 'category':
      case 'tag':
      case 'term': {
        const term: WxrTerm =
          record.kind === 'category'
            ? {
                id: f('wp:term_id'),
                taxonomy: 'category',
                slug: f('wp:category_nicename') ?? '',
                name: f('wp:cat_name') ?? '',
                parentSlug: f('wp:category_parent'),
                description: f('wp:category_description'),
              }
            : record.kind === 'tag'
              ? {
                  id: f('wp:term_id'),
                  taxonomy: 'post_tag',
                  slug: f('wp:tag_slug') ?? '',
                  name: f('wp:tag_name') ?? '',
                  parentSlug: null,
                  description: f('wp:tag_description'),
                }
              : {
                  id: f('wp:term_id'),
                  taxonomy: f('wp:term_taxonomy') ?? '',
                  slug: f('wp:term_slug') ?? '',
                  name: f('wp:term_name') ?? '',
                  parentSlug: f('wp:term_parent'),
                  description: f('wp:term_description'),
                };
        term.slug = term.slug.trim();
        term.name = term.name.trim();
        term.parentSlug = term.parentSlug?.trim() || null;
        if (!term.taxonomy || (!term.slug && !term.name)) {
          rejected.push({
            kind: 'term',
            line: record.line,
            reason: 'has no taxonomy, or neither a name nor a slug',
          });
          return;
        }
        channel.terms.push(term);
        return;
      }
      case 'postmeta': {
        const key = f('wp:meta_key');
        if (parent?.item && key !== null) parent.item.meta.push({ key, value: f('wp:meta_value') ?? '' });
        return;
      }
      case 'itemterm': {
        if (!parent?.item) return;
        parent.item.terms.push({
          domain: record.attributes.domain ?? 'category',
          nicename: record.attributes.nicename ?? null,
          name: (f('text') ?? '').trim(),
        });
        return;
      }
      case 'comment': {
        if (!parent?.item) return;
        const id = f('wp:comment_id')?.trim();
        if (!id) {
          rejected.push({ kind: 'comment', line: record.line, reason: 'has no wp:comment_id' });
          return;
        }
        parent.item.comments.push({
          id,
          author: f('wp:comment_author') ?? '',
          authorEmail: f('wp:comment_author_email'),
          authorUrl: f('wp:comment_author_url'),
          date: f('wp:comment_date'),
          dateGmt: f('wp:comment_date_gmt'),
          content: f('wp:comment_content') ?? '',
          approved: (f('wp:comment_approved') ?? '1').trim(),
          type: (f('wp:comment_type') ?? '').trim(),
          parent: f('wp:comment_parent')?.trim() || null,
        });
        return;
      }
      case 'termmeta':
        return;
    }
  }

  function newRecord(kind: RecordKind, recordDepth: number, line: number, tag: SaxesTagNS): RecordFrame {
    const attributes: Record<string, string> = {};
    for (const attribute of Object.values(tag.attributes)) {
      if (attribute.uri === '') attributes[attribute.local] = attribute.value;
    }
    const frame: RecordFrame = {
      kind,
      depth: recordDepth,
      line,
      start: parser.position,
      fields: new Map(),
      attributes,
    };
    if (kind === 'item') frame.item = emptyItem(line);
    return frame;
  }

  let bytesRead = 0;
  let linesSeen = 1;
  const feed = (text: string) => {
    // saxes holds a text node until its end; a file with no markup for too long is refused
    // before it fills memory.
    charsSinceEvent += text.length;
    if (charsSinceEvent > maxField * 2 + CHUNK_BYTES)
      fail(`more than ${maxField} characters of text without any markup`);
    parser.write(text);
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) linesSeen += 1;
  };
  const repair = repairXml();
  const repairLog = new RepairLog();
  const repaired = (text: string, isLast = false) => {
    // The decoder's notes get their places in the repaired text, which the parser counts in.
    const out = repair.push(text, isLast, lenient?.takeNotes());
    repairLog.add(repair.takeNotes());
    return out;
  };
  try {
    const stream = createReadStream(file, { highWaterMark: CHUNK_BYTES });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let text: string;
      try {
        text = lenient ? lenient.decode(chunk) : decoder.decode(chunk, { stream: true });
      } catch (cause) {
        throw wxrError(
          file,
          `around line ${linesSeen + countLines(chunk, encoding)}: bytes that are not valid ${encoding.toUpperCase()} (byte offset ${bytesRead}–${bytesRead + chunk.length}); the file's encoding is wrong or it is damaged`,
          cause,
        );
      }
      bytesRead += chunk.length;
      feed(repaired(text));
      options.onProgress?.(bytesRead, totalBytes);
    }
    feed(repaired(lenient ? lenient.decode(new Uint8Array(0), true) : decoder.decode(), true));
    parser.close();
  } catch (error) {
    if (error instanceof AppError) throw error;
    const item = records.find((record) => record.kind === 'item');
    const message = error instanceof Error ? error.message : String(error);
    // saxes messages start with "file:line:column: "; keep its place, say it in words.
    const place = /:(\d+):(\d+): (.*)$/s.exec(message);
    const hint = /"\]\]>" is disallowed/.test(message)
      ? ' (a CDATA section nested in another is not well-formed XML; exports write "]]]]><![CDATA[>" instead)'
      : /unexpected close tag|unmatched closing tag|unclosed tag/.test(message)
        ? ' (the file is truncated or its elements are not properly nested)'
        : '';
    const where = place ? `line ${place[1]}, column ${place[2]}: ${place[3]}` : message;
    const inside = item
      ? ` (inside ${itemLabel(item.line, item.fields.get('wp:post_id'), item.fields.get(':title'))})`
      : '';
    throw wxrError(file, `${where}${hint}${inside}`, error);
  }
  if (rootName === null) throw wxrError(file, 'no XML element found');
  for (const [prefix, line] of undeclared) {
    const uri = KNOWN_PREFIXES[prefix.toLowerCase()];
    warnings.push(
      `the prefix "${prefix}:" is used without a namespace declaration (first at line ${line}); read leniently${uri ? ` as ${uri}` : ' and ignored'}, as WordPress's importer does`,
    );
  }
  repairLog.finish(warnings);
  if (!channel.wxrVersion) throw wxrError(file, 'this is not a WordPress export: it has no <wp:wxr_version>');
  if (!/^1\.[0-9]+$/.test(channel.wxrVersion.trim()))
    throw wxrError(file, `unsupported WXR version "${channel.wxrVersion.trim()}" (expected 1.0, 1.1 or 1.2)`);
  channel.wxrVersion = channel.wxrVersion.trim();
  return { channel, itemCount, warnings, rejected };
}

/** Names an item for messages: its line, and its post id and title when known. */
function itemLabel(
  line: number,
  postId: string | null | undefined,
  title: string | null | undefined,
): string {
  const id = postId?.trim();
  const name = title?.trim().replace(/\s+/g, ' ');
  const shown = name && name.length > 60 ? `${name.slice(0, 59)}…` : name;
  return `the item starting at line ${line}${id ? `, post ${id}` : ''}${shown ? ` “${shown}”` : ''}`;
}

/** How many places repaired are listed one by one; the rest are counted. */
const MAX_LISTED_REPAIRS = 100;

const REPAIR_WORDS: Record<XmlRepairKind, (n: number) => string> = {
  encoding: (n) => `${n} byte${n === 1 ? '' : 's'} that are not UTF-8 read as Windows-1252`,
  character: (n) => `${n} character${n === 1 ? '' : 's'} XML forbids removed`,
  entity: (n) => `${n} HTML entit${n === 1 ? 'y' : 'ies'} decoded`,
  reference: (n) => `${n} invalid character reference${n === 1 ? '' : 's'} dropped or read as Windows-1252`,
  ampersand: (n) => `${n} bare "&" read as a literal "&"`,
};

interface RepairGroup {
  label: string | null;
  first: number;
  last: number;
  kinds: Map<XmlRepairKind, { count: number; examples: Set<string>; lines: Set<number> }>;
}

/**
 * Gathers the repairs made to read a file leniently into one report line per item (or per
 * stretch between items), so a file with thousands of them still gives a short report. Memory
 * holds only the notes not yet attributed and the listed lines.
 */
class RepairLog {
  #pending: XmlRepairNote[] = [];
  #listed: string[] = [];
  #unlisted = 0;
  #totals = new Map<XmlRepairKind, number>();

  add(notes: XmlRepairNote[]): void {
    for (const note of notes) {
      this.#pending.push(note);
      this.#totals.set(note.kind, (this.#totals.get(note.kind) ?? 0) + 1);
    }
  }

  /**
   * Attributes the notes within `span` (offsets in the repaired text) to the item there, and
   * those before it to no item. By offset, not line: a minified export has many items a line.
   */
  closeItem(item: WxrItem, span: { start: number; end: number }): void {
    if (this.#pending.length === 0) return;
    const before: XmlRepairNote[] = [];
    const inside: XmlRepairNote[] = [];
    const after: XmlRepairNote[] = [];
    for (const note of this.#pending) {
      if (note.offset < span.start) before.push(note);
      else if (note.offset < span.end) inside.push(note);
      else after.push(note);
    }
    this.#pending = after;
    this.#list(null, before);
    this.#list(itemLabel(item.line, item.postId, item.title), inside);
  }

  finish(warnings: string[]): void {
    this.#list(null, this.#pending);
    this.#pending = [];
    const total = [...this.#totals.values()].reduce((a, b) => a + b, 0);
    if (total === 0) return;
    const kinds = [...this.#totals].map(([kind, n]) => REPAIR_WORDS[kind](n)).join('; ');
    warnings.push(
      `the file is not well-formed XML; it was read leniently, as WordPress's importer does: ${kinds}`,
    );
    warnings.push(...this.#listed);
    if (this.#unlisted > 0) warnings.push(`… and ${this.#unlisted} more places repaired`);
  }

  #list(label: string | null, notes: XmlRepairNote[]): void {
    if (notes.length === 0) return;
    if (this.#listed.length >= MAX_LISTED_REPAIRS) {
      this.#unlisted += 1;
      return;
    }
    const group: RepairGroup = { label, first: Infinity, last: 0, kinds: new Map() };
    for (const note of notes) {
      group.first = Math.min(group.first, note.line);
      group.last = Math.max(group.last, note.line);
      const entry = group.kinds.get(note.kind) ?? {
        count: 0,
        examples: new Set<string>(),
        lines: new Set<number>(),
      };
      entry.count += 1;
      if (entry.examples.size < 3) entry.examples.add(note.found);
      if (entry.lines.size < 4) entry.lines.add(note.line);
      group.kinds.set(note.kind, entry);
    }
    const lines = group.first === group.last ? `line ${group.first}` : `lines ${group.first}–${group.last}`;
    const what = [...group.kinds]
      .map(([kind, entry]) => {
        const at = [...entry.lines];
        const where =
          at.length === 1
            ? `line ${at[0]}`
            : `lines ${at.slice(0, 3).join(', ')}${at.length > 3 ? ', …' : ''}`;
        return `${REPAIR_WORDS[kind](entry.count)} (${[...entry.examples].join(', ')} at ${where})`;
      })
      .join('; ');
    this.#listed.push(`${lines}${group.label ? ` (in ${group.label})` : ''}: ${what}`);
  }
}

/** Counts newlines in the valid prefix of a chunk that failed to decode, to name the line. */
function countLines(chunk: Buffer, encoding: string): number {
  const text = new TextDecoder(encoding).decode(chunk);
  const bad = text.indexOf('\uFFFD');
  const prefix = bad === -1 ? text : text.slice(0, bad);
  return prefix.split('\n').length - 1;
}

function channelRecordKind(ns: Ns, local: string): RecordKind | null {
  if (ns === '' && local === 'item') return 'item';
  if (ns !== 'wp') return null;
  if (local === 'author') return 'author';
  if (local === 'category') return 'category';
  if (local === 'tag') return 'tag';
  if (local === 'term') return 'term';
  return null;
}

function childRecordKind(parent: RecordKind, ns: Ns, local: string): RecordKind | null {
  if (parent === 'item') {
    if (ns === '' && local === 'category') return 'itemterm';
    if (ns === 'wp' && local === 'postmeta') return 'postmeta';
    if (ns === 'wp' && local === 'comment') return 'comment';
  }
  if ((parent === 'category' || parent === 'tag' || parent === 'term') && ns === 'wp' && local === 'termmeta')
    return 'termmeta';
  if (parent === 'comment' && ns === 'wp' && local === 'commentmeta') return 'termmeta';
  return null;
}

function setChannelField(channel: WxrChannel, key: string, text: string): void {
  const value = text.trim();
  if (key === 'wp:wxr_version' && !channel.wxrVersion) channel.wxrVersion = detached(value) || ' ';
  else if (key === 'wp:base_site_url') channel.baseSiteUrl ??= detached(value) || null;
  else if (key === 'wp:base_blog_url') channel.baseBlogUrl ??= detached(value) || null;
  else if (key === ':title') channel.title ??= detached(value) || null;
  else if (key === ':link') channel.link ??= detached(value) || null;
  else if (key === ':language') channel.language ??= detached(value) || null;
}

function emptyItem(line: number): WxrItem {
  return {
    line,
    postId: null,
    title: '',
    link: null,
    guid: null,
    pubDate: null,
    creator: null,
    content: '',
    excerpt: '',
    postDate: null,
    postDateGmt: null,
    postModified: null,
    postModifiedGmt: null,
    commentStatus: null,
    postName: null,
    status: null,
    postParent: null,
    menuOrder: null,
    postType: 'post',
    password: null,
    isSticky: false,
    attachmentUrl: null,
    terms: [],
    meta: [],
    comments: [],
  };
}

function itemFrom(record: RecordFrame): WxrItem {
  const item = record.item ?? emptyItem(record.line);
  const f = (key: string) => {
    const value = record.fields.get(key);
    return value === undefined ? null : value;
  };
  const trimmed = (key: string) => f(key)?.trim() || null;
  item.postId = trimmed('wp:post_id');
  item.title = (f(':title') ?? '').trim();
  item.link = trimmed(':link');
  item.guid = trimmed(':guid');
  item.pubDate = trimmed(':pubDate');
  item.creator = trimmed('dc:creator');
  item.content = f('content:encoded') ?? '';
  item.excerpt = f('excerpt:encoded') ?? '';
  item.postDate = trimmed('wp:post_date');
  item.postDateGmt = trimmed('wp:post_date_gmt');
  item.postModified = trimmed('wp:post_modified');
  item.postModifiedGmt = trimmed('wp:post_modified_gmt');
  item.commentStatus = trimmed('wp:comment_status');
  item.postName = trimmed('wp:post_name');
  item.status = trimmed('wp:status');
  item.postParent = trimmed('wp:post_parent');
  item.menuOrder = trimmed('wp:menu_order');
  item.postType = trimmed('wp:post_type') ?? 'post';
  item.password = trimmed('wp:post_password');
  item.isSticky = trimmed('wp:is_sticky') === '1';
  item.attachmentUrl = trimmed('wp:attachment_url');
  return item;
}

/** Why a file could not be opened, in words (a folder given for a file is a common slip). */
function whyUnreadable(cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a folder, not a file';
  return cause instanceof Error ? cause.message : String(cause);
}
