import type { Member, MemberTokenKind } from '../../domain/member.ts';
import { MEMBER_LIMITS } from '../../domain/member.ts';
import type { Newsletter } from '../../domain/newsletter.ts';
import { MEMBER_PATHS } from '../../domain/paths.ts';
import { html, type SafeHtml } from './html.ts';
import { newsletterChoiceFields } from './newsletter-choices.ts';
import { honeypotField, type ReaderFormParts, readerFormErrors, readerFormField } from './reader-form.ts';

/** A form's state: what was typed and, after a refused submission, what is wrong by field. */
export interface MemberFormState {
  values?: Record<string, string>;
  errors?: Record<string, string>;
}

/** The newsletters a form offers, and those ticked. */
export interface NewsletterChoiceState {
  newsletters: Newsletter[];
  chosenIds: readonly number[];
}

const FORM: ReaderFormParts = {
  idPrefix: 'member',
  labels: { email: 'Your email address', name: 'Your name', newsletters: 'Newsletters' },
};

const ACCOUNT_FORM: ReaderFormParts = {
  idPrefix: 'account',
  labels: { email: 'New email address', name: 'Your name', newsletters: 'Newsletters' },
};

function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

function textField(
  form: ReaderFormParts,
  state: MemberFormState,
  field: { name: 'email' | 'name'; isRequired: boolean; hint?: string },
): SafeHtml {
  const value = state.values?.[field.name] ?? '';
  const type = field.name === 'email' ? 'email' : 'text';
  return readerFormField(form, {
    name: field.name,
    error: state.errors?.[field.name],
    isRequired: field.isRequired,
    ...(field.hint ? { hint: field.hint } : {}),
    control: (attributes) =>
      html`<input type="${type}" ${attributes} value="${value}" maxlength="${MEMBER_LIMITS[field.name]}" autocomplete="${field.name}">`,
  });
}

/** The join form's newsletters, when any is offered: nothing is sent before the address is confirmed. */
function joinChoices(choices: NewsletterChoiceState | undefined, error: string | undefined): SafeHtml {
  if (!choices || choices.newsletters.length === 0) return html``;
  return html`<h2 class="reader-form__subheading">Newsletters</h2>
    <p class="reader-form__hint">Choose what we email you. Nothing is sent until you confirm your address; you can change this at any time.</p>
    ${newsletterChoiceFields({ idPrefix: 'member', ...choices, error })}`;
}

/** The sign-up form: an address, an optional name and the newsletters; a link to confirm is mailed. */
export function joinView(
  input: { siteName: string; csrfToken: string; choices?: NewsletterChoiceState } & MemberFormState,
): SafeHtml {
  return html`<article class="reader-form">
  <h1>Become a member of ${input.siteName}</h1>
  <p>Members hear from us by email and help keep this publication independent. There is no password: we email you a link each time you sign in.</p>
  ${readerFormErrors(FORM, input.errors ?? {})}
  <form method="post" action="${MEMBER_PATHS.join}" novalidate>
    ${csrfField(input.csrfToken)}
    ${textField(FORM, input, { name: 'email', isRequired: true, hint: 'We send a link to this address to confirm it is yours.' })}
    ${textField(FORM, input, { name: 'name', isRequired: false })}
    ${joinChoices(input.choices, input.errors?.newsletters)}
    ${honeypotField('member')}
    <p class="reader-form__privacy">By joining you agree that we write to you at this address. You can download what we keep about you, or delete your account, at any time from your account page.</p>
    <button type="submit">Join</button>
  </form>
  <p>Already a member? <a href="${MEMBER_PATHS.signIn}">Sign in</a>.</p>
</article>`;
}

/** The sign-in form: an address, to which a one-time link is mailed. */
export function signInView(
  input: { siteName: string; csrfToken: string; returnTo?: string | undefined } & MemberFormState,
): SafeHtml {
  return html`<article class="reader-form">
  <h1>Sign in to ${input.siteName}</h1>
  <p>Members sign in with a link we email them: enter your address and open the link from your inbox.</p>
  ${readerFormErrors(FORM, input.errors ?? {})}
  <form method="post" action="${MEMBER_PATHS.signIn}" novalidate>
    ${csrfField(input.csrfToken)}
    ${input.returnTo ? html`<input type="hidden" name="return" value="${input.returnTo}">` : ''}
    ${textField(FORM, input, { name: 'email', isRequired: true })}
    ${honeypotField('member')}
    <button type="submit">Email me a sign-in link</button>
  </form>
  <p>Not a member yet? <a href="${MEMBER_PATHS.join}">Join</a>.</p>
</article>`;
}

