import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ASSETS_DIR } from '../../assets.js';

const urls = new Map<string, string>();

/** A newsroom asset's URL with a content hash: assets are cached for a year. */
function versioned(file: string): string {
  let url = urls.get(file);
  if (!url) {
    const hash = createHash('sha1')
      .update(readFileSync(path.join(ASSETS_DIR, file)))
      .digest('hex')
      .slice(0, 10);
    url = `/assets/${file}?v=${hash}`;
    urls.set(file, url);
  }
  return url;
}

export const newsroomCss = (): string => versioned('newsroom.css');
export const newsroomJs = (): string => versioned('newsroom.js');
