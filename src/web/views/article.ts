import type { Article } from '../../domain/article.ts';
import { isGated } from '../../domain/article-access.ts';
import { joinNames } from '../../domain/attribution.ts';
import { hasCommentsOn } from '../../domain/comment.ts';
import {
  commentsFragmentPath,
  commentsPath,
  MEMBER_PATHS,
  personPath,
  reprintRequestPath,
  republishKitPath,
  termPath,
  WEBMENTION_PATH,
} from '../../domain/paths.ts';
import type { Person } from '../../domain/person.ts';
import type { Correction } from '../../domain/ports/correction-store.ts';
import { canAskPermission } from '../../domain/reprint-request.ts';
import type { ResponsiveImage } from '../../domain/responsive-image.ts';
import { absoluteUrl } from '../../domain/url.ts';
import { correctionLabel } from '../../services/newsroom/corrections.ts';
import type { ArticlePageModel, SiteModel } from '../../services/reader.ts';
import { hasRepublishKit } from '../../services/republishing/kit.ts';
import { bodyWithPictures } from './body-images.ts';
import { commentCountText } from './comments.ts';
import { formatDate } from './format.ts';
import { html, raw, type SafeHtml } from './html.ts';
import type { PageMeta } from './layout.ts';
import { personPhoto, picture } from './picture.ts';
import { shareBar } from './share.ts';

function byline(authors: Person[], photos: ReadonlyMap<string, ResponsiveImage>): SafeHtml {
  if (authors.length === 0) return html``;
  const withPhotos = authors.filter((a) => a.photo);
  const links = authors.map((a) => html`<a rel="author" href="${personPath(a.slug)}">${a.name}</a>`);
  const joined: SafeHtml[] = [];
  links.forEach((link, i) => {
    if (i > 0) joined.push(html`${i === links.length - 1 ? ' and ' : ', '}`);
    joined.push(link);
  });
  const line = html`<p class="byline">By ${joined}</p>`;
  if (withPhotos.length === 0) return line;
  return html`<div class="byline-row"><span class="byline__photos">${withPhotos.map((a) =>
    personPhoto(a.photo, photos, { size: 40, className: 'byline__photo', isLazy: false }),
  )}</span>${line}</div>`;
}

function contactLine(person: Person): SafeHtml {
  const parts: SafeHtml[] = [];
  if (person.email) parts.push(html`<a href="mailto:${person.email}">${person.email}</a>`);
  if (person.website)
    parts.push(
      html`<a href="${person.website}" rel="noopener">${person.website.replace(/^https?:\/\//, '')}</a>`,
    );
  return parts.length
    ? html`<p class="contact">Contact: ${parts.map((p, i) => html`${i ? ' · ' : ''}${p}`)}</p>`
    : html``;
}

/**
 * The reference article page, DESIGN items 1 to 10 in order. A preview (`isPreview`) leaves out
 * the share links and forwarding: the address they give may not exist yet, or not be public.
 */
