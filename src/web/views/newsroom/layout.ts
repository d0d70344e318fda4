import { versionedAssetUrl } from '../../assets.ts';
import { html, type SafeHtml } from '../html.ts';

/** A link in the admin navigation (already filtered to what the user may open). */
export interface AdminNavLink {
  href: string;
  label: string;
  isCurrent: boolean;
  /** Things waiting there (pending requests), shown next to the label when above 0. */
  waiting?: number;
}

export interface AdminPageModel {
  title: string;
  siteName: string;
  body: SafeHtml;
  /** A confirmation shown above the content ("Settings saved"). */
  notice?: string | SafeHtml | undefined;
  /** Absent on the sign-in pages. */
  user?: { name: string; role: string } | undefined;
  nav?: AdminNavLink[];
  /** The CSRF token for the log-out form in the header. */
  csrfToken?: string;
}

/** The admin page frame: header with the role's navigation, the page title, an optional notice. */
export function adminLayout(page: AdminPageModel): SafeHtml {
  const header = page.user
    ? html`<header class="admin-header">
  <div class="admin-header__inner">
    <a class="admin-brand" href="/admin">${page.siteName} <span aria-hidden="true">·</span> Admin</a>
    <div class="admin-user">
      <a href="/admin/account">${page.user.name}</a> <span class="admin-user__role">(${page.user.role})</span>
      <form method="post" action="/admin/logout">
        <input type="hidden" name="_csrf" value="${page.csrfToken ?? ''}">
        <button type="submit" class="link">Log out</button>
      </form>
    </div>
    <nav class="admin-nav" aria-label="Admin">
      <ul>
        ${(page.nav ?? []).map(
          (link) =>
            html`<li><a href="${link.href}"${link.isCurrent ? html` aria-current="page"` : ''}>${link.label}${
              link.waiting
                ? html` <span class="admin-nav__count">${link.waiting}<span class="visually-hidden"> waiting</span></span>`
                : ''
            }</a></li>`,
        )}
      </ul>
    </nav>
  </div>
</header>`
    : '';
  const content = html`<h1>${page.title}</h1>
${page.notice ? html`<p class="notice" role="status">${page.notice}</p>` : ''}
${page.body}`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${page.title} · ${page.siteName} admin</title>
<link rel="stylesheet" href="${versionedAssetUrl('admin.css')}">
<link rel="stylesheet" href="${versionedAssetUrl('newsroom.css')}">
<link rel="icon" href="data:,">
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
${header}
<main id="main" class="admin-main" tabindex="-1">
${page.user ? content : html`<div class="auth-box"><p class="auth-site">${page.siteName}</p>${content}</div>`}
</main>
</body>
</html>`;
}