/** What the join and sign-in forms answer, the same whether or not the address has an account. */
export function checkInboxView(): SafeHtml {
  return html`<article class="reader-form">
  <h1>Check your inbox</h1>
  <p>If the address can be used here, a message with a link is on its way to it. Open the link to continue; it works once, for a limited time.</p>
  <p>Nothing arrived after a few minutes? Look in your spam folder, or <a href="${MEMBER_PATHS.signIn}">ask for a new link</a>.</p>
</article>`;
}

const CONFIRM_WORDS: Record<MemberTokenKind, { title: string; text: string; button: string }> = {
  signup: {
    title: 'Confirm your membership',
    text: 'Press the button to confirm your email address and start your membership.',
    button: 'Confirm and sign in',
  },
  signin: {
    title: 'Sign in',
    text: 'Press the button to sign in on this device.',
    button: 'Sign in',
  },
  email: {
    title: 'Confirm your new email address',
    text: 'Press the button to use this address for your account from now on. Every other device will be signed out.',
    button: 'Confirm the new address',
  },
};

/**
 * The page a mailed link opens: a button that posts the token. Mail scanners open links by
 * themselves; only a person pressing the button uses it.
 */
export function confirmView(input: {
  kind: MemberTokenKind;
  email: string;
  token: string;
  csrfToken: string;
  /** A path of this site to land on once signed in (checked by safeReturnPath). */
  returnTo?: string | undefined;
}): SafeHtml {
  const words = CONFIRM_WORDS[input.kind];
  return html`<article class="reader-form">
  <h1>${words.title}</h1>
  <p>${words.text}</p>
  <p>You will be signed in as <strong>${input.email}</strong>. If that is not your address, leave this page.</p>
  <form method="post" action="${MEMBER_PATHS.confirm}">
    ${csrfField(input.csrfToken)}
    <input type="hidden" name="token" value="${input.token}">
    ${input.returnTo ? html`<input type="hidden" name="return" value="${input.returnTo}">` : ''}
    <button type="submit">${words.button}</button>
  </form>
</article>`;
}

/** A link that is unknown, used or expired. */
export function invalidLinkView(message: string): SafeHtml {
  return html`<article class="reader-form">
  <h1>This link does not work any more</h1>
  <p>${message}</p>
  <p><a href="${MEMBER_PATHS.signIn}">Ask for a new sign-in link</a> or <a href="${MEMBER_PATHS.join}">join</a>.</p>
</article>`;
}

const NOTICES: Record<string, string> = {
  welcome: 'Welcome: your membership is confirmed and you are signed in.',
  'signed-in': 'You are signed in.',
  'email-changed': 'Your new email address is confirmed. Other devices were signed out.',
  'email-sent':
    'We sent a link to your new address: open it to confirm the change. Until then we keep using your current address.',
  'name-saved': 'Your name is saved.',
  'newsletters-saved': 'Your newsletter choices are saved.',
};

/** One part of the account page: a heading, a few words, and a form that posts with the CSRF token. */
function accountSection(input: {
  id: string;
  heading: string;
  intro?: string;
  action: string;
  csrfToken: string;
  button: string;
  errors?: Record<string, string> | undefined;
  fields?: SafeHtml;
}): SafeHtml {
  const headingId = `account-${input.id}-heading`;
  return html`<section aria-labelledby="${headingId}">
    <h2 id="${headingId}">${input.heading}</h2>
    ${input.intro ? html`<p>${input.intro}</p>` : ''}
    ${readerFormErrors(ACCOUNT_FORM, input.errors ?? {})}
    <form method="post" action="${input.action}"${input.fields ? html` novalidate` : ''}>
      ${csrfField(input.csrfToken)}
      ${input.fields ?? ''}
      <button type="submit">${input.button}</button>
    </form>
  </section>`;
}

