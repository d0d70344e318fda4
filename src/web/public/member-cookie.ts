/**
 * The cookie of a member's session, apart from the staff's (`pressroom_session`): a staff
 * session never opens a member's pages, nor a member's the admin. HttpOnly and SameSite=Lax (a
 * member following a link from elsewhere arrives signed in); on https it is Secure with the
 * __Host- prefix, so a sibling subdomain cannot plant one. Doors that show something to members
 * read it and call memberForSession (services/members/sessions.ts).
 */
export function memberCookie(siteUrl: string, maxDays: number) {
  const isSecure = siteUrl.startsWith('https:');
  return {
    name: memberCookieName(siteUrl),
    options: {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: isSecure,
      maxAge: Math.round(maxDays * 24 * 3600),
    },
    clearOptions: { path: '/', httpOnly: true, sameSite: 'lax', secure: isSecure },
  } as const;
}

/** The member cookie's name for a site URL (https gets the __Host- prefix). */
export function memberCookieName(siteUrl: string): string {
  return `${siteUrl.startsWith('https:') ? '__Host-' : ''}pressroom_member`;
}
