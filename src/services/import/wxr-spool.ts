import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type { WxrItem } from './wxr-reader.ts';

/** What a post needs to know about its featured image, an attachment listed anywhere in the file. */
export interface SpooledAttachment {
  url: string | null;
  alt: string | null;
}

/** One spooled item, and whether an earlier item of the file already used its post id. */
export interface SpooledItem {
  item: WxrItem;
  isRepeat: boolean;
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
  private readonly selectPage: SqliteDatabase.Statement;
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
        CREATE TABLE attachments (post_id TEXT PRIMARY KEY, url TEXT, alt TEXT) WITHOUT ROWID;
      `);
    } catch (error) {
      rmSync(this.dir, { recursive: true, force: true });
      throw error;
    }
    this.insertItem = this.db.prepare('INSERT INTO items (is_repeat, item) VALUES (?, ?)');
    this.insertSeen = this.db.prepare('INSERT OR IGNORE INTO seen (post_id) VALUES (?)');
    // A later attachment with the same id wins, as it would in WordPress.
    this.insertAttachment = this.db.prepare(
      'INSERT OR REPLACE INTO attachments (post_id, url, alt) VALUES (?, ?, ?)',
    );
    this.selectAttachment = this.db.prepare('SELECT url, alt FROM attachments WHERE post_id = ?');
    this.selectPage = this.db.prepare(
      'SELECT seq, is_repeat, item FROM items WHERE seq > ? ORDER BY seq LIMIT ?',
    );
    this.db.exec('BEGIN');
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
      );
    this.uncommitted += 1;
    if (this.uncommitted >= CHUNK) {
      this.db.exec('COMMIT; BEGIN');
      this.uncommitted = 0;
    }
  }

  /** Ends the reading phase. */
  finish(): void {
    if (this.db.inTransaction) this.db.exec('COMMIT');
  }

  /** The attachment with this post id, if the file has one. */
  attachment(postId: string): SpooledAttachment | undefined {
    return this.selectAttachment.get(postId) as SpooledAttachment | undefined;
  }

  /** The items in file order, read back a page at a time. */
  *items(): Generator<SpooledItem> {
    let after = 0;
    for (;;) {
      const rows = this.selectPage.all(after, PAGE) as { seq: number; is_repeat: number; item: string }[];
      for (const row of rows) yield { item: JSON.parse(row.item) as WxrItem, isRepeat: row.is_repeat === 1 };
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
