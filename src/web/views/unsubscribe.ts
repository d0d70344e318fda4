import { html, type SafeHtml } from './html.ts';

/** The unsubscribe page before the member confirms: one button, a plain form (no script needed). */
export function unsubscribeConfirmView(input: {
  newsletterName: string;
  isSubscribed: boolean;
  action: string;
  token: string;
}): SafeHtml {
  if (!input.isSubscribed) return unsubscribedView(input.newsletterName);
  return html`<article class="unsubscribe">
  <h1>Unsubscribe from ${input.newsletterName}</h1>
  <p>You will no longer receive ${input.newsletterName} by email. Your other newsletters and your membership stay as they are.</p>
  <form method="post" action="${input.action}">
    <input type="hidden" name="token" value="${input.token}">
    <button type="submit">Unsubscribe</button>
  </form>
</article>`;
}

/** The page after unsubscribing (or for a member who already had). */
export function unsubscribedView(newsletterName: string): SafeHtml {
  return html`<article class="unsubscribe">
  <h1>You are unsubscribed</h1>
  <p>You will no longer receive ${newsletterName} by email.</p>
  <p><a href="/">Back to the front page</a></p>
</article>`;
}
