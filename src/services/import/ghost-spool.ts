import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { originalImageOf, type PlacedImage } from './ghost-images.ts';
import type { GhostOrigin, GhostTable } from './ghost-reader.ts';

type Row = Record<string, unknown>;

/** Rows read per query when the spool is read back. */
const PAGE = 200;
/** Rows written per transaction while spooling. */
const CHUNK = 1000;

function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return null;
}

/**
 * The rows of a Ghost export between reading and writing, in a scratch SQLite file in a
 * temporary folder (not the publication's database, which must not be touched until the file
 * has been read whole). Writing a post needs what the file says anywhere else: its tags and
 * authors (posts_tags, posts_authors, usually after the posts), the people and terms its users
 * and tags became, whether its id was used before, where its images now live. An indexed file
 * answers each of those at the same cost at any size, where maps of every id would grow with
 * the archive. Rows of both places a file may keep its data (db[0] and the top) are kept until
 * the end of the file says which one it meant.
 */
export class GhostSpool {
  private readonly dir: string;
  private readonly db: SqliteDatabase.Database;
  private readonly statements: Record<string, SqliteDatabase.Statement>;
  private uncommitted = 0;

  constructor() {
    this.dir = mkdtempSync(path.join(tmpdir(), 'pressroom-ghost-'));
    try {
      this.db = new SqliteDatabase(path.join(this.dir, 'rows.db'));
      // A scratch file thrown away at the end: nothing to recover after a crash.
      this.db.pragma('journal_mode = OFF');
      this.db.pragma('synchronous = OFF');
      this.db.exec(`
        CREATE TABLE rows (seq INTEGER PRIMARY KEY, origin TEXT NOT NULL, kind TEXT NOT NULL,
          is_repeat INTEGER NOT NULL, row TEXT NOT NULL);
        CREATE INDEX rows_kind ON rows (origin, kind, seq);
        CREATE TABLE seen (origin TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (origin, id)) WITHOUT ROWID;
        CREATE TABLE links (seq INTEGER PRIMARY KEY, origin TEXT NOT NULL, kind TEXT NOT NULL,
          post_id TEXT NOT NULL, target_id TEXT NOT NULL, sort_order REAL NOT NULL);
        CREATE INDEX links_post ON links (origin, kind, post_id, sort_order, seq);
        CREATE TABLE images (origin TEXT NOT NULL, path TEXT NOT NULL, original TEXT NOT NULL, url TEXT,
          outcome TEXT, reason TEXT, PRIMARY KEY (origin, path)) WITHOUT ROWID;
        CREATE INDEX images_original ON images (origin, original, path);
        CREATE TABLE image_users (seq INTEGER PRIMARY KEY, origin TEXT NOT NULL, original TEXT NOT NULL,
          label TEXT NOT NULL);
        CREATE UNIQUE INDEX image_users_label ON image_users (origin, original, label);
        CREATE TABLE meta (origin TEXT NOT NULL, post_id TEXT NOT NULL, row TEXT NOT NULL,
          PRIMARY KEY (origin, post_id)) WITHOUT ROWID;
        CREATE TABLE made (kind TEXT NOT NULL, source_id TEXT NOT NULL, entity_id INTEGER NOT NULL,
          PRIMARY KEY (kind, source_id)) WITHOUT ROWID;
        CREATE TABLE slugs (origin TEXT NOT NULL, slug TEXT NOT NULL, post_id TEXT NOT NULL,
          is_page INTEGER NOT NULL, path TEXT, PRIMARY KEY (origin, slug)) WITHOUT ROWID;
        CREATE TABLE relinks (kind TEXT NOT NULL, id INTEGER NOT NULL, item INTEGER, PRIMARY KEY (kind, id)) WITHOUT ROWID;
        CREATE TABLE ids (key TEXT PRIMARY KEY) WITHOUT ROWID;
      `);
    } catch (error) {
      rmSync(this.dir, { recursive: true, force: true });
      throw error;
    }
    const prepare = (sql: string) => this.db.prepare(sql);
    this.statements = {
      insertRow: prepare('INSERT INTO rows (origin, kind, is_repeat, row) VALUES (?, ?, ?, ?)'),
      insertSeen: prepare('INSERT OR IGNORE INTO seen (origin, id) VALUES (?, ?)'),
      insertLink: prepare(
        'INSERT INTO links (origin, kind, post_id, target_id, sort_order) VALUES (?, ?, ?, ?, ?)',
      ),
      insertImage: prepare('INSERT OR IGNORE INTO images (origin, path, original) VALUES (?, ?, ?)'),
      insertImageUser: prepare(
        'INSERT OR IGNORE INTO image_users (origin, original, label) VALUES (?, ?, ?)',
      ),
      selectImageUsers: prepare(
        'SELECT label FROM image_users WHERE origin = ? AND original = ? ORDER BY seq LIMIT ?',
      ),
      countImageUsers: prepare('SELECT count(*) AS n FROM image_users WHERE origin = ? AND original = ?'),
      selectRows: prepare(
        'SELECT seq, is_repeat, row FROM rows WHERE origin = ? AND kind = ? AND seq > ? ORDER BY seq LIMIT ?',
      ),
      countRows: prepare('SELECT count(*) AS n FROM rows WHERE origin = ? AND kind = ?'),
      selectLinks: prepare(
        'SELECT target_id FROM links WHERE origin = ? AND kind = ? AND post_id = ? ORDER BY sort_order, seq',
      ),
      selectImages: prepare(
        'SELECT path, original, url, outcome, reason FROM images WHERE origin = ? AND (original, path) > (?, ?) ORDER BY original, path LIMIT ?',
      ),
      countImages: prepare('SELECT count(*) AS n FROM images WHERE origin = ?'),
      placeImage: prepare('UPDATE images SET url = ?, outcome = ?, reason = ? WHERE origin = ? AND path = ?'),
      selectImageUrl: prepare('SELECT url FROM images WHERE origin = ? AND path = ?'),
      putMeta: prepare('INSERT OR REPLACE INTO meta (origin, post_id, row) VALUES (?, ?, ?)'),
      selectMeta: prepare('SELECT row FROM meta WHERE origin = ? AND post_id = ?'),
      putMade: prepare('INSERT OR REPLACE INTO made (kind, source_id, entity_id) VALUES (?, ?, ?)'),
      selectMade: prepare('SELECT entity_id FROM made WHERE kind = ? AND source_id = ?'),
      insertSlug: prepare('INSERT OR IGNORE INTO slugs (origin, slug, post_id, is_page) VALUES (?, ?, ?, ?)'),
      selectSlug: prepare('SELECT post_id, is_page, path FROM slugs WHERE origin = ? AND slug = ?'),
      setPath: prepare('UPDATE slugs SET path = ? WHERE origin = ? AND post_id = ?'),
      insertRelink: prepare('INSERT OR IGNORE INTO relinks (kind, id, item) VALUES (?, ?, ?)'),
      insertId: prepare('INSERT OR IGNORE INTO ids (key) VALUES (?)'),
      selectId: prepare('SELECT 1 AS found FROM ids WHERE key = ?'),
    };
    this.db.exec('BEGIN');
  }

