import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { type Galleries, type GalleryImage, resolveGalleries } from './wordpress-gallery.ts';
import type { WxrItem } from './wxr-reader.ts';

/** What a post needs to know about its featured image, an attachment listed anywhere in the file. */
export interface SpooledAttachment {
  url: string | null;
  alt: string | null;
}

/** An item of the file that old addresses lead to, and its address here once written. */
export interface LinkTarget {
  postId: string;
  kind: 'article' | 'page' | 'media';
  path: string | null;
}

/** One spooled item, and whether an earlier item of the file already used its post id. */
export interface SpooledItem {
  item: WxrItem;
  isRepeat: boolean;
  /** Its body's [gallery] shortcodes, resolved against the file's attachments (which may follow it). */
  galleries?: Galleries | null;
}

/** Items read per query when the spool is read back. */
const PAGE = 100;
/** Rows written per transaction while spooling. */
const CHUNK = 1000;

/**
 * The items of a WordPress export between reading and writing, in a scratch SQLite file in a
 * temporary folder (not the publication's database, which the file must not touch until it has
 * been read whole). Writing needs to know things about the whole file: a post may take as its
 * featured image an attachment listed after it, and a post id may be used twice. Answering
 * from an indexed file costs the same at any size, where maps of every id would grow with the
 * archive.
 */
export class WxrSpool {
  private readonly dir: string;
  private readonly db: SqliteDatabase.Database;
  private readonly insertItem: SqliteDatabase.Statement;
  private readonly insertSeen: SqliteDatabase.Statement;
  private readonly insertAttachment: SqliteDatabase.Statement;
  private readonly selectAttachment: SqliteDatabase.Statement;
  private readonly selectGalleryImage: SqliteDatabase.Statement;
  private readonly selectAttached: SqliteDatabase.Statement;
  private readonly selectPage: SqliteDatabase.Statement;
  private readonly insertLink: SqliteDatabase.Statement;
  private readonly insertTarget: SqliteDatabase.Statement;
  private readonly insertSlug: SqliteDatabase.Statement;
  private readonly selectSlug: SqliteDatabase.Statement;
  private readonly selectLink: SqliteDatabase.Statement;
  private readonly updateTarget: SqliteDatabase.Statement;
  private readonly insertFile: SqliteDatabase.Statement;
  private readonly selectFile: SqliteDatabase.Statement;
  private readonly insertRelink: SqliteDatabase.Statement;
  private readonly insertParentRedirect: SqliteDatabase.Statement;
  private uncommitted = 0;