export function articleView(
  model: ArticlePageModel,
  site: SiteModel,
  options: { isPreview?: boolean } = {},
): SafeHtml {
  const { article, authors, attribution } = model;
  const { settings } = site;
  // An article for members is not republishable, whatever its license says: no invitation to.
  const isRepublishable = model.license.canRepublish && !isGated(article);
  const commentsHref = settings.commentsUrl
    ? settings.commentsUrl.replace('{slug}', encodeURIComponent(article.slug))
    : commentsPath(article.slug);
  // Comments elsewhere (commentsUrl) are that site's to show; our own come into the page by script.
  const hasOwnComments = hasCommentsOn(article, { isOpen: settings.commentsOpen }) && !settings.commentsUrl;
  return html`<article class="article" lang="${article.language}">
  <header class="article__header">
    <h1 class="article__title">${article.title}</h1>
    ${article.subtitle ? html`<p class="article__subtitle">${article.subtitle}</p>` : ''}
    ${byline(authors, model.authorPhotos)}
    <p class="article__meta"><span class="publication">${settings.siteName}</span>${
      // A draft previewed before it has a date shows no date, and no comma before the gap.
      article.publishedAt
        ? html`,
      <time datetime="${article.publishedAt}">${formatDate(article.publishedAt, settings.language, settings.timeZone)}</time>`
        : ''
    }
      <span class="reading-time">· ${model.readingMinutes} min read</span></p>
    ${
      model.classification.length
        ? html`<dl class="classification">
      ${model.classification.map(
        (group) => html`<div class="classification__group classification__group--${group.taxonomy.slug}">
        <dt>${group.taxonomy.name}:</dt>
        ${group.terms.map((term) => html`<dd><a href="${termPath(group.taxonomy.slug, term.slug)}">${term.name}</a></dd>`)}
      </div>`,
      )}
    </dl>`
        : ''
    }
  </header>
  ${
    article.epigraph
      ? html`<figure class="epigraph">
    <blockquote><p>${article.epigraph.text}</p></blockquote>
    ${article.epigraph.attribution ? html`<figcaption>— ${article.epigraph.attribution}</figcaption>` : ''}
  </figure>`
      : ''
  }
  ${
    model.image
      ? picture(model.image, {
          sizes: '(min-width: 44.5rem) 42rem, calc(100vw - 2.5rem)',
          isLazy: false,
          className: 'article__image',
        })
      : article.featuredImage
        ? html`<img class="article__image" src="${article.featuredImage}" alt="${article.featuredImageAlt ?? ''}">`
        : ''
  }
  <div class="article__body${isGated(article) && model.isFullText ? ` ${MEMBERS_ONLY_CLASS}` : ''}">
${raw(bodyWithPictures(article.bodyHtml, model.bodyImages))}
  </div>
  ${model.isFullText ? '' : membersOnlyBox(article, settings)}
  ${
    model.corrections.length
      ? html`<aside class="corrections" aria-labelledby="corrections-title">
    <h2 id="corrections-title">Corrections and updates</h2>
    <ul>${model.corrections.map((c) => correctionItem(c, settings))}</ul>
  </aside>`
      : ''
  }
  <hr class="separator">
  <section class="note-to-readers" aria-labelledby="note-title">
    <h2 id="note-title" class="visually-hidden">Note to readers</h2>
    <div class="note-to-readers__text">${raw(settings.html.noteToReaders)}</div>
    ${
      options.isPreview
        ? ''
        : html`${shareBar({ url: model.absoluteUrl, title: article.title, summary: article.summary ?? '', siteName: settings.siteName })}
    <p class="note-to-readers__actions"><a href="${`mailto:?subject=${encodeURIComponent(article.title)}&body=${encodeURIComponent(`${article.title}\n${model.absoluteUrl}\n\n${attribution.text}`)}`}">Forward this article to your email lists</a>${
      isRepublishable
        ? html` ·
      <a href="#republish">Cross-post it on your blog or forum</a>`
        : ''
    }</p>`
    }
  </section>
  ${
    authors.some((a) => a.bio)
      ? html`<div class="author-blurb">
    ${authors.filter((a) => a.bio).map((a) => html`<div class="author-blurb__item">${raw(a.bioHtml ?? '')}${contactLine(a)}</div>`)}
  </div>`
      : ''
  }
  <p class="attribution" id="attribution">The original source of this article is ${
    attribution.isRepublished && attribution.sourceUrl
      ? html`<a href="${attribution.sourceUrl}" rel="noopener">${attribution.sourceName}</a>`
      : html`<a href="${model.absoluteUrl}">${attribution.sourceName}</a>`
  }.<br>
    Copyright © ${attribution.copyrightHolders}, ${attribution.year}.${licenseLine(model)}</p>
  <ul class="article__links">
    ${
      hasCommentsOn(article, { isOpen: settings.commentsOpen }) && !options.isPreview
        ? html`<li class="article__comments-link"><a href="${commentsHref}">${settings.commentsCall}</a>${
            hasOwnComments && model.commentCount > 0 ? html` (${commentCountText(model.commentCount)})` : ''
          }</li>`
        : ''
    }
    <li><a href="${settings.membershipUrl}">${settings.membershipCall}</a></li>
    ${authors.length ? html`<li>Articles by: ${authors.map((a, i) => html`${i ? ', ' : ''}<a href="${personPath(a.slug)}">${a.name}</a>`)}</li>` : ''}
  </ul>
  ${
    hasOwnComments && !options.isPreview
      ? html`<div class="article__comments" data-comments-src="${commentsFragmentPath(article.slug)}"></div>`
      : ''
  }
  ${
    authors.length
      ? html`<section class="about-author" aria-labelledby="about-author-title">
    <h2 id="about-author-title">About the author${authors.length > 1 ? 's' : ''}</h2>
    ${authors.map(
      (a) => html`<div class="about-author__person">
      <h3><a href="${personPath(a.slug)}">${a.name}</a></h3>
      ${a.bioHtml ? raw(a.bioHtml) : ''}
      ${contactLine(a)}
      ${a.links.length ? html`<ul class="about-author__links">${a.links.map((l) => html`<li><a href="${l.url}" rel="noopener">${l.label}</a></li>`)}</ul>` : ''}
    </div>`,
    )}
  </section>`
      : ''
  }
  <section class="legal" aria-label="Terms of use">
    <h2 class="legal__title">Disclaimer</h2>
    ${raw(settings.html.disclaimer)}
    <h2 class="legal__title" id="republish">Republishing</h2>
    ${republishingTerms(model, settings.html.republishingPermission)}
    ${
      isRepublishable
        ? html`${
            hasRepublishKit(model)
              ? html`<p class="republish-link"><a href="${republishKitPath(article.slug)}">Republish this article</a>: copy-ready HTML and text, and what the license lets you do.</p>`
              : ''
          }
    <details class="republish-kit">
      <summary>Copy-ready attribution</summary>
      <label for="attribution-text">Paste this under the article when you republish it</label>
      <textarea id="attribution-text" readonly rows="3">${attribution.text} ${model.absoluteUrl}</textarea>
    </details>`
        : ''
    }
    ${
      canAskPermission(model.license)
        ? html`<p class="reprint-link"><a href="${reprintRequestPath(article.slug)}">Ask to reprint or translate this article</a>: commercial reprints, translations and other uses these terms do not cover, by request.</p>`
        : ''
    }
    <h2 class="legal__title">Fair use notice</h2>
    ${raw(settings.html.fairUseNotice)}
    <h2 class="legal__title">Media inquiries</h2>
    ${raw(settings.html.mediaInquiries)}
  </section>
</article>`;
}

