/**
 * The licenses an article can carry. A license is stored as its code; an article without one
 * takes the site's default. A value kept from before the licenses were a fixed set, and not
 * recognizable as one of them, is kept word for word as `other:<text>`: shown as it was
 * written, but granting nothing anyone can act on without asking.
 */

export const LICENSE_CODES = [
  'site-terms',
  'cc-by-4.0',
  'cc-by-nd-4.0',
  'cc-by-nc-nd-4.0',
  'all-rights-reserved',
] as const;
export type LicenseCode = (typeof LICENSE_CODES)[number];

/** What a license lets a republisher do without asking. */
export interface LicenseGrants {
  /** Republish the article at all. */
  canRepublish: boolean;
  /** Republish it for commercial use. */
  canUseCommercially: boolean;
  /** Change it (edits, translations, excerpts as new works). */
  canModify: boolean;
  /** Republish the article's own images with it (each image's credit may still forbid it). */
  canIncludeImages: boolean;
}

export interface License extends LicenseGrants {
  code: LicenseCode;
  name: string;
  /** The license's own text, or null for the site's terms (a page on the site) and for none. */
  url: string | null;
  /** One or two sentences a reader or republisher can act on. */
  terms: string;
  isCreativeCommons: boolean;
}

/** A value kept from before, not recognizable as any license of the set. */
export interface OtherLicense extends LicenseGrants {
  code: null;
  name: string;
  url: null;
  terms: string;
  isCreativeCommons: false;
}

export type EffectiveLicense = License | OtherLicense;

/** The path of the page that shows the publication's own terms. */
export const SITE_TERMS_PATH = '/republishing-terms';

/** What a stored value kept from before starts with. */
export const OTHER_LICENSE_PREFIX = 'other:';

/** The longest text an `other:` value keeps, as the column held before. */
export const OTHER_LICENSE_MAX = 200;

const NONE: LicenseGrants = {
  canRepublish: false,
  canUseCommercially: false,
  canModify: false,
  canIncludeImages: false,
};

export const LICENSES: Readonly<Record<LicenseCode, License>> = {
  'site-terms': {
    code: 'site-terms',
    name: 'The publication’s republishing terms',
    url: null,
    terms:
      'Non-commercial reposting is allowed with the source, the copyright notice and a hyperlink to the original article. Commercial use by request.',
    isCreativeCommons: false,
    canRepublish: true,
    canUseCommercially: false,
    canModify: false,
    // Photographs in an article are often licensed to the publication only.
    canIncludeImages: false,
  },
  'cc-by-4.0': {
    code: 'cc-by-4.0',
    name: 'CC BY 4.0',
    url: 'https://creativecommons.org/licenses/by/4.0/',
    terms:
      'You may share and adapt this article for any purpose, even commercially, if you give appropriate credit, link to the license and indicate if changes were made.',
    isCreativeCommons: true,
    canRepublish: true,
    canUseCommercially: true,
    canModify: true,
    canIncludeImages: true,
  },
  'cc-by-nd-4.0': {
    code: 'cc-by-nd-4.0',
    name: 'CC BY-ND 4.0',
    url: 'https://creativecommons.org/licenses/by-nd/4.0/',
    terms:
      'You may share this article for any purpose, even commercially, unchanged, if you give appropriate credit and link to the license.',
    isCreativeCommons: true,
    canRepublish: true,
    canUseCommercially: true,
    canModify: false,
    canIncludeImages: true,
  },
  'cc-by-nc-nd-4.0': {
    code: 'cc-by-nc-nd-4.0',
    name: 'CC BY-NC-ND 4.0',
    url: 'https://creativecommons.org/licenses/by-nc-nd/4.0/',
    terms:
      'You may share this article unchanged, for non-commercial purposes only, if you give appropriate credit and link to the license.',
    isCreativeCommons: true,
    canRepublish: true,
    canUseCommercially: false,
    canModify: false,
    canIncludeImages: true,
  },
  'all-rights-reserved': {
    code: 'all-rights-reserved',
    name: 'All rights reserved',
    url: null,
    terms: 'All rights reserved. The article may not be republished without permission.',
    isCreativeCommons: false,
    ...NONE,
  },
};

/** Whether a value is one of the codes of the set. */
export function isLicenseCode(value: string): value is LicenseCode {
  return (LICENSE_CODES as readonly string[]).includes(value);
}

/** Whether a value can be stored: a code, or a kept `other:` text that is not blank or too long. */
export function isStorableLicense(value: string): boolean {
  if (isLicenseCode(value)) return true;
  if (!value.startsWith(OTHER_LICENSE_PREFIX)) return false;
  const text = value.slice(OTHER_LICENSE_PREFIX.length).trim();
  return text.length > 0 && text.length <= OTHER_LICENSE_MAX;
}

