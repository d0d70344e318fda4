import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AssetUrls } from './views/layout.ts';

export const ASSETS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets');

const versionedUrls = new Map<string, string>();

/**
 * An asset's URL with a hash of its content, so browsers may cache it for a year and still see
 * changes. Worked out once per file and process.
 */
export function versionedAssetUrl(file: string): string {
  let url = versionedUrls.get(file);
  if (!url) {
    const hash = createHash('sha1')
      .update(readFileSync(path.join(ASSETS_DIR, file)))
      .digest('hex')
      .slice(0, 10);
    url = `/assets/${file}?v=${hash}`;
    versionedUrls.set(file, url);
  }
  return url;
}

/** The reader pages' assets. */
export function assetUrls(): AssetUrls {
  return {
    css: versionedAssetUrl('site.css'),
    printCss: versionedAssetUrl('print.css'),
    script: versionedAssetUrl('site.js'),
  };
}
