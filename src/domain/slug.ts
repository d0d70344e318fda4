/** Slugs that would shadow a fixed route if a page or article took them. */
export const RESERVED_SLUGS = new Set([
  'admin',
  'api',
  'assets',
  'media',
  'articles',
  'authors',
  'search',
  'feed',
  'feeds',
  'sitemap.xml',
  'sitemaps',
  'robots.txt',
  'share',
  'republishing-terms',
  'health',
  'healthz',
  'r',
  'login',
  'logout',
  'members',
  'newsletter',
  'newsletters',
  'oembed',
  'webmention',
  'well-known',
  '.well-known',
  'favicon.ico',
  'rss',
  'atom',
  'json',
  'tag',
  'region',
  'theme',
  'report',
]);

// What a slug is made of: lower-case letters, letters of scripts without case (including modifier
// letters such as the Japanese ー), and digits, each letter with the marks that spell it where a
// script needs them (the vowel signs of हिन्दी, the tone marks of ภาษาไทย). slugify and the
// validator share these classes, so slugify cannot produce a slug the validator refuses.
const SLUG_CHARACTERS = '\\p{Ll}\\p{Lm}\\p{Lo}\\p{N}';
const SPELLING_MARKS = '\\p{Mn}\\p{Mc}';
const SLUG_WORD = `[${SLUG_CHARACTERS}][${SPELLING_MARKS}]*`;
const SLUG_PATTERN = new RegExp(`^(?:${SLUG_WORD})+(?:-(?:${SLUG_WORD})+)*$`, 'u');
const NOT_SLUG_CHARACTERS = new RegExp(`[^${SLUG_CHARACTERS}${SPELLING_MARKS}]+`, 'gu');
// Marks that change nothing a reader sees (variation selectors, the grapheme joiner): kept, they
// would make two slugs that look the same.
const INVISIBLE_MARKS = /[\u034f\u180b-\u180f\ufe00-\ufe0f\u{e0100}-\u{e01ef}]/u;
const INVISIBLE_MARKS_ALL = new RegExp(INVISIBLE_MARKS.source, 'gu');
// Hangul fillers are letters that draw nothing.
const BLANK_LETTERS = /[\u115f\u1160\u3164\uffa0]/gu;
// A run of marks and the character it sits on.
const MARKED = /(^|.)(\p{M}+)/gsu;
// Letters whose marks are spelling rather than accents or optional vowel points: caseless
// scripts other than Arabic, Hebrew and Syriac. Marks on anything else are folded away.
const KEEPS_MARKS = /^\p{Lo}$/u;
const FOLDS_MARKS =
  /^[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}]$/u;
