import { escapeUTF8 } from 'entities';
import { plainTextWithParagraphs } from '../../content/markdown.ts';
import type { ArticleSummary } from '../../domain/article.ts';
import { articlePath } from '../../domain/paths.ts';

/**
 * Stands where each recipient's own unsubscribe URL goes. The issue is rendered once (mjml is
 * far too slow to run per message); only this marker is replaced per recipient. It holds no
 * character HTML or mjml would escape, so it comes out of rendering as it went in.
 */
export const UNSUBSCRIBE_MARKER = 'PRESSROOM-UNSUBSCRIBE-URL-7f3a9c';

/** Stands where each recipient's link to their newsletter choices goes, as UNSUBSCRIBE_MARKER does. */
export const PREFERENCES_MARKER = 'PRESSROOM-PREFERENCES-URL-2b8e41';

/** An issue's two bodies, with the markers where each recipient's own links go. */
export interface RenderedIssue {
  html: string;
  text: string;
}

/** What rendering needs of an issue. */
export interface IssueContent {
  publicationName: string;
  newsletterName: string;
  subject: string;
  intro: string;
  /**
   * The intro's Markdown rendered to sanitized HTML (renderMarkdown); without it, the intro is
   * shown as escaped plain-text paragraphs.
   */
  introHtml?: string;
  siteUrl: string;
  /** isForMembers: a gated article, shown as its title and summary with a "for members" mark. */
  articles: (Pick<ArticleSummary, 'title' | 'slug' | 'summary'> & { isForMembers?: boolean })[];
}

const FOR_MEMBERS = 'For members';

const escapeHtml = escapeUTF8;

function paragraphs(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
}

/** The issue as mjml markup: a header, the intro, each article with its summary, and the footer. */
export function issueMjml(content: IssueContent): string {
  const intro =
    content.introHtml !== undefined
      ? content.introHtml && `<mj-text font-size="16px" line-height="1.5">${content.introHtml}</mj-text>`
      : paragraphs(content.intro)
          .map((p) => `<mj-text font-size="16px" line-height="1.5">${escapeHtml(p)}</mj-text>`)
          .join('\n');
  const articles = content.articles
    .map((article) => {
      const url = `${content.siteUrl}${articlePath(article.slug)}`;
      const summary = article.summary
        ? `<mj-text font-size="15px" line-height="1.5" color="#333333">${escapeHtml(article.summary)}</mj-text>`
        : '';
      const mark = article.isForMembers
        ? `<mj-text font-size="12px" color="#7a4a00" text-transform="uppercase" padding-bottom="0">${FOR_MEMBERS}</mj-text>`
        : '';
      return `${mark}<mj-text font-size="20px" font-weight="bold" line-height="1.3" padding-top="20px"><a href="${escapeHtml(url)}" style="color:#1a1a1a">${escapeHtml(article.title)}</a></mj-text>
${summary}`;
    })
    .join('\n');
  return `<mjml lang="en">
<mj-head>
  <mj-title>${escapeHtml(content.subject)}</mj-title>
  <mj-attributes><mj-all font-family="Georgia, 'Times New Roman', serif" /></mj-attributes>
</mj-head>
<mj-body background-color="#f4f4f4">
  <mj-section background-color="#ffffff">
    <mj-column>
      <mj-text font-size="13px" color="#555555" text-transform="uppercase" letter-spacing="1px">${escapeHtml(content.publicationName)} · ${escapeHtml(content.newsletterName)}</mj-text>
      <mj-text font-size="26px" font-weight="bold" line-height="1.2">${escapeHtml(content.subject)}</mj-text>
      ${intro}
      <mj-divider border-width="1px" border-color="#dddddd" />
      ${articles}
    </mj-column>
  </mj-section>
  <mj-section>
    <mj-column>
      <mj-text font-size="12px" color="#555555" align="center">You receive ${escapeHtml(content.newsletterName)} because you subscribed at <a href="${escapeHtml(content.siteUrl)}" style="color:#555555">${escapeHtml(content.siteUrl)}</a>. <a href="${PREFERENCES_MARKER}" style="color:#555555">Choose your newsletters</a> · <a href="${UNSUBSCRIBE_MARKER}" style="color:#555555">Unsubscribe</a></mj-text>
    </mj-column>
  </mj-section>
</mj-body>
</mjml>`;
}

/** The text part: the same content, readable as plain text. */
export function issueText(content: IssueContent): string {
  const lines = [`${content.publicationName} · ${content.newsletterName}`, '', content.subject, ''];
  const intro = content.introHtml !== undefined ? plainTextWithParagraphs(content.introHtml) : content.intro;
  for (const p of paragraphs(intro)) lines.push(p, '');
  for (const article of content.articles) {
    lines.push(
      article.isForMembers ? `${article.title} (${FOR_MEMBERS.toLowerCase()})` : article.title,
      `${content.siteUrl}${articlePath(article.slug)}`,
    );
    if (article.summary) lines.push(article.summary);
    lines.push('');
  }
  lines.push(
    '--',
    `You receive ${content.newsletterName} because you subscribed at ${content.siteUrl}.`,
    `Choose your newsletters: ${PREFERENCES_MARKER}`,
    `Unsubscribe: ${UNSUBSCRIBE_MARKER}`,
  );
  return lines.join('\n');
}

/** Renders an issue once: mjml to HTML with the CSS inlined, and the text part. */
export async function renderIssue(content: IssueContent): Promise<RenderedIssue> {
  const { default: mjml2html } = await import('mjml');
  const result = await mjml2html(issueMjml(content), { validationLevel: 'strict', keepComments: false });
  return { html: result.html, text: issueText(content) };
}

/** A recipient's own links in the footer. */
export interface RecipientLinks {
  unsubscribeUrl: string;
  preferencesUrl: string;
}

/** One recipient's bodies: the rendered issue with their own links in place. */
export function personalise(issue: RenderedIssue, links: RecipientLinks): RenderedIssue {
  const fill = (body: string, encode: (url: string) => string) =>
    body
      .replaceAll(UNSUBSCRIBE_MARKER, encode(links.unsubscribeUrl))
      .replaceAll(PREFERENCES_MARKER, encode(links.preferencesUrl));
  return { html: fill(issue.html, escapeHtml), text: fill(issue.text, (url) => url) };
}
