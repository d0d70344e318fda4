import { articlePath, reprintRequestPath, republishKitPath } from '../../domain/paths.ts';
import { canAskPermission } from '../../domain/reprint-request.ts';
import type { ArticlePageModel, SiteModel } from '../../services/reader.ts';
import type { RepublishKit } from '../../services/republishing/kit.ts';
import { html, type SafeHtml } from './html.ts';
import type { PageMeta } from './layout.ts';

function copyField(input: {
  id: string;
  label: string;
  value: string;
  rows: number;
  what: string;
}): SafeHtml {
  return html`<div class="kit-copy">
    <label for="${input.id}">${input.label}</label>
    <textarea id="${input.id}" readonly rows="${input.rows}" spellcheck="false">${input.value}</textarea>
    <button type="button" class="kit-copy__button" data-copy="#${input.id}" data-copied="Copied" hidden>Copy ${input.what}</button>
  </div>`;
}

/**
 * The republish kit page: what may be done with the article, then its copy-ready HTML and
 * text. Readable and usable without JavaScript (select the text and copy it); site.js shows
 * the copy buttons.
 */
export function republishKitView(model: ArticlePageModel, kit: RepublishKit, site: SiteModel): SafeHtml {
  const { article, license, licenseUrl } = model;
  return html`<article class="kit">
  <p class="kit__back"><a href="${articlePath(article.slug)}">← Back to the article</a></p>
  <h1>Republish “${article.title}”</h1>
  <p>${site.settings.siteName} publishes this article under ${
    licenseUrl ? html`<a rel="license" href="${licenseUrl}">${license.name}</a>` : license.name
  }. ${license.terms}</p>
  <section class="kit__guidance" aria-labelledby="kit-guidance-title">
    <h2 id="kit-guidance-title">What you may do</h2>
    <ul class="kit__may">${kit.guidance.may.map((line) => html`<li>${line}</li>`)}</ul>
    <h2>What you may not do</h2>
    <ul class="kit__may-not">${kit.guidance.mayNot.map((line) => html`<li>${line}</li>`)}</ul>
    ${
      canAskPermission(license)
        ? html`<p class="kit__ask">For anything else, such as a commercial reprint or a translation, <a href="${reprintRequestPath(article.slug)}">ask the publication for permission</a>.</p>`
        : ''
    }
    <p>The HTML below ends with an invisible image: it tells the publication where the article was republished and how often it was read there. It sets no cookie and records nothing about your readers.</p>
  </section>
  <h2>Copy-ready HTML</h2>
  <p>Paste it into your page as HTML${kit.hasImages ? '' : ' (images are left out; their captions and credits stay)'}.</p>
  ${copyField({ id: 'kit-html', label: 'The article as HTML', value: kit.html, rows: 14, what: 'HTML' })}
  <h2>Canonical link</h2>
  <p>Put this in your page’s <code>&lt;head&gt;</code>, so search engines know where the article first appeared.</p>
  ${copyField({ id: 'kit-canonical', label: 'Canonical link', value: kit.canonicalLink, rows: 2, what: 'link' })}
  <h2>Plain text</h2>
  <p>For newsletters and forums that take no HTML.</p>
  ${copyField({ id: 'kit-text', label: 'The article as plain text', value: kit.text, rows: 14, what: 'text' })}
</article>`;
}

export function republishKitMeta(model: ArticlePageModel, site: SiteModel): PageMeta {
  return {
    title: `Republish: ${model.article.title}`,
    description: `How to republish “${model.article.title}” from ${site.settings.siteName}, with copy-ready HTML and text.`,
    canonicalUrl: `${site.siteUrl}${republishKitPath(model.article.slug)}`,
    language: model.article.language,
    // The kit repeats the article: the article is what search engines should show.
    noIndex: true,
  };
}
