// The references a WordPress body makes to the site it came from: links to its posts and pages
// (by permalink, ?p=, ?page_id=, on the old host with or without www, over http or https, or
// relative) and its uploaded files (with the size and edit suffixes WordPress gives their
// copies). Pure: finding where each now lives is the importer's.

import { trimEndOf } from '../../domain/text.ts';
import type { WxrChannel } from './wxr-reader.ts';

/** The hosts of the site an export comes from, lower case and without "www.". */
export function oldSiteHosts(channel: Pick<WxrChannel, 'link' | 'baseSiteUrl' | 'baseBlogUrl'>): Set<string> {
  const hosts = new Set<string>();
  for (const url of [channel.baseBlogUrl, channel.baseSiteUrl, channel.link]) {
    if (!url) continue;
    try {
      const host = new URL(url).hostname.toLowerCase().replace(/^www\./, '');
      if (!host) continue;
      hosts.add(host);
      // A WordPress.com site keeps its uploads on a host of its own.
      const dotCom = /^([a-z0-9-]+)\.wordpress\.com$/.exec(host)?.[1];
      if (dotCom) hosts.add(`${dotCom}.files.wordpress.com`);
    } catch {
      // Not an address: nothing to match.
    }
  }
  return hosts;
}

/** The old site's address (scheme and host), to make a relative reference absolute again. */
export function oldSiteOrigin(
  channel: Pick<WxrChannel, 'link' | 'baseSiteUrl' | 'baseBlogUrl'>,
): string | null {
  for (const url of [channel.baseBlogUrl, channel.link, channel.baseSiteUrl]) {
    if (!url) continue;
    try {
      return new URL(url).origin;
    } catch {
      // Try the next.
    }
  }
  return null;
}

/**
 * The folder of its host the old site lived in ("/blog" for https://old.example/blog), or "" for
 * a site at the root: the site answered its query addresses (?p=12) and archives below it.
 */
export function oldSitePath(channel: Pick<WxrChannel, 'link' | 'baseBlogUrl'>): string {
  for (const url of [channel.link, channel.baseBlogUrl]) {
    if (!url) continue;
    try {
      return trimEndOf(new URL(url).pathname, '/');
    } catch {
      // Try the next.
    }
  }
  return '';
}

/** A reference to the old site: the text as written, and its path with query and fragment. */
export interface OldSiteRef {
  written: string;
  path: string;
  isAbsolute: boolean;
}