// Apostrophes join a word rather than split it, including the modifier letters that write them
// (the ʻokina of Hawaiʻi, the ʼ of Taʼizz).
const APOSTROPHES = /['’ʻʼʽ]/g;
const MAX_SLUG_LENGTH = 120;

/**
 * Turns a title into a URL slug: lower case, accents folded, words joined by hyphens.
 * Letters of non-Latin scripts are kept, with the marks their spelling needs, so a Cyrillic,
 * Arabic or Hindi title still gets a readable slug (in NFC, as browsers and keyboards write it).
 * The result is empty (no letters or digits) or a slug `isValidSlug` accepts.
 * @example slugify('Law & Justice — São Paulo') // 'law-justice-sao-paulo'
 */
export function slugify(text: string): string {
  const slug = wholeSlug(text);
  // Cut by whole characters: slicing code units could split a surrogate pair.
  let cut = '';
  for (const character of slug) {
    if (cut.length + character.length > MAX_SLUG_LENGTH) break;
    cut += character;
  }
  return cut.replace(/-+$/g, '').normalize('NFC');
}

// Symbols that tell names apart which slugify would drop: C, C# and C++ must not share a slug.
const SHARP = /([\p{L}\p{N}])#/gu;
const PLUSES = /([\p{L}\p{N}])(\++)/gu;
const LEADING_DOT = /(^|[\s(/])\.(?=[\p{L}\p{N}])/gu;

/**
 * A slug for a name in which the symbols that set it apart from another name are spelt out
 * (`#` after a letter, `+` after a letter, a leading dot), where slugify drops them. Used for
 * terms, whose names are often those of languages and frameworks.
 * @example spelledSlug('C#') // 'c-sharp'
 * @example spelledSlug('C++') // 'c-plus-plus'
 * @example spelledSlug('.NET') // 'dot-net'
 * @example spelledSlug('Law & Justice') // 'law-justice'
 */
export function spelledSlug(text: string): string {
  return slugify(
    text
      .replace(SHARP, '$1 sharp ')
      .replace(PLUSES, (_m, base: string, pluses: string) => `${base}${' plus'.repeat(pluses.length)} `)
      .replace(LEADING_DOT, '$1dot '),
  );
}

/**
 * The slug a term gets from its name when none is given: the name itself when it is a slug
 * already, else the name spelt out (spelledSlug). Every importer and the editor make term slugs
 * with it, so that a tag `C#` is `c-sharp` wherever it comes from.
 * @example termSlug('C#') // 'c-sharp'
 * @example termSlug('rivers') // 'rivers'
 */
export function termSlug(name: string): string {
  return isValidSlug(name) ? name : spelledSlug(name);
}

/** Whether slugify(text) had to cut the slug short (it is longer than a slug may be). */
export function isSlugCut(text: string): boolean {
  return wholeSlug(text).length > MAX_SLUG_LENGTH;
}

function wholeSlug(text: string): string {
  return (
    text
      .normalize('NFKD')
      .toLowerCase()
      // Lower-casing can leave marks or compatibility forms again (İ becomes i and a dot above).
      .normalize('NFKD')
      .replace(INVISIBLE_MARKS_ALL, '')
      .replace(MARKED, (_, base: string, marks: string) =>
        KEEPS_MARKS.test(base) && !FOLDS_MARKS.test(base) ? base + marks.replace(/\p{Me}/gu, '') : base,
      )
      .replace(/ß/g, 'ss')
      .replace(APOSTROPHES, '')
      .replace(BLANK_LETTERS, '-')
      .replace(NOT_SLUG_CHARACTERS, '-')
      .replace(/^-+|-+$/g, '')
      .normalize('NFC')
  );
}

/** Whether a slug is written as it is typed: composed (NFC), with no mark a reader cannot see. */
function isPlainlyWritten(slug: string): boolean {
  return (
    slug === slug.normalize('NFC') && !INVISIBLE_MARKS.test(slug) && !/[\u115f\u1160\u3164\uffa0]/u.test(slug)
  );
}

/** Whether a string is already a well-formed slug. */
export function isValidSlug(slug: string): boolean {
  return (
    slug.length > 0 && slug.length <= MAX_SLUG_LENGTH && SLUG_PATTERN.test(slug) && isPlainlyWritten(slug)
  );
}

/**
 * A typed slug tidied into one: lower case, spaces and what a slug cannot hold turned into
 * hyphens, accents folded. A typed slug that is already one is kept as it is; one with nothing
 * a slug can hold is kept too, for the validator to refuse with its message.
 * @example tidySlug(' Harbour Dues 2026! ') // 'harbour-dues-2026'
 */
export function tidySlug(typed: string): string {
  const trimmed = typed.trim();
  if (trimmed === '' || isValidSlug(trimmed)) return trimmed;
  return slugify(trimmed) || trimmed;
}

/** Problem with a proposed slug, or undefined when it is fine. */
export function slugProblem(slug: string): string | undefined {
  if (slug.length === 0) return 'must not be empty';
  if (slug.length > MAX_SLUG_LENGTH) return `must be at most ${MAX_SLUG_LENGTH} characters`;
  if (!SLUG_PATTERN.test(slug) || !isPlainlyWritten(slug))
    return 'may contain only lower-case letters, digits and single hyphens';
  return undefined;
}

/**
 * A slug with a suffix ("-2", "-imported"), the slug cut by whole characters so that the whole
 * stays within the length limit.
 * @example slugWithSuffix('about', '-imported') // 'about-imported'
 */
export function slugWithSuffix(slug: string, suffix: string): string {
  let cut = '';
  for (const character of slug) {
    if (cut.length + character.length + suffix.length > MAX_SLUG_LENGTH) break;
    cut += character;
  }
  return `${cut.replace(/-+$/g, '')}${suffix}`;
}

/**
 * The slugs an article may take, in order, when another holds the one it asks for: `hello`,
 * `hello-2`, `hello-3` … Every importer renames the same way, and so does a new article whose
 * slug comes from its title.
 */
export function* numberedSlugs(slug: string): Generator<string> {
  yield slug;
  for (let n = 2; n < 1000; n += 1) yield slugWithSuffix(slug, `-${n}`);
}

/** The slugs an imported page may take, in order: `about`, `about-imported`, `about-imported-2` … */
export function* importedPageSlugs(slug: string): Generator<string> {
  yield slug;
  yield slugWithSuffix(slug, '-imported');
  for (let n = 2; n < 1000; n += 1) yield slugWithSuffix(slug, `-imported-${n}`);
}
