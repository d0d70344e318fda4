import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where uploaded media files live. The local disk today; an S3-compatible store can implement the same. */
export interface MediaStore {
  /** Writes a file at a relative path such as "2026/11/ab12cd-960.webp". */
  put(relativePath: string, bytes: Buffer): Promise<void>;
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
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(full, bytes, { flag: 'wx' });
  }

  async remove(relativePath: string): Promise<void> {
    await rm(this.resolve(relativePath), { force: true });
  }
}

/** The media directory of a data folder. */
export function mediaDir(dataDir: string): string {
  return path.resolve(dataDir, 'media');
}
