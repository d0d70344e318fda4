import type { FieldError } from '../errors.ts';
import { ARTICLE_LIMITS } from './article.ts';
import { COMMENT_POLICIES, type CommentPolicy } from './comment.ts';
import { licenseInput, licenseProblem } from './license.ts';
import { MEMBER_PATHS } from './paths.ts';
import { cleanLine } from './text.ts';
import { isTimeZone } from './time-zone.ts';
import { isLinkTarget, urlFieldMessage } from './url.ts';

/** Site-wide settings. Texts are Markdown; every one is editable, none is a template literal. */
export interface SiteSettings {
  siteName: string;
  siteTagline: string;
  siteDescription: string;
  /** Language of the site's own texts, a BCP 47 tag. */
  language: string;
  /** A license code (domain/license.ts): what articles that name none are under. */
  defaultLicense: string;
  noteToReaders: string;
  republishingPermission: string;
  disclaimer: string;
  fairUseNotice: string;
  mediaInquiries: string;
  membershipCall: string;
  membershipUrl: string;
  commentsCall: string;
  /**
   * Where "comment on this article" points; {slug} is replaced by the article slug. Empty: the
   * article's own comments.
   */
  commentsUrl: string;
  /** The site's switch for comments: off closes them on every article, whatever each says. */
  commentsOpen: boolean;
  /** Days after publication that an article takes comments; 0 keeps them open. */
  commentsCloseAfterDays: number;
  /** Which comments wait for an editor: none (open), a member's first (first), or all. */
  commentsModeration: CommentPolicy;
  /** Links one comment may carry. */
  commentsMaxLinks: number;
  /** Words and phrases that refuse a comment, one a line. */
  commentsBlockedWords: string;
  /** Domains comments may not link to, one a line (their subdomains too). */
  commentsBlockedDomains: string;
  /** Articles per page on listings. */
  pageSize: number;
  /** Feeds carry the full article text (true) or only the summary (false). */
  feedFullText: boolean;
  /** The newsroom's IANA time zone: dates are entered and shown in it, and stored in UTC. */
  timeZone: string;
}

/** Keys as stored and as used in import files (snake_case). */
export const SETTING_KEYS: Record<keyof SiteSettings, string> = {
  siteName: 'site_name',
  siteTagline: 'site_tagline',
  siteDescription: 'site_description',
  language: 'language',
  defaultLicense: 'default_license',
  noteToReaders: 'note_to_readers',
  republishingPermission: 'republishing_permission',
  disclaimer: 'disclaimer',
  fairUseNotice: 'fair_use_notice',
  mediaInquiries: 'media_inquiries',
  membershipCall: 'membership_call',
  membershipUrl: 'membership_url',
  commentsCall: 'comments_call',
  commentsUrl: 'comments_url',
  commentsOpen: 'comments_open',
  commentsCloseAfterDays: 'comments_close_after_days',
  commentsModeration: 'comments_moderation',
  commentsMaxLinks: 'comments_max_links',
  commentsBlockedWords: 'comments_blocked_words',
  commentsBlockedDomains: 'comments_blocked_domains',
  pageSize: 'page_size',
  feedFullText: 'feed_full_text',
  timeZone: 'time_zone',
};

/** What a fresh publication says before anyone edits its settings. */
export const DEFAULT_SETTINGS: SiteSettings = {
  siteName: 'Pressroom',
  siteTagline: 'Independent research and analysis',
  siteDescription: 'Articles, analysis and in-depth reports.',
  language: 'en',
  // The texts below invite readers to cross-post: the publication's own terms say on what terms.
  defaultLicense: 'site-terms',
  noteToReaders:
    'Please share this article with the buttons below, forward it to your email lists, and cross-post it on your blog or internet forum, with its source and a link back.',
  republishingPermission:
    'Non-commercial cross-posting is permitted with the source, the copyright notice and a hyperlink to the original article. Commercial reprints require written permission.',
  disclaimer:
    'The views expressed in this article are the sole responsibility of the author(s). The publication is not responsible for any inaccurate or incorrect statement in it.',
  fairUseNotice:
    'This site may contain copyrighted material whose use has not been specifically authorized by the copyright owner. It is made available for analysis, commentary and education, which we believe is fair use. To use such material for other purposes, you must obtain permission from the copyright owner.',
  mediaInquiries: 'Media inquiries: write to the editors.',
  membershipCall: 'Support independent research: become a member.',
  // The members' sign-up page; a site that set its own link (a page of its own, say) keeps it.
  membershipUrl: MEMBER_PATHS.join,
  commentsCall: 'Comment on this article',
  commentsUrl: '',
  commentsOpen: true,
  commentsCloseAfterDays: 0,
  // A member's first comment waits: most spam comes from accounts made to post it.
  commentsModeration: 'first',
  commentsMaxLinks: 2,
  commentsBlockedWords: '',
  commentsBlockedDomains: '',
  pageSize: 12,
  feedFullText: true,
  timeZone: 'UTC',
};

/** Keys whose values are Markdown to render, as opposed to plain values. */
export const MARKDOWN_SETTINGS = [
  'noteToReaders',
  'republishingPermission',
  'disclaimer',
  'fairUseNotice',
  'mediaInquiries',
] as const satisfies readonly (keyof SiteSettings)[];