/** The class of the part of a gated article's page that is for members: the text, or the box in its place. */
const MEMBERS_ONLY_CLASS = 'members-only';

/**
 * What a reader not allowed a gated article's text sees after its preview: whom the rest is
 * for, the way to the membership page, and to signing in.
 */
function membersOnlyBox(article: Article, settings: SiteModel['settings']): SafeHtml {
  const isPaid = article.visibility === 'paid';
  const audience = isPaid ? 'paying members' : 'members';
  return html`<aside class="${MEMBERS_ONLY_CLASS}" aria-labelledby="members-only-title">
    <h2 id="members-only-title" class="members-only__title">The rest of this article is for ${audience}</h2>
    <p>${settings.membershipCall}</p>
    <p><a class="members-only__join" href="${settings.membershipUrl}">Become a ${isPaid ? 'paying ' : ''}member</a>, or <a href="${MEMBER_PATHS.signIn}">sign in</a>, to read on.</p>
  </aside>`;
}

/** Meta tags and schema.org NewsArticle for an article page. */
export function articleMeta(model: ArticlePageModel, site: SiteModel): PageMeta {
  const { article, authors } = model;
  const description = article.summary ?? article.subtitle ?? article.title;
  // The search and social fields, when set, speak for the article outside the page; the page's
  // own headline and structured data keep its title.
  const socialImage = article.socialImage ? absoluteUrl(article.socialImage, site.siteUrl) : null;
  const sections = model.classification
    .filter((g) => g.taxonomy.slug !== 'tag')
    .flatMap((g) => g.terms.map((t) => t.name));
  const keywords = model.classification.flatMap((g) => g.terms.map((t) => t.name));
  const image = absoluteUrl(article.featuredImage, site.siteUrl);
  return {
    title: article.seoTitle ?? article.title,
    documentTitle: article.seoTitle,
    description: article.seoDescription ?? description,
    canonicalUrl: model.canonicalUrl,
    type: 'article',
    image: socialImage ?? image,
    imageAlt: socialImage ? null : article.featuredImageAlt,
    language: article.language,
    extraHead: html`<meta property="article:published_time" content="${article.publishedAt ?? ''}">
<meta property="article:modified_time" content="${article.updatedAt}">
${authors.map((a) => html`<meta property="article:author" content="${site.siteUrl}${personPath(a.slug)}">`)}
${sections.map((s) => html`<meta property="article:section" content="${s}">`)}
<meta name="author" content="${joinNames(authors.map((a) => a.name))}">
<link rel="webmention" href="${site.siteUrl}${WEBMENTION_PATH}">`,
    jsonLd: {
      '@context': 'https://schema.org',
      '@type': 'NewsArticle',
      headline: article.title,
      ...(article.subtitle ? { alternativeHeadline: article.subtitle } : {}),
      description,
      url: model.absoluteUrl,
      mainEntityOfPage: { '@type': 'WebPage', '@id': model.canonicalUrl },
      datePublished: article.publishedAt,
      dateModified: article.updatedAt,
      inLanguage: article.language,
      wordCount: article.wordCount,
      ...(image ? { image: [image] } : {}),
      author: authors.map((a) => ({
        '@type': 'Person',
        name: a.name,
        url: `${site.siteUrl}${personPath(a.slug)}`,
      })),
      articleSection: sections,
      keywords: keywords.join(', '),
      publisher: { '@type': 'Organization', name: site.settings.siteName, url: site.siteUrl },
      ...(article.source
        ? {
            isBasedOn: article.source.url ?? article.source.name,
            sourceOrganization: { '@type': 'Organization', name: article.source.name },
          }
        : {}),
      // schema.org's license is a URL (or a CreativeWork); a license kept only as words has none.
      ...(model.licenseUrl ? { license: model.licenseUrl } : {}),
      copyrightHolder: authors.map((a) => ({ '@type': 'Person', name: a.name })),
      copyrightYear: model.attribution.year,
      isAccessibleForFree: !isGated(article),
      ...(hasCommentsOn(article, { isOpen: site.settings.commentsOpen }) && !site.settings.commentsUrl
        ? { commentCount: model.commentCount, discussionUrl: `${site.siteUrl}${commentsPath(article.slug)}` }
        : {}),
      // Where the text for members is (or, to others, would be), as Google asks of paywalled
      // content; the structured data never carries the text itself (no articleBody).
      ...(isGated(article)
        ? {
            hasPart: {
              '@type': 'WebPageElement',
              isAccessibleForFree: false,
              cssSelector: `.${MEMBERS_ONLY_CLASS}`,
            },
          }
        : {}),
      ...(model.corrections.length
        ? {
            correction: model.corrections.map((c) =>
              c.withdrawnAt === null
                ? {
                    '@type': 'CorrectionComment',
                    text: c.note,
                    datePublished: c.createdAt,
                    ...(c.updatedAt ? { dateModified: c.updatedAt } : {}),
                  }
                : {
                    '@type': 'CorrectionComment',
                    text: withdrawalText(c, site.settings),
                    datePublished: c.withdrawnAt,
                  },
            ),
          }
        : {}),
    },
  };
}

