import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, gzip, constants as zlib } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { type ContentEncoding, preferredEncoding } from './page-cache.ts';
import type { AssetUrls } from './views/layout.ts';

export const ASSETS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets');

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

/** A stylesheet or script as served: its bytes in each encoding, and a hash of its content. */
interface Asset {
  hash: string;
  type: string;
  encoded: Record<ContentEncoding, Promise<Buffer>>;
}

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

let loaded: Map<string, Asset> | undefined;

/**
 * Every asset, read and compressed once per process at the best levels (they are small and
 * never change while it runs), so no request pays for compression. Compressing them at these
 * levels takes over a tenth of a second: it runs on the thread pool while the server loads the
 * rest of its code, instead of holding up the start; a request that comes sooner waits for it.
 */
function assets(): Map<string, Asset> {
  if (loaded) return loaded;
  loaded = new Map();
  for (const file of readdirSync(ASSETS_DIR)) {
    const type = TYPES[path.extname(file)];
    if (!type) continue;
    const bytes = readFileSync(path.join(ASSETS_DIR, file));
    loaded.set(file, {
      hash: createHash('sha1').update(bytes).digest('hex').slice(0, 10),
      type,
      encoded: {
        identity: Promise.resolve(bytes),
        br: brotliAsync(bytes, {
          params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length },
        }),
        gzip: gzipAsync(bytes, { level: 9 }),
      },
    });
  }
  return loaded;
}

/**
 * An asset's URL with a hash of its content in its name (`site.0123abcdef.css`), so browsers may
 * cache it for a year and still see changes. In the path rather than the query: every cache
 * keys on it, and no query parser reads a hash such as "50e6347458" as a number.
 */
export function versionedAssetUrl(file: string): string {
  const asset = assets().get(file);
  if (!asset) throw new Error(`no asset named ${file}`);
  const ext = path.extname(file);
  return `/assets/${file.slice(0, -ext.length)}.${asset.hash}${ext}`;
}

const FINGERPRINTED = /^(.+)\.([0-9a-f]{10})(\.[a-z]+)$/;

/** The reader pages' assets. */
export function assetUrls(): AssetUrls {
  return {
    css: versionedAssetUrl('site.css'),
    printCss: versionedAssetUrl('print.css'),
    script: versionedAssetUrl('site.js'),
  };
}

const YEAR = 365 * 24 * 60 * 60;

/**
 * Serves /assets/: brotli or gzip as the browser accepts, kept a year (immutable) at the URL
 * that names the content's hash; any other name of the file (an old hash, none) gets the current
 * file, kept five minutes, so a page cached elsewhere still finds its styles after an upgrade.
 */
export async function assetRoutes(app: FastifyInstance): Promise<void> {
  const all = assets();
  app.get<{ Params: { file: string } }>('/assets/:file', async (request, reply) => {
    const { file } = request.params;
    const fingerprinted = FINGERPRINTED.exec(file);
    const name = fingerprinted ? `${fingerprinted[1]}${fingerprinted[3]}` : file;
    const asset = all.get(name);
    if (!asset) {
      reply.callNotFound();
      return reply;
    }
    const encoding = preferredEncoding(request.headers['accept-encoding']);
    const etag = `"${asset.hash}-${encoding}"`;
    reply
      .header(
        'cache-control',
        fingerprinted?.[2] === asset.hash ? `public, max-age=${YEAR}, immutable` : 'public, max-age=300',
      )
      .header('vary', 'accept-encoding')
      .header('etag', etag)
      .type(asset.type);
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    if (encoding !== 'identity') reply.header('content-encoding', encoding);
    return reply.send(await asset.encoded[encoding]);
  });
}
