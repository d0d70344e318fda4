import type { Article, Visibility } from './article.ts';

/**
 * Who is reading, as far as an article's visibility cares: a signed-in member, and whether
 * their tier is a paid one. Anonymous readers (and staff, whose sessions grant no member
 * access) are `undefined`.
 */
export interface MemberReader {
  memberId: number;
  /** The member's tier is a paid one (member_tiers.is_paid). */
  isPaid: boolean;
}

/**
 * The member a session token (the member cookie's value) belongs to, if it is a live session of
 * an active member. The wiring supplies it (Wiring.memberReader); without one, every reader is
 * anonymous.
 */
export type MemberReaderOfSession = (sessionToken: string) => Promise<MemberReader | undefined>;

/**
 * The cookie a member's session travels in (on https with the __Host- prefix: memberCookieName).
 * Reader routes look for it (a string test, no query) before asking who the member is, so
 * readers without it cost no database read.
 */
export const MEMBER_SESSION_COOKIE = 'pressroom_member';

/**
 * The line in an article's Markdown where the public preview ends and the text for members
 * begins. It is Ghost's own paywall marker (an HTML comment, so it shows nothing where the
 * Markdown is read elsewhere); spaces inside are allowed.
 */
export const PREVIEW_MARKER = '<!-- members-only -->';
const MARKER_LINE = /^ {0,3}<!--\s*members-only\s*-->\s*$/;
/**
 * WordPress's teaser break (kept on a line of its own by the WordPress import), which ends the
 * preview when the body has no marker of its own: it is where the author ended the teaser.
 */
const MORE_LINE = /^ {0,3}<!--more(?:\s[^>]*)?-->\s*$/i;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** Whether the article's full text is for some readers only (members, or paying members). */
export function isGated(article: Pick<Article, 'visibility'>): boolean {
  return article.visibility !== 'public';
}

/**
 * The one rule of who reads an article in full: everyone a public one, any member a members'
 * one, a member on a paid tier a paid one. Every public output (page, feeds, search, related
 * lists, structured data, the republish kit) asks this, or shows the preview.
 */
export function canReadFull(article: Pick<Article, 'visibility'>, reader: MemberReader | undefined): boolean {
  const rule: Record<Visibility, (r: MemberReader | undefined) => boolean> = {
    public: () => true,
    members: (r) => r !== undefined,
    paid: (r) => r?.isPaid === true,
  };
  return rule[article.visibility](reader);
}

/**
 * The HTML of the article that `reader` may read: the whole body, or the preview saved with
 * it (none, for a gated article saved before previews were kept: nothing of it leaks).
 */
export function readableHtml(
  article: Pick<Article, 'visibility' | 'bodyHtml' | 'previewHtml'>,
  reader: MemberReader | undefined,
): string {
  return canReadFull(article, reader) ? article.bodyHtml : (article.previewHtml ?? '');
}

/**
 * The article as a reader who is not allowed its full text gets it: the body is the preview.
 * Whatever renders it afterwards (a page, a feed, a search snippet) cannot show more.
 */
export function asReadBy<T extends Pick<Article, 'visibility' | 'bodyHtml' | 'previewHtml'>>(
  article: T,
  reader: MemberReader | undefined,
): T {
  return canReadFull(article, reader) ? article : { ...article, bodyHtml: article.previewHtml ?? '' };
}

/**
 * The Markdown before the preview marker (else before a WordPress <!--more--> line), or
 * undefined when the body has neither. A marker inside a fenced code block is text, not a
 * marker (a writer documenting it).
 * @example markdownBeforeMarker('Intro\n\n<!-- members-only -->\n\nRest') // 'Intro\n\n'
 */
export function markdownBeforeMarker(markdown: string): string | undefined {
  let fence: string | undefined;
  let offset = 0;
  let more: number | undefined;
  for (const line of markdown.split('\n')) {
    const opening = FENCE.exec(line)?.[1];
    if (fence === undefined && opening) fence = opening;
    else if (fence !== undefined && opening && opening[0] === fence[0] && opening.length >= fence.length)
      fence = undefined;
    else if (fence === undefined && MARKER_LINE.test(line)) return markdown.slice(0, offset);
    else if (fence === undefined && more === undefined && MORE_LINE.test(line)) more = offset;
    offset += line.length + 1;
  }
  return more === undefined ? undefined : markdown.slice(0, more);
}