const ABSOLUTE = /(?:https?:)?\/\/([a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(?::\d+)?((?:[/?#][^\s"'<>()[\]\\]*)?)/gi;
// Relative references only where they are addresses: a Markdown link or image, an href or src.
const RELATIVE = /(\]\(<?|\b(?:href|src)=["']?)(\/(?![/\\])[^\s"'<>()\\]*)/gi;
const PHOTON_HOST = /^i[0-3]\.wp\.com$/i;
const SRCSET = /\bsrcset=(["'])([^"']*)\1/gi;
/** Marks an address already mapped, so that a later pass does not map what it became. */
const MAPPED = '\uE01A';

/**
 * Calls `map` with every reference to the old site in `text` and puts what it returns in the
 * reference's place (undefined: left as written).
 */
export function mapOldSiteRefs(
  text: string,
  hosts: ReadonlySet<string>,
  map: (ref: OldSiteRef) => string | undefined,
): string {
  if (hosts.size === 0 && !text.includes('/')) return text;
  const mark = text.includes(MAPPED) ? '' : MAPPED;
  const mapped = (ref: OldSiteRef) => {
    const to = map(ref);
    return to === undefined ? undefined : mark + to;
  };
  let result = text.replace(ABSOLUTE, (whole: string, host: string, written_: string, offset: number) => {
    let rest = written_;
    // A scheme-relative match inside a longer address ("https://other.example//old.example") is not one.
    if (whole.startsWith('//') && offset > 0 && /[\w:/.-]/.test(text[offset - 1] ?? '')) return whole;
    let isOwn = hosts.has(host.toLowerCase().replace(/^www\./, ''));
    // Jetpack's image CDN (Photon) serves the site's own files at i0–i3.wp.com/<host>/<path>.
    const photon = !isOwn && PHOTON_HOST.test(host) ? /^\/([^/?#]+)(\/[^?#]*)/.exec(rest) : null;
    if (photon && hosts.has((photon[1] ?? '').toLowerCase().replace(/^www\./, ''))) {
      isOwn = true;
      // Photon's own parameters (size, quality, ssl) are no part of the file's address.
      rest = photon[2] ?? '/';
    }
    if (!isOwn) return whole;
    const trailing = written_.slice(trimEndOf(written_, '.,;:!?').length);
    const path = trimEndOf(rest, '.,;:!?') || '/';
    const written = whole.slice(0, whole.length - trailing.length);
    return (mapped({ written, path, isAbsolute: true }) ?? written) + trailing;
  });
  result = result.replace(RELATIVE, (whole: string, before: string, path: string) => {
    const replaced = mapped({ written: path, path, isAbsolute: false });
    return replaced === undefined ? whole : before + replaced;
  });
  result = result.replace(SRCSET, (_whole: string, quote: string, list: string) => {
    const next = list
      .split(',')
      .map((candidate) =>
        candidate.replace(/^(\s*)(\/(?![/\\])\S*)/, (part, space: string, path: string) => {
          const replaced = mapped({ written: path, path, isAbsolute: false });
          return replaced === undefined ? part : space + replaced;
        }),
      )
      .join(',');
    return `srcset=${quote}${next}${quote}`;
  });
  return mark ? result.replaceAll(mark, '') : result;
}

const UPLOADS = '/wp-content/uploads/';

/**
 * The path below wp-content/uploads that an address (absolute, or a path) names, decoded; null if
 * none (or unsafe). On WordPress.com, the uploads host's whole path is that path.
 */
export function uploadPathOf(address: string): string | null {
  let pathname: string;
  let isUploadsHost: boolean;
  try {
    const url = new URL(address, 'http://old.invalid');
    pathname = decodeURIComponent(url.pathname);
    isUploadsHost = url.hostname.endsWith('.files.wordpress.com');
  } catch {
    return null;
  }
  const at = isUploadsHost ? 0 : pathname.indexOf(UPLOADS);
  if (at === -1) return null;
  const relative = pathname.slice(at + (isUploadsHost ? 1 : UPLOADS.length));
  if (!relative || relative.split('/').some((part) => part === '..' || part === '' || part === '.'))
    return null;
  return relative;
}

/**
 * The files an upload reference may stand for, best first. WordPress writes a size variant of
 * `photo.jpg` as `photo-300x169.jpg`, keeps a large original scaled down as `photo-scaled.jpg`
 * (and one turned upright as `photo-rotated.jpg`), which is then the attachment's file, and an
 * edited image as `photo-e1234567890.jpg`. A size variant stands for the attachment's file, and
 * comes last itself, for a file whose original is gone; any other reference is first the file
 * it names, then the one it was made from.
 * @example uploadCandidates('2019/05/photo-300x169.jpg')
 * // ['2019/05/photo-scaled.jpg', '2019/05/photo-rotated.jpg', '2019/05/photo.jpg', '2019/05/photo-300x169.jpg']
 */
export function uploadCandidates(relative: string): string[] {
  const slash = relative.lastIndexOf('/');
  const folder = relative.slice(0, slash + 1);
  const name = relative.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return [relative];
  const extension = name.slice(dot);
  const stem = name.slice(0, dot);
  const sized = /^(.+)-\d+x\d+$/.exec(stem)?.[1];
  const stems: string[] = [];
  const add = (...bases: string[]) => {
    for (const base of bases) if (!stems.includes(base)) stems.push(base);
  };
  const full = sized ?? stem;
  if (sized === undefined) add(stem);
  const plain = full.replace(/-(?:scaled|rotated)$/, '');
  add(`${plain}-scaled`, `${plain}-rotated`, plain);
  const unedited = /^(.+)-e\d{10,13}$/.exec(plain)?.[1];
  if (unedited) add(`${unedited}-scaled`, `${unedited}-rotated`, unedited);
  if (sized !== undefined) add(stem);
  return stems.map((base) => `${folder}${base}${extension}`);
}

/** A path below the media folder as an address: each segment percent-encoded. */
export function mediaUrlOf(localPath: string): string {
  return `/media/${localPath.split('/').map(encodeURIComponent).join('/')}`;
}