/** The field message for a value that is not a license, naming the codes. */
export function licenseProblem(value: string): string | undefined {
  if (isStorableLicense(value)) return undefined;
  return `must be one of ${LICENSE_CODES.join(', ')}, or "other:" followed by the words of another license`;
}

/**
 * The license a stored value stands for: a code's license, or the words of a value kept from
 * before (which grant nothing).
 */
export function licenseOf(value: string): EffectiveLicense {
  if (isLicenseCode(value)) return LICENSES[value];
  const text = value.startsWith(OTHER_LICENSE_PREFIX)
    ? value.slice(OTHER_LICENSE_PREFIX.length).trim()
    : value;
  return { code: null, name: text, url: null, terms: text, isCreativeCommons: false, ...NONE };
}

/**
 * The license that applies to an article: its own, else the site's default.
 * @example effectiveLicense(null, 'cc-by-4.0').name // 'CC BY 4.0'
 */
export function effectiveLicense(own: string | null, siteDefault: string): EffectiveLicense {
  return licenseOf(own ?? siteDefault);
}

const CC_KINDS: Record<string, LicenseCode> = {
  by: 'cc-by-4.0',
  'by-nd': 'cc-by-nd-4.0',
  'by-nc-nd': 'cc-by-nc-nd-4.0',
};

const CC_NAMES: Record<string, LicenseCode> = {
  attribution: 'cc-by-4.0',
  'attribution-noderivatives': 'cc-by-nd-4.0',
  'attribution-noderivs': 'cc-by-nd-4.0',
  'attribution-noncommercial-noderivatives': 'cc-by-nc-nd-4.0',
  'attribution-noncommercial-noderivs': 'cc-by-nc-nd-4.0',
};

/**
 * The code a license written by hand stands for, when it can be told: a code ("cc-by-4.0"),
 * the usual ways of writing a Creative Commons 4.0 license ("CC BY 4.0", "CC-BY-ND-4.0",
 * "Creative Commons Attribution 4.0 International"), its URL, or "All rights reserved".
 * Anything else is undefined: no guess is made about what someone meant by another license.
 * @example recognizeLicense('https://creativecommons.org/licenses/by-nc-nd/4.0/deed.fr') // 'cc-by-nc-nd-4.0'
 */
export function recognizeLicense(text: string): LicenseCode | undefined {
  const value = text.trim().toLowerCase();
  if (isLicenseCode(value)) return value;
  const url =
    /^(?:https?:\/\/)?(?:www\.)?creativecommons\.org\/licenses\/([a-z-]+)\/4\.0(?:\/(?:legalcode(?:\.[a-z-]+)?|deed\.[a-z-]+)?)?\/?$/.exec(
      value,
    );
  if (url) return CC_KINDS[url[1] ?? ''];
  // "CC BY-NC-ND 4.0", "cc_by_nd_4.0", "Creative Commons BY 4.0 International", "©  All rights reserved."
  const words = value
    .replace(/[.,;:!]+$/, '')
    .replace(/^©\s*/, '')
    .replace(/\blicen[cs]e\b/g, '')
    .replace(/\binternational\b/g, '')
    .replace(/\(\s*\)/g, '')
    .trim()
    .replace(/[\s_]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/-$/, '');
  if (words === 'all-rights-reserved') return 'all-rights-reserved';
  const short = /^(?:cc|creative-commons)-(by(?:-nc)?(?:-nd)?)-4(?:\.0)?$/.exec(words);
  if (short) return CC_KINDS[short[1] ?? ''];
  const long = /^creative-commons-(attribution[a-z-]*?)-4(?:\.0)?$/.exec(words);
  if (long) return CC_NAMES[long[1] ?? ''];
  return undefined;
}

/**
 * A license value as it is stored, from one given by a person or a file: a code, a recognizable
 * way of writing one, or an `other:` value as given; undefined when it is none of those.
 */
export function storedLicenseFrom(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith(OTHER_LICENSE_PREFIX)) return isStorableLicense(trimmed) ? trimmed : undefined;
  return recognizeLicense(trimmed);
}

/**
 * A license as a file or form gives it, ready to validate: empty is none (the site default), a
 * recognizable one becomes its code, and anything else is left as given for validation to refuse
 * by name.
 */
export function licenseInput(text: string | null | undefined): string | null {
  const trimmed = text?.trim() ?? '';
  if (!trimmed) return null;
  return storedLicenseFrom(trimmed) ?? trimmed;
}

/**
 * What a value from before the fixed set becomes: its code when recognizable, otherwise the
 * text kept as `other:<text>` (never dropped).
 */
export function migratedLicense(text: string): string {
  return recognizeLicense(text) ?? `${OTHER_LICENSE_PREFIX}${text.trim()}`;
}

/** The address of a license's terms: the license's own, the site's terms page, or none. */
export function licenseUrl(license: EffectiveLicense, siteUrl: string): string | null {
  if (license.url) return license.url;
  return license.code === 'site-terms' ? `${siteUrl}${SITE_TERMS_PATH}` : null;
}