  private run(name: string, ...values: unknown[]): SqliteDatabase.RunResult {
    return (this.statements[name] as SqliteDatabase.Statement).run(...values);
  }

  private all<T>(name: string, ...values: unknown[]): T[] {
    return (this.statements[name] as SqliteDatabase.Statement).all(...values) as T[];
  }

  private get<T>(name: string, ...values: unknown[]): T | undefined {
    return (this.statements[name] as SqliteDatabase.Statement).get(...values) as T | undefined;
  }

  /**
   * Adds the next row of one of the file's lists. Posts, users and tags are kept whole (but a
   * post keeps only the body the import reads, see `keptBody`); the join lists as indexed links.
   * `usedBy` names the row (a post or user) that refers to `imagePaths`, for the report.
   */
  add(table: GhostTable, row: Row, origin: GhostOrigin, imagePaths: string[], usedBy?: string): void {
    if (table === 'posts_tags' || table === 'posts_authors') {
      const postId = text(row.post_id);
      const targetId = text(table === 'posts_tags' ? row.tag_id : row.author_id);
      if (!postId || !targetId) return;
      const order = Number(row.sort_order ?? 0);
      this.run('insertLink', origin, table, postId, targetId, Number.isFinite(order) ? order : 0);
    } else if (table === 'posts_meta') {
      // Ghost 5 keeps a post's feature image alt text and caption here, not on the post.
      const postId = text(row.post_id);
      if (postId) this.run('putMeta', origin, postId, JSON.stringify(row));
    } else {
      const id = table === 'posts' ? text(row.id) : null;
      const ownId = text(row.id);
      const prefix = ID_PREFIXES[table];
      if (ownId !== null && prefix) this.run('insertId', `${prefix}:${ownId}`);
      // A later post with an id an earlier one used is imported separately (see ghost.ts).
      const isRepeat = id !== null && this.run('insertSeen', origin, id).changes === 0;
      this.run('insertRow', origin, table, isRepeat ? 1 : 0, JSON.stringify(row));
      const slug = text(row.slug)?.trim().toLowerCase();
      if (id !== null && !isRepeat && slug)
        this.run('insertSlug', origin, slug, id, isGhostPage(row) ? 1 : 0);
    }
    for (const imagePath of imagePaths) {
      const original = originalImageOf(imagePath);
      this.run('insertImage', origin, imagePath, original);
      if (usedBy) this.run('insertImageUser', origin, original, usedBy);
    }
    this.wrote();
  }