/** Turns stored string values (by snake_case key) into settings, keeping defaults for what is absent or unusable. */
export function settingsFromStored(stored: ReadonlyMap<string, string>): SiteSettings {
  const settings: SiteSettings = { ...DEFAULT_SETTINGS };
  for (const [field, key] of Object.entries(SETTING_KEYS) as [keyof SiteSettings, string][]) {
    const value = stored.get(key);
    if (value === undefined) continue;
    if (field === 'pageSize') {
      const n = Number.parseInt(value, 10);
      if (Number.isInteger(n) && n > 0 && n <= 100) settings.pageSize = n;
    } else if (field === 'feedFullText' || field === 'commentsOpen') {
      settings[field] = !['false', '0', 'no', 'off', 'summary'].includes(value.trim().toLowerCase());
    } else if (field === 'commentsCloseAfterDays' || field === 'commentsMaxLinks') {
      const n = Number.parseInt(value, 10);
      if (Number.isInteger(n) && n >= 0 && n <= COMMENT_NUMBER_MAX) settings[field] = n;
    } else if (field === 'commentsModeration') {
      const policy = COMMENT_POLICIES.find((p) => p === value.trim());
      if (policy) settings.commentsModeration = policy;
    } else if (field === 'timeZone') {
      // A zone the runtime no longer knows falls back to UTC rather than failing every page.
      if (isTimeZone(value.trim())) settings.timeZone = value.trim();
    } else {
      settings[field] = value;
    }
  }
  return settings;
}

/** Finds the settings field for a snake_case key, or undefined for an unknown key. */
export function settingFieldForKey(key: string): keyof SiteSettings | undefined {
  return (Object.entries(SETTING_KEYS) as [keyof SiteSettings, string][]).find(([, k]) => k === key)?.[0];
}

const SETTING_LIMITS: Partial<Record<keyof SiteSettings, number>> = {
  siteName: 200,
  // Every article takes the site's language when it names none, so it must fit an article's.
  language: ARTICLE_LIMITS.language,
  siteTagline: 300,
  siteDescription: 1000,
  defaultLicense: ARTICLE_LIMITS.license,
  membershipCall: 300,
  commentsCall: 300,
  timeZone: 64,
};
/** The largest closing age (days) and link count a comment setting takes. */
const COMMENT_NUMBER_MAX = 36_500;

const REQUIRED_SETTINGS: (keyof SiteSettings)[] = ['siteName', 'language', 'defaultLicense', 'timeZone'];

/** Settings shown on one line (the site's name and tagline), cleaned as names are. */
const ONE_LINE_SETTINGS = new Set(['site_name', 'site_tagline']);

/**
 * The values as they are stored: the one-line ones without the characters XML forbids and
 * without direction controls (cleanLine), and the default license as its code ("CC BY 4.0"
 * becomes cc-by-4.0), whichever door they come by (the form, an import).
 */
export function cleanSettingValues(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [
      key,
      ONE_LINE_SETTINGS.has(key)
        ? cleanLine(value)
        : key === SETTING_KEYS.defaultLicense
          ? (licenseInput(value) ?? value)
          : value,
    ]),
  );
}

/** Every problem with setting values given by snake_case key, as messages to show next to each field. */
export function validateSettingValues(values: Record<string, string>): FieldError[] {
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(values)) {
    const field = settingFieldForKey(key);
    if (!field) {
      errors.push({ field: key, message: 'is not a setting' });
      continue;
    }
    const trimmed = value.trim();
    if (REQUIRED_SETTINGS.includes(field) && !trimmed) {
      errors.push({ field: key, message: 'must not be empty' });
      continue;
    }
    const limit = SETTING_LIMITS[field] ?? 20_000;
    if (value.length > limit) errors.push({ field: key, message: `must be at most ${limit} characters` });
    else if (field === 'commentsCloseAfterDays' || field === 'commentsMaxLinks') {
      const n = Number(trimmed);
      if (!/^\d+$/.test(trimmed) || n > COMMENT_NUMBER_MAX)
        errors.push({ field: key, message: `must be a whole number from 0 to ${COMMENT_NUMBER_MAX}` });
    } else if (field === 'commentsModeration') {
      if (!(COMMENT_POLICIES as readonly string[]).includes(trimmed))
        errors.push({ field: key, message: `must be one of ${COMMENT_POLICIES.join(', ')}` });
    } else if (field === 'pageSize') {
      const n = Number(trimmed);
      if (!/^\d+$/.test(trimmed) || n < 1 || n > 100) {
        errors.push({ field: key, message: 'must be a whole number from 1 to 100' });
      }
    } else if (typeof DEFAULT_SETTINGS[field] === 'boolean' && trimmed !== 'true' && trimmed !== 'false') {
      errors.push({ field: key, message: 'must be true or false' });
    } else if (field === 'language' && !/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/.test(trimmed)) {
      errors.push({ field: key, message: 'must be a language tag such as en, fr or pt-BR' });
    } else if (field === 'timeZone' && !isTimeZone(trimmed)) {
      errors.push({
        field: key,
        message: 'must be a time zone such as UTC, Europe/Berlin or Africa/Nairobi',
      });
    } else if (field === 'defaultLicense' && licenseProblem(licenseInput(trimmed) ?? '')) {
      errors.push({ field: key, message: licenseProblem(licenseInput(trimmed) ?? '') ?? '' });
    } else if ((field === 'membershipUrl' || field === 'commentsUrl') && trimmed && !isLinkTarget(trimmed)) {
      errors.push({
        field: key,
        message: urlFieldMessage(trimmed, 'must be a path starting with / or an http(s) address'),
      });
    }
  }
  return errors;
}
