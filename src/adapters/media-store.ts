import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Errors } from '../errors.ts';

/** Where uploaded media files live. The local disk today; an S3-compatible store can implement the same. */
export interface MediaStore {
  /** Writes a file at a relative path such as "2026/11/ab12cd-960.webp"; refuses to replace one (EEXIST). */
  put(relativePath: string, bytes: Buffer): Promise<void>;
  /** The file at a relative path; null when there is none. */
  read(relativePath: string): Promise<Buffer | null>;
  remove(relativePath: string): Promise<void>;
}

/** Media on the local disk, under the data folder's media directory, served at /media/. */
export class LocalMediaStore implements MediaStore {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  private resolve(relativePath: string): string {
    const full = path.resolve(this.root, relativePath);
    if (!full.startsWith(path.resolve(this.root) + path.sep))
      throw new Error(`Media path escapes the store: ${relativePath}`);
    return full;
  }

  async put(relativePath: string, bytes: Buffer): Promise<void> {
    const full = this.resolve(relativePath);
    try {
      await mkdir(path.dirname(full), { recursive: true });
    } catch (error) {
      // A recursive mkdir on a read-only file system reports ENOENT: the folder cannot be made.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw Errors.STORAGE_READ_ONLY(undefined, { cause: error });
      throw diskFault(error) ?? error;
    }
    try {
      await writeFile(full, bytes, { flag: 'wx' });
    } catch (error) {
      // A write cut short leaves a truncated file that would be served as the image.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') await rm(full, { force: true }).catch(() => {});
      throw diskFault(error) ?? error;
    }
  }

  async read(relativePath: string): Promise<Buffer | null> {
    try {
      return await readFile(this.resolve(relativePath));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw diskFault(error) ?? error;
    }
  }

  async remove(relativePath: string): Promise<void> {
    await rm(this.resolve(relativePath), { force: true });
  }
}

const FULL = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);
const UNWRITABLE = new Set(['EROFS', 'EIO', 'EACCES', 'EPERM']);

/** A full or unwritable disk is the machine's state, not a bug: say so (503) rather than fail with a 500. */
function diskFault(error: unknown) {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (FULL.has(code)) return Errors.STORAGE_FULL(undefined, { cause: error });
  if (UNWRITABLE.has(code)) return Errors.STORAGE_READ_ONLY(undefined, { cause: error });
  return undefined;
}

/** The media directory of a data folder. */
export function mediaDir(dataDir: string): string {
  return path.resolve(dataDir, 'media');
}