  constructor() {
    this.dir = mkdtempSync(path.join(tmpdir(), 'pressroom-wxr-'));
    try {
      this.db = new SqliteDatabase(path.join(this.dir, 'items.db'));
      // A scratch file thrown away at the end: nothing to recover after a crash.
      this.db.pragma('journal_mode = OFF');
      this.db.pragma('synchronous = OFF');
      this.db.exec(`
        CREATE TABLE items (seq INTEGER PRIMARY KEY, is_repeat INTEGER NOT NULL, item TEXT NOT NULL);
        CREATE TABLE seen (post_id TEXT PRIMARY KEY) WITHOUT ROWID;
        CREATE TABLE attachments (
          post_id TEXT PRIMARY KEY, url TEXT, alt TEXT, caption TEXT, parent TEXT, menu_order INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX attachments_by_parent ON attachments (parent);
        CREATE TABLE links (path TEXT PRIMARY KEY, post_id TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE slugs (slug TEXT PRIMARY KEY, post_id TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE targets (post_id TEXT PRIMARY KEY, kind TEXT NOT NULL, path TEXT) WITHOUT ROWID;
        CREATE TABLE files (relative TEXT PRIMARY KEY, url TEXT) WITHOUT ROWID;
        CREATE TABLE relinks (kind TEXT NOT NULL, id INTEGER NOT NULL, item INTEGER, PRIMARY KEY (kind, id)) WITHOUT ROWID;
        CREATE TABLE parent_redirects (post_id TEXT PRIMARY KEY, parent TEXT NOT NULL, link TEXT) WITHOUT ROWID;
      `);
    } catch (error) {
      rmSync(this.dir, { recursive: true, force: true });
      throw error;
    }
    this.insertItem = this.db.prepare('INSERT INTO items (is_repeat, item) VALUES (?, ?)');
    this.insertSeen = this.db.prepare('INSERT OR IGNORE INTO seen (post_id) VALUES (?)');
    // A later attachment with the same id wins, as it would in WordPress.
    this.insertAttachment = this.db.prepare(
      'INSERT OR REPLACE INTO attachments (post_id, url, alt, caption, parent, menu_order) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.selectAttachment = this.db.prepare('SELECT url, alt FROM attachments WHERE post_id = ?');
    this.selectGalleryImage = this.db.prepare(
      'SELECT post_id AS id, url, alt, caption FROM attachments WHERE post_id = ?',
    );
    // WordPress's gallery order: menu order, then id.
    this.selectAttached = this.db.prepare(
      'SELECT post_id AS id, url, alt, caption FROM attachments WHERE parent = ? ORDER BY menu_order, CAST(post_id AS INTEGER), post_id',
    );
    this.selectPage = this.db.prepare(
      'SELECT seq, is_repeat, item FROM items WHERE seq > ? ORDER BY seq LIMIT ?',
    );
    // The first item to claim an address keeps it, as the first with a post id keeps ?p=.
    this.insertLink = this.db.prepare('INSERT OR IGNORE INTO links (path, post_id) VALUES (?, ?)');
    this.insertTarget = this.db.prepare('INSERT OR IGNORE INTO targets (post_id, kind) VALUES (?, ?)');
    this.selectLink = this.db.prepare(
      'SELECT t.post_id AS postId, t.kind, t.path FROM links l JOIN targets t ON t.post_id = l.post_id WHERE l.path = ?',
    );
    this.insertSlug = this.db.prepare('INSERT OR IGNORE INTO slugs (slug, post_id) VALUES (?, ?)');
    this.selectSlug = this.db.prepare(
      'SELECT t.post_id AS postId, t.kind, t.path FROM slugs s JOIN targets t ON t.post_id = s.post_id WHERE s.slug = ?',
    );
    this.updateTarget = this.db.prepare('UPDATE targets SET path = ? WHERE post_id = ? AND path IS NULL');
    this.insertFile = this.db.prepare('INSERT OR REPLACE INTO files (relative, url) VALUES (?, ?)');
    this.selectFile = this.db.prepare('SELECT url FROM files WHERE relative = ?');
    this.insertRelink = this.db.prepare('INSERT OR IGNORE INTO relinks (kind, id, item) VALUES (?, ?, ?)');
    this.insertParentRedirect = this.db.prepare(
      'INSERT OR REPLACE INTO parent_redirects (post_id, parent, link) VALUES (?, ?, ?)',
    );
    this.db.exec('BEGIN');
  }

  /**
   * Records the old addresses of a post, page or attachment of the file (paths as normalizePath
   * gives them), and the slug of a post or page (the first item to have one keeps it).
   */
  addLinks(target: {
    postId: string;
    kind: LinkTarget['kind'];
    slug: string | null;
    paths: Iterable<string>;
  }): void {
    this.insertTarget.run(target.postId, target.kind);
    for (const path of target.paths) this.insertLink.run(path, target.postId);
    if (target.slug) this.insertSlug.run(target.slug, target.postId);
  }

  /** The item of the file an old address belongs to, and its address here once it is written. */
  linkTarget(path: string): LinkTarget | undefined {
    return this.selectLink.get(path) as LinkTarget | undefined;
  }

  /** The post or page of the file with this slug (lower case, decoded). */
  slugTarget(slug: string): LinkTarget | undefined {
    return this.selectSlug.get(slug) as LinkTarget | undefined;
  }

  /** Where the first item with this post id now lives. */
  setTargetPath(postId: string, path: string): void {
    this.updateTarget.run(path, postId);
    this.wrote();
  }

  /** What became of an uploaded file: its address here, or null when it is not in the uploads folder. */
  file(relative: string): string | null | undefined {
    const row = this.selectFile.get(relative) as { url: string | null } | undefined;
    return row === undefined ? undefined : row.url;
  }

  setFile(relative: string, url: string | null): void {
    this.insertFile.run(relative, url);
    this.wrote();
  }

  /**
   * Notes an article or page whose body links to an item written after it; `item`, the place in
   * the report of one that read unchanged (a body an interrupted run left with such links).
   */
  addRelink(kind: 'article' | 'page', id: number, item: number | null = null): void {
    this.insertRelink.run(kind, id, item);
    this.wrote();
  }

  /** Notes that an attachment's old addresses (`link`, its ids) are to lead to its parent's page. */
  addParentRedirect(postId: string, parent: string, link: string | null): void {
    this.insertParentRedirect.run(postId, parent, link);
    this.wrote();
  }

  /** The attachments noted by addParentRedirect whose parent was written, with where it lives. */
  parentRedirects(): { postId: string; link: string | null; target: string }[] {
    return this.db
      .prepare(
        `SELECT r.post_id AS postId, r.link, t.path AS target FROM parent_redirects r
         JOIN targets t ON t.post_id = r.parent WHERE t.path IS NOT NULL ORDER BY r.post_id`,
      )
      .all() as ReturnType<WxrSpool['parentRedirects']>;
  }

  /** The articles and pages noted by addRelink. */
  relinks(): { kind: 'article' | 'page'; id: number; item: number | null }[] {
    return this.db.prepare('SELECT kind, id, item FROM relinks ORDER BY kind, id').all() as ReturnType<
      WxrSpool['relinks']
    >;
  }

  /**
   * Adds the next item of the file. `isImported` says whether it will be written (an item that
   * is skipped does not make a later one with its id a repeat).
   */
  add(item: WxrItem, isImported: boolean): void {
    const isRepeat = isImported && item.postId !== null && this.insertSeen.run(item.postId).changes === 0;
    this.insertItem.run(isRepeat ? 1 : 0, JSON.stringify(item));
    if (item.postId && item.postType === 'attachment')
      this.insertAttachment.run(
        item.postId,
        item.attachmentUrl ?? item.guid,
        item.meta.find((m) => m.key === '_wp_attachment_image_alt')?.value ?? null,
        item.excerpt || null,
        item.postParent,
        Number.parseInt(item.menuOrder ?? '', 10) || 0,
      );
    this.wrote();
  }

  /**
   * Counts a write, committing every CHUNK. Writes are grouped in transactions in both phases:
   * each write of the writing phase on its own was a commit that rewrote the file's pages, about
   * 6 % of the import thread's time on 2,000 posts.
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

  /** The attachment with this post id, if the file has one. */
  attachment(postId: string): SpooledAttachment | undefined {
    return this.selectAttachment.get(postId) as SpooledAttachment | undefined;
  }

  /** The items in file order, read back a page at a time, with their galleries resolved. */
  *items(): Generator<SpooledItem> {
    const lookup = {
      attachment: (postId: string) => this.selectGalleryImage.get(postId) as GalleryImage | undefined,
      attachmentsOf: (parentId: string) => this.selectAttached.all(parentId) as GalleryImage[],
    };
    let after = 0;
    for (;;) {
      const rows = this.selectPage.all(after, PAGE) as { seq: number; is_repeat: number; item: string }[];
      for (const row of rows) {
        const item = JSON.parse(row.item) as WxrItem;
        const galleries =
          item.postType === 'post' || item.postType === 'page'
            ? resolveGalleries(item.content, item.postId, lookup)
            : null;
        yield { item, isRepeat: row.is_repeat === 1, ...(galleries ? { galleries } : {}) };
      }
      const last = rows.at(-1);
      if (!last || rows.length < PAGE) return;
      after = last.seq;
    }
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
