import type { OriginalSource } from './article.ts';

export interface AttributionInput {
  authorNames: string[];
  source: OriginalSource | null;
  siteName: string;
  siteUrl: string;
  /** The article's own URL on this site. */
  articleUrl: string;
  publishedAt: string | null;
}

export interface Attribution {
  /** "The original source of this article is …" */
  sourceName: string;
  sourceUrl: string;
  /** Copyright holders: the authors, then the original source. */
  copyrightHolders: string;
  year: number;
  /** Whether the article first appeared in another outlet. */
  isRepublished: boolean;
  /** Plain text line for feeds, emails and copy-ready kits. */
  text: string;
}

/** Joins names as a reader would say them: "A", "A and B", "A, B and C". */
export function joinNames(names: string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/**
 * Builds the attribution line of DESIGN item 7. The original source is this publication
 * unless the article first appeared elsewhere.
 * @example buildAttribution({ authorNames: ['Ana Reis'], source: null, siteName: 'The Review', ... })
 *   // text: 'The original source of this article is The Review. Copyright © Ana Reis, The Review, 2026.'
 */
export function buildAttribution(input: AttributionInput): Attribution {
  const isRepublished = input.source !== null;
  const sourceName = input.source?.name ?? input.siteName;
  const sourceUrl = input.source?.url ?? input.articleUrl;
  const year = input.publishedAt ? new Date(input.publishedAt).getUTCFullYear() : new Date().getUTCFullYear();
  const holders = [joinNames(input.authorNames), sourceName].filter((part) => part.length > 0).join(', ');
  return {
    sourceName,
    sourceUrl,
    copyrightHolders: holders,
    year,
    isRepublished,
    text: `The original source of this article is ${sourceName}. Copyright © ${holders}, ${year}.`,
  };
}