  /**
   * Counts a write, committing every CHUNK. Writes are grouped in transactions in both phases,
   * as the WordPress spool's are: each write of the writing phase (where an image went, what a
   * user, tag or post became) on its own was a commit of its own.
   */
  private wrote(): void {
    this.uncommitted += 1;
    if (this.uncommitted >= CHUNK) {
      this.db.exec('COMMIT; BEGIN');
      this.uncommitted = 0;
    }
  }

  /** Ends the reading phase: what was read is committed, and the writing phase's writes are grouped in their turn. */
  finish(): void {
    if (this.db.inTransaction) this.db.exec('COMMIT');
    this.db.exec('BEGIN');
    this.uncommitted = 0;
  }

  /** How many rows of a list the file has. */
  count(origin: GhostOrigin, table: 'posts' | 'users' | 'tags'): number {
    return this.get<{ n: number }>('countRows', origin, table)?.n ?? 0;
  }

  /** The rows of a list in file order, read back a page at a time. */
  *rows(origin: GhostOrigin, table: 'posts' | 'users' | 'tags'): Generator<{ row: Row; isRepeat: boolean }> {
    let after = 0;
    for (;;) {
      const page = this.all<{ seq: number; is_repeat: number; row: string }>(
        'selectRows',
        origin,
        table,
        after,
        PAGE,
      );
      for (const entry of page) yield { row: JSON.parse(entry.row) as Row, isRepeat: entry.is_repeat === 1 };
      const last = page.at(-1);
      if (!last || page.length < PAGE) return;
      after = last.seq;
    }
  }

  /** The tag or author ids a post is linked to, in sort_order (file order among equals). */
  linked(origin: GhostOrigin, table: 'posts_tags' | 'posts_authors', postId: string): string[] {
    return this.all<{ target_id: string }>('selectLinks', origin, table, postId).map((r) => r.target_id);
  }

  /** The post's posts_meta row (Ghost 5), if the file has one. */
  postMeta(origin: GhostOrigin, postId: string): Row | undefined {
    const found = this.get<{ row: string }>('selectMeta', origin, postId);
    return found ? (JSON.parse(found.row) as Row) : undefined;
  }

  /** How many distinct images the file refers to. */
  imageCount(origin: GhostOrigin): number {
    return this.get<{ n: number }>('countImages', origin)?.n ?? 0;
  }

  /**
   * The images the file refers to, each path once, with where they were placed: sorted by the
   * original image (a resized copy, size/w600/<path>, is the same image as <path>), then by path.
   */
  *images(origin: GhostOrigin): Generator<PlacedImage & { original: string }> {
    let after = ['', ''];
    for (;;) {
      const page = this.all<{
        path: string;
        original: string;
        url: string | null;
        outcome: string | null;
        reason: string | null;
      }>('selectImages', origin, after[0], after[1], PAGE);
      for (const entry of page)
        yield {
          path: entry.path,
          original: entry.original,
          url: entry.url,
          outcome: (entry.outcome ?? 'skipped') as PlacedImage['outcome'],
          ...(entry.reason ? { reason: entry.reason } : {}),
        };
      const last = page.at(-1);
      if (!last || page.length < PAGE) return;
      after = [last.original, last.path];
    }
  }

