import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AssetUrls } from './views/layout.js';

export const ASSETS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets');

/** Asset URLs with a content hash, so browsers may cache them for a year and still see changes. */
export function assetUrls(): AssetUrls {
  const versioned = (file: string) => {
    const hash = createHash('sha1')
      .update(readFileSync(path.join(ASSETS_DIR, file)))
      .digest('hex')
      .slice(0, 10);
    return `/assets/${file}?v=${hash}`;
  };
  return { css: versioned('site.css'), printCss: versioned('print.css'), script: versioned('site.js') };
}
