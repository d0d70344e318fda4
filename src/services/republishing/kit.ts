import { escapeUTF8 as esc } from 'entities';
import { plainTextWithParagraphs, republishableHtml } from '../../content/markdown.ts';
import type { Article } from '../../domain/article.ts';
import { isGated } from '../../domain/article-access.ts';
import { joinNames } from '../../domain/attribution.ts';
import type { EffectiveLicense } from '../../domain/license.ts';
import { calendarDay } from '../../domain/time-zone.ts';
import type { ArticlePageModel } from '../reader.ts';

/** What another site needs to republish an article: copy-ready HTML and text, and what it may do. */
export interface RepublishKit {
  /** The article as HTML to paste into a page: escaped, with the body sanitized again. */
  html: string;
  /** The same as plain text, with the article's address. */
  text: string;
  /** The tag to put in the republishing page's head. */
  canonicalLink: string;
  /** The attribution line as plain text. */
  attribution: string;
  /** Whether the body kept its images (the license grants them). */
  hasImages: boolean;
  /** What the republisher may do, and must not, as the license says. */
  guidance: { may: string[]; mayNot: string[] };
}

export interface KitSite {
  siteName: string;
  siteUrl: string;
  language: string;
  timeZone: string;
  /** The absolute address of the article's tracking image. */
  trackingImageUrl: string;
}

/**
 * The text a kit may carry. A gated article (for members, or paying members) is not
 * republishable: it has no kit at all, whoever asks, so a member cannot hand its text on either.
 */
function kitBodyHtml(article: Article): string | undefined {
  if (isGated(article)) return undefined;
  return article.bodyHtml;
}

/** Whether the article page offers a kit: the license lets it be republished, and the text is public. */
export function hasRepublishKit(model: Pick<ArticlePageModel, 'article' | 'license'>): boolean {
  return model.license.canRepublish && kitBodyHtml(model.article) !== undefined;
}

/** What a republisher may and may not do under a license, in the words of its grants. */
export function republishGuidance(license: EffectiveLicense): { may: string[]; mayNot: string[] } {
  const may = ['Republish the article on your site, newsletter or forum, free of charge.'];
  const mayNot: string[] = [];
  if (license.canModify) {
    may.push('Edit, shorten or translate it, if you say that you changed it.');
  } else {
    may.push('Change its layout and styles to fit your site.');
    mayNot.push(
      `Edit, shorten or translate the text, or its title: ${license.isCreativeCommons ? 'the license allows' : 'the terms allow'} no modified versions. Publish it whole.`,
    );
  }
  if (license.canUseCommercially) may.push('Use it commercially.');
  else mayNot.push('Use it commercially (behind a paywall, or sold): ask the publication for a reprint.');
  if (license.canIncludeImages) may.push('Republish its images, with their credits.');
  else
    mayNot.push(
      'Use the article’s images: they are left out of the kit, since they are licensed to the publication only. Their credits are kept.',
    );
  mayNot.push('Remove the byline, the attribution line and its link, the license, or the tracking image.');
  return { may, mayNot };
}

/**
 * The republish kit of an article the reader may see, or undefined when it has none (the
 * license does not allow republishing, or the text is not public).
 * @example buildRepublishKit(model, { siteName: 'The Review', ... })?.html // '<article>\n<h1>…'
 */
export function buildRepublishKit(model: ArticlePageModel, site: KitSite): RepublishKit | undefined {
  const { article, license, licenseUrl, attribution } = model;
  const bodyHtml = kitBodyHtml(article);
  if (!license.canRepublish || bodyHtml === undefined) return undefined;
  const hasImages = license.canIncludeImages;
  const body = republishableHtml(bodyHtml, { siteUrl: site.siteUrl, includeImages: hasImages });
  const byline = joinNames(model.authors.map((a) => a.name));
  const day = article.publishedAt ? calendarDay(article.publishedAt, site.language, site.timeZone) : '';
  const dateline = [byline ? `By ${byline}` : '', day].filter(Boolean).join(', ');
  const copyright = `Copyright © ${attribution.copyrightHolders}, ${attribution.year}.`;
  const source = attribution.isRepublished ? attribution : undefined;

  const sourceHtml = source
    ? source.sourceUrl
      ? `<a href="${esc(source.sourceUrl)}">${esc(source.sourceName)}</a>`
      : esc(source.sourceName)
    : '';
  const ours = `<a href="${esc(model.absoluteUrl)}">${esc(site.siteName)}</a>`;
  const originHtml = source
    ? `This article was originally published by ${sourceHtml} and republished by ${ours}.`
    : `This article was originally published by ${ours}.`;
  const licenseHtml = licenseUrl
    ? `<a rel="license" href="${esc(licenseUrl)}">${esc(license.name)}</a>`
    : esc(license.name);
  const html = [
    '<article>',
    `<h1>${esc(article.title)}</h1>`,
    article.subtitle ? `<p><em>${esc(article.subtitle)}</em></p>` : '',
    dateline
      ? `<p>${byline ? `By ${esc(byline)}` : ''}${byline && day ? ', ' : ''}${
          day ? `<time datetime="${esc(article.publishedAt ?? '')}">${esc(day)}</time>` : ''
        }</p>`
      : '',
    body,
    `<p>${originHtml} ${esc(copyright)}</p>`,
    `<p>License: ${licenseHtml}. ${esc(license.terms)}</p>`,
    `<img src="${esc(site.trackingImageUrl)}" alt="" width="1" height="1" referrerpolicy="no-referrer-when-downgrade" style="width:1px!important;height:1px!important;border:0!important;margin:0!important;padding:0!important;opacity:0">`,
    '</article>',
  ]
    .filter(Boolean)
    .join('\n');

  const originText = source
    ? `This article was originally published by ${source.sourceName}${source.sourceUrl ? ` (${source.sourceUrl})` : ''} and republished by ${site.siteName}: ${model.absoluteUrl}`
    : `This article was originally published by ${site.siteName}: ${model.absoluteUrl}`;
  const text = [
    article.title,
    article.subtitle ?? '',
    dateline,
    plainTextWithParagraphs(body),
    `${originText}\n${copyright}`,
    `License: ${license.name}${licenseUrl ? ` (${licenseUrl})` : ''}. ${license.terms}`,
  ]
    .filter(Boolean)
    .join('\n\n');

  return {
    html,
    text,
    canonicalLink: `<link rel="canonical" href="${esc(model.canonicalUrl)}">`,
    attribution: `${originText}\n${copyright}`,
    hasImages,
    guidance: republishGuidance(license),
  };
}