  /** The first `limit` posts and users (as labelled when added) that refer to an image or its resized copies, and how many do. */
  imageUsers(origin: GhostOrigin, original: string, limit: number): { labels: string[]; count: number } {
    const labels = this.all<{ label: string }>('selectImageUsers', origin, original, limit).map(
      (r) => r.label,
    );
    const count = this.get<{ n: number }>('countImageUsers', origin, original)?.n ?? 0;
    return { labels, count };
  }

  /** The paths of the images the file refers to, each once, sorted. */
  *imagePaths(origin: GhostOrigin): Generator<string> {
    for (const image of this.images(origin)) yield image.path;
  }

  /** Records where an image went. */
  placeImage(origin: GhostOrigin, image: PlacedImage): void {
    this.run('placeImage', image.url, image.outcome, image.reason ?? null, origin, image.path);
    this.wrote();
  }

  /** Where an image now lives: null when it could not be placed, undefined when the file never referred to it. */
  imageUrl(origin: GhostOrigin, imagePath: string): string | null | undefined {
    return this.get<{ url: string | null }>('selectImageUrl', origin, imagePath)?.url;
  }

  /** Remembers what a user or tag of the file became (a person's or term's id). */
  putMade(kind: 'user' | 'tag', sourceId: string, entityId: number): void {
    this.run('putMade', kind, sourceId, entityId);
    this.wrote();
  }

  /** What a user or tag of the file became, if it was written. */
  made(kind: 'user' | 'tag', sourceId: string): number | undefined {
    return this.get<{ entity_id: number }>('selectMade', kind, sourceId)?.entity_id;
  }

  /**
   * Whether a source id an import keeps (`post:<id>`, `post:<id>#<slug>`, `tag:<id>`,
   * `user:<id>`) is of a post, tag or user of this file.
   */
  hasSourceId(sourceId: string): boolean {
    const key = /^(?:post|tag|user):[^#]*/.exec(sourceId)?.[0];
    return key !== undefined && this.get('selectId', key) !== undefined;
  }

  /** The post or page of the file with this slug (lower case), and its address here once written. */
  postBySlug(
    origin: GhostOrigin,
    slug: string,
  ): { postId: string; isPage: boolean; path: string | null } | undefined {
    const row = this.get<{ post_id: string; is_page: number; path: string | null }>(
      'selectSlug',
      origin,
      slug,
    );
    return row && { postId: row.post_id, isPage: row.is_page === 1, path: row.path };
  }

  /** Records where a post or page of the file now lives. */
  setPath(origin: GhostOrigin, postId: string, path: string): void {
    this.run('setPath', path, origin, postId);
    this.wrote();
  }

  /**
   * Notes an article or page whose body links to an item written after it; `item`, the place in
   * the report of one that read unchanged (a body an interrupted run left with such links).
   */
  addRelink(kind: 'article' | 'page', id: number, item: number | null = null): void {
    this.run('insertRelink', kind, id, item);
    this.wrote();
  }

  /** The articles and pages noted by addRelink. */
  relinks(): { kind: 'article' | 'page'; id: number; item: number | null }[] {
    return this.db.prepare('SELECT kind, id, item FROM relinks ORDER BY kind, id').all() as ReturnType<
      GhostSpool['relinks']
    >;
  }

  /** Closes and deletes the file. */
  close(): void {
    try {
      if (this.db.open) this.db.close();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/** How an import names the rows of each list in its source ids. */
const ID_PREFIXES: Record<string, string> = { posts: 'post', tags: 'tag', users: 'user' };

/** Whether a Ghost post row is a page (Ghost 1+ says so by type, 0.x by a flag). */
export function isGhostPage(row: Row): boolean {
  return row.type === 'page' || row.page === true || row.page === 1;
}
