import { copyFile, mkdir, open, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** Whether two files hold the same bytes (read a piece at a time: an upload may be a large video). */
export async function hasSameBytes(a: string, b: string): Promise<boolean> {
  const [first, second] = await Promise.all([open(a), open(b)]);
  try {
    const [sizeA, sizeB] = await Promise.all([first.stat(), second.stat()]);
    if (sizeA.size !== sizeB.size) return false;
    const pieceA = Buffer.alloc(64 * 1024);
    const pieceB = Buffer.alloc(64 * 1024);
    for (let at = 0; at < sizeA.size; ) {
      const [readA, readB] = await Promise.all([
        first.read(pieceA, 0, pieceA.length, at),
        second.read(pieceB, 0, pieceB.length, at),
      ]);
      if (readA.bytesRead === 0 || readA.bytesRead !== readB.bytesRead) return false;
      if (!pieceA.subarray(0, readA.bytesRead).equals(pieceB.subarray(0, readB.bytesRead))) return false;
      at += readA.bytesRead;
    }
    return true;
  } finally {
    await Promise.all([first.close(), second.close()]);
  }
}

/**
 * The files an import copies into the data folder. A strict import that is undone takes back
 * the files and folders it created, so that the data folder is as it found it; files that were
 * there before are never removed. Imports that keep what they wrote batch by batch need no list
 * (`isRemembering` false), so that a large import's memory does not grow with its uploads.
 */
export class WrittenFiles {
  private readonly isRemembering: boolean;
  private created: string[] = [];
  private folders: string[] = [];

  constructor(options: { isRemembering: boolean }) {
    this.isRemembering = options.isRemembering;
  }

  /**
   * Copies `from` to `to`, making its folder, unless `to` holds the same bytes already (or, with
   * `isKnownDifferent`, without looking); remembers what did not exist before.
   */
  async copy(from: string, to: string, options: { isKnownDifferent?: boolean } = {}): Promise<void> {
    const folder = await mkdir(path.dirname(to), { recursive: true });
    const isNew = !(await stat(to).then(
      () => true,
      () => false,
    ));
    if (!isNew && !options.isKnownDifferent && (await hasSameBytes(from, to))) return;
    await copyFile(from, to);
    if (!this.isRemembering) return;
    if (isNew) this.created.push(to);
    // mkdir names the first folder it made; the ones below it, down to the file's, are new too.
    for (let dir = path.dirname(to); folder && dir.length >= folder.length; dir = path.dirname(dir))
      this.folders.push(dir);
  }

  /** Removes the files copied and the folders made for them (deepest first, only if empty). */
  async undo(): Promise<void> {
    const files = this.created;
    const folders = [...new Set(this.folders)].sort((a, b) => b.length - a.length);
    this.created = [];
    this.folders = [];
    for (const file of files) await rm(file, { force: true });
    for (const folder of folders) await rmdir(folder).catch(() => undefined);
  }
}