/**
 * The license after the copyright line: linked with rel=license to its text (or the site's own
 * terms), as words when it was kept as words, and "All rights reserved" as a plain line.
 */
function licenseLine(model: ArticlePageModel): SafeHtml {
  const { license, licenseUrl } = model;
  if (license.code === 'all-rights-reserved') return html` All rights reserved.`;
  return html`<br><span class="article__license">License: ${
    licenseUrl ? html`<a rel="license" href="${licenseUrl}">${license.name}</a>` : license.name
  }.</span>`;
}

/**
 * What the Republishing section says: the publication's own terms (editable in the settings)
 * for those, a Creative Commons license's terms with its link, or that nothing may be
 * republished without asking.
 */
function republishingTerms(model: ArticlePageModel, ownTermsHtml: string): SafeHtml {
  const { license, licenseUrl } = model;
  if (license.code === 'site-terms') return raw(ownTermsHtml);
  if (license.code === null)
    return html`<p>This article is published under: ${license.name}. Ask the publication before republishing it.</p>`;
  return html`<p>${license.terms}${
    licenseUrl ? html` <a href="${licenseUrl}">Read the license (${license.name})</a>.` : ''
  }</p>`;
}

/**
 * A withdrawn correction is not shown as one, but readers are told that it was withdrawn and
 * why, as newspapers print a correction of a correction: readers, and sites that copied the
 * article, may have seen it, and a note that silently disappears would leave them unsure which
 * version stands. Its text is not repeated, since it may be what was wrong.
 */
function withdrawalText(c: Correction, settings: { language: string; timeZone: string }): string {
  const noun = `${c.kind === 'update' ? 'An' : 'A'} ${correctionLabel(c.kind).toLowerCase()}`;
  return `${noun} of ${formatDate(c.createdAt, settings.language, settings.timeZone)} was withdrawn: ${c.withdrawnReason ?? ''}`;
}

function correctionItem(c: Correction, settings: { language: string; timeZone: string }): SafeHtml {
  if (c.withdrawnAt !== null)
    return html`<li class="corrections__withdrawn"><time datetime="${c.withdrawnAt}">${formatDate(c.withdrawnAt, settings.language, settings.timeZone)}</time>: ${withdrawalText(c, settings)}</li>`;
  // The same words as the newsroom's list: the kind, the day, the note, "(edited …)".
  const edited = c.updatedAt
    ? html` <span class="corrections__revised">(edited <time datetime="${c.updatedAt}">${formatDate(c.updatedAt, settings.language, settings.timeZone)}</time>)</span>`
    : '';
  return html`<li class="corrections__item corrections__item--${c.kind}"><strong class="corrections__kind">${correctionLabel(c.kind)}</strong>, <time datetime="${c.createdAt}">${formatDate(c.createdAt, settings.language, settings.timeZone)}</time>: ${c.note}${edited}</li>`;
}