/** The account page's newsletters: every offered one, ticked as the member chose. */
function accountNewsletters(
  choices: NewsletterChoiceState,
  state: MemberFormState | undefined,
  csrfToken: string,
): SafeHtml {
  if (choices.newsletters.length === 0)
    return html`<section aria-labelledby="account-newsletters-heading">
    <h2 id="account-newsletters-heading">Newsletters</h2>
    <p>There are no newsletters to choose from at the moment.</p>
  </section>`;
  return accountSection({
    id: 'newsletters',
    heading: 'Newsletters',
    intro: 'Tick the newsletters you want by email, untick those you do not, and save.',
    action: MEMBER_PATHS.accountNewsletters,
    csrfToken,
    button: 'Save my newsletters',
    errors: state?.errors,
    fields: newsletterChoiceFields({ idPrefix: 'account', ...choices, error: state?.errors?.newsletters }),
  });
}

/** The signed-in member's account page: name, address, newsletters, their data, deletion, sign-out. */
export function accountView(input: {
  member: Member;
  csrfToken: string;
  choices: NewsletterChoiceState;
  notice?: string | undefined;
  name?: MemberFormState;
  email?: MemberFormState;
  newsletters?: MemberFormState;
}): SafeHtml {
  const { member, csrfToken } = input;
  // Only the notices above: a query naming a property every object inherits (constructor, toString) shows nothing.
  const notice = input.notice && Object.hasOwn(NOTICES, input.notice) ? NOTICES[input.notice] : undefined;
  const nameState: MemberFormState = { values: { name: member.name }, ...input.name };
  const emailState = input.email ?? {};
  return html`<article class="reader-form member-account">
  <h1>Your account</h1>
  ${notice ? html`<p class="reader-form__notice" role="status">${notice}</p>` : ''}
  <p>Signed in as <strong>${member.email}</strong>${member.consentAt ? html`, a member since ${member.consentAt.slice(0, 10)}` : ''}.</p>
  <form method="post" action="${MEMBER_PATHS.signOut}" class="member-account__signout">
    ${csrfField(csrfToken)}
    <button type="submit">Sign out</button>
  </form>

  ${accountSection({
    id: 'name',
    heading: 'Name',
    action: MEMBER_PATHS.accountName,
    csrfToken,
    button: 'Save the name',
    errors: nameState.errors,
    fields: textField(ACCOUNT_FORM, nameState, { name: 'name', isRequired: false }),
  })}
  ${accountSection({
    id: 'email',
    heading: 'Email address',
    intro: 'We send a link to the new address; your account moves to it once you open the link there.',
    action: MEMBER_PATHS.accountEmail,
    csrfToken,
    button: 'Change the address',
    errors: emailState.errors,
    fields: textField(ACCOUNT_FORM, emailState, { name: 'email', isRequired: true }),
  })}
  ${accountNewsletters(input.choices, input.newsletters, csrfToken)}
  ${accountSection({
    id: 'data',
    heading: 'Your data',
    intro: 'Download everything we keep about you, as a JSON file.',
    action: MEMBER_PATHS.accountData,
    csrfToken,
    button: 'Download my data',
  })}

  <section aria-labelledby="account-delete-heading">
    <h2 id="account-delete-heading">Delete the account</h2>
    <p>Deleting your account deletes your data with it, and signs you out everywhere.</p>
    <p><a href="${MEMBER_PATHS.accountDelete}">Delete my account and data…</a></p>
  </section>
</article>`;
}

/** The page that asks for a confirming press before an account is deleted. */
export function deleteAccountView(input: { member: Member; csrfToken: string }): SafeHtml {
  return html`<article class="reader-form">
  <h1>Delete your account?</h1>
  <p>This deletes the account of <strong>${input.member.email}</strong> and everything we keep about it. It cannot be undone; you can join again later as a new member.</p>
  <form method="post" action="${MEMBER_PATHS.accountDelete}">
    ${csrfField(input.csrfToken)}
    <button type="submit">Delete my account and data</button>
  </form>
  <p><a href="${MEMBER_PATHS.account}">Keep my account</a></p>
</article>`;
}

/** After deletion. */
export function accountDeletedView(): SafeHtml {
  return html`<article class="reader-form">
  <h1>Your account is deleted</h1>
  <p>We no longer keep anything about you, and you are signed out on every device. Thank you for having been a member.</p>
  <p><a href="/">Back to the front page</a></p>
</article>`;
}
