import type { FastifyReply } from 'fastify';
import type { Reader } from '../../services/reader.ts';
import type { SafeHtml } from '../views/html.ts';
import { type AssetUrls, layout } from '../views/layout.ts';

/** A reader's page that is never cached nor indexed: a form with its token, or what one answered. */
export interface UncachedPage {
  status: number;
  title: string;
  canonicalPath: string;
  body: SafeHtml;
}

/**
 * Sends pages in the site's layout with `no-store` and `noindex`: the pages of reader forms
 * (reprint requests, members), which carry a browser's CSRF token or a member's details.
 */
export function uncachedPageSender(reader: Reader, assets: AssetUrls) {
  return async (reply: FastifyReply, page: UncachedPage) => {
    const site = await reader.site();
    return reply
      .code(page.status)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(
        layout(
          site,
          {
            title: page.title,
            description: page.title,
            canonicalUrl: `${site.siteUrl}${page.canonicalPath}`,
            noIndex: true,
          },
          assets,
          page.body,
        ).value,
      );
  };
}
