import type { FieldError } from '../errors.ts';
import type { EffectiveLicense } from './license.ts';
import { lengthErrors } from './limits.ts';
import { BIDI_MESSAGE, cleanLine, hasBidiControls, stripXmlForbidden } from './text.ts';

/** What a requester asks for: to reprint the article (commercially), or to translate it. */
export const REPRINT_KINDS = ['reprint', 'translation'] as const;
export type ReprintKind = (typeof REPRINT_KINDS)[number];

/** Where a request stands in the editors' queue. */
export const REPRINT_STATUSES = ['pending', 'approved', 'declined'] as const;
export type ReprintStatus = (typeof REPRINT_STATUSES)[number];

/** The decisions an editor can take on a pending request. */
export type ReprintDecision = Exclude<ReprintStatus, 'pending'>;

/** The longest value of each field, in characters; no column is smaller. */
export const REPRINT_REQUEST_LIMITS = {
  requesterName: 200,
  email: 320,
  organisation: 200,
  outlet: 200,
  targetLanguage: 100,
  message: 5000,
  replyText: 10_000,
} as const;

/** What a requester sends with the form. */
export interface ReprintRequestInput {
  kind: string;
  requesterName: string;
  email: string;
  organisation: string;
  outlet: string;
  targetLanguage: string;
  message: string;
}

/** A request as stored. */
export interface ReprintRequest {
  id: number;
  articleId: number;
  kind: ReprintKind;
  requesterName: string;
  email: string;
  organisation: string | null;
  outlet: string | null;
  /** Only for translations. */
  targetLanguage: string | null;
  message: string;
  status: ReprintStatus;
  /** The staff user who decided, while their account exists. */
  decidedBy: number | null;
  /** Who decided, as the audit log names them (kept when the account is gone). */
  decidedByLabel: string | null;
  decidedAt: string | null;
  replyText: string | null;
  /** When the reply reached the mail server; null while it waits in the queue. */
  replySentAt: string | null;
  createdAt: string;
}

/** What the requester wrote, as kept. */
export type ReprintRequestFields = Pick<
  ReprintRequest,
  'kind' | 'requesterName' | 'email' | 'organisation' | 'outlet' | 'targetLanguage' | 'message'
>;

/** A request with its article's title and slug, as the queue lists it. */
export interface ReprintRequestListed extends ReprintRequest {
  articleTitle: string;
  articleSlug: string;
}

// The same test as staff accounts use: one @, something before and a dot after, no spaces (so no
// line breaks that could end up in a mail header).
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function isKind(value: string): value is ReprintKind {
  return (REPRINT_KINDS as readonly string[]).includes(value);
}

/** The request's fields tidied (trimmed; blanks to null; no language for a reprint), or every problem with them. */
export function readReprintRequest(
  input: ReprintRequestInput,
): { ok: true; value: ReprintRequestFields } | { ok: false; errors: FieldError[] } {
  // Characters no page can show (XML's forbidden ones) are dropped, and direction controls from
  // the one-line fields shown among others; a name keeps them, to be refused.
  const trimmed = {
    requesterName: stripXmlForbidden(input.requesterName).trim(),
    email: stripXmlForbidden(input.email).trim(),
    organisation: cleanLine(input.organisation).trim(),
    outlet: cleanLine(input.outlet).trim(),
    targetLanguage: cleanLine(input.targetLanguage).trim(),
    message: stripXmlForbidden(input.message).trim(),
  };
  const errors: FieldError[] = [];
  if (!isKind(input.kind)) errors.push({ field: 'kind', message: 'must be a reprint or a translation' });
  errors.push(
    ...lengthErrors([
      ['name', trimmed.requesterName, REPRINT_REQUEST_LIMITS.requesterName],
      ['email', trimmed.email, REPRINT_REQUEST_LIMITS.email],
      ['organisation', trimmed.organisation, REPRINT_REQUEST_LIMITS.organisation],
      ['outlet', trimmed.outlet, REPRINT_REQUEST_LIMITS.outlet],
      ['language', trimmed.targetLanguage, REPRINT_REQUEST_LIMITS.targetLanguage],
      ['message', trimmed.message, REPRINT_REQUEST_LIMITS.message],
    ]),
  );
  const has = (field: string) => errors.some((e) => e.field === field);
  if (!has('name')) {
    if (trimmed.requesterName === '') errors.push({ field: 'name', message: 'must not be empty' });
    else if (hasBidiControls(trimmed.requesterName)) errors.push({ field: 'name', message: BIDI_MESSAGE });
  }
  if (!has('email')) {
    if (trimmed.email === '') errors.push({ field: 'email', message: 'must not be empty' });
    else if (!EMAIL.test(trimmed.email))
      errors.push({ field: 'email', message: 'must be an email address, such as name@example.org' });
  }
  if (!has('language') && input.kind === 'translation' && trimmed.targetLanguage === '')
    errors.push({ field: 'language', message: 'must say which language the translation would be in' });
  if (!has('message') && trimmed.message === '')
    errors.push({ field: 'message', message: 'must say where and how the article would be used' });
  if (errors.length > 0) return { ok: false, errors };
  const kind = input.kind as ReprintKind;
  return {
    ok: true,
    value: {
      kind,
      requesterName: trimmed.requesterName,
      email: trimmed.email,
      organisation: trimmed.organisation || null,
      outlet: trimmed.outlet || null,
      targetLanguage: kind === 'translation' ? trimmed.targetLanguage : null,
      message: trimmed.message,
    },
  };
}

/** The problems with an editor's reply, by the form's field name. */
export function replyTextErrors(replyText: string): FieldError[] {
  const errors = lengthErrors([['reply', replyText, REPRINT_REQUEST_LIMITS.replyText]]);
  if (errors.length === 0 && replyText.trim() === '')
    errors.push({ field: 'reply', message: 'must not be empty: it is the email the requester receives' });
  return errors;
}

/**
 * Whether readers are offered the form: when the license keeps back something a publication may
 * want (commercial use, or changes such as a translation). Under CC BY nothing is kept back.
 */
export function canAskPermission(license: EffectiveLicense): boolean {
  return !(license.canRepublish && license.canUseCommercially && license.canModify);
}

/**
 * A license's name and terms in one sentence, without saying the name twice when the terms
 * begin with it ("All rights reserved. All rights reserved. …").
 */
export function licenseSummary(license: Pick<EffectiveLicense, 'name' | 'terms'>): string {
  return license.terms.startsWith(license.name) ? license.terms : `${license.name}. ${license.terms}`;
}

/** How a kind reads in a sentence ("a reprint", "a translation into French"). */
export function describeRequest(request: Pick<ReprintRequest, 'kind' | 'targetLanguage'>): string {
  return request.kind === 'translation'
    ? `a translation${request.targetLanguage ? ` into ${request.targetLanguage}` : ''}`
    : 'a reprint';
}

/**
 * The reply an editor starts from, for an approval or a refusal: it names the article, what was
 * asked, and the terms the article is published under.
 */
export function replyTemplate(input: {
  decision: ReprintDecision;
  request: Pick<ReprintRequest, 'kind' | 'targetLanguage' | 'requesterName' | 'outlet'>;
  article: { title: string; url: string };
  license: Pick<EffectiveLicense, 'name' | 'terms'>;
  siteName: string;
}): string {
  const { decision, request, article, license, siteName } = input;
  const what = describeRequest(request);
  const where = request.outlet ? ` in ${request.outlet}` : '';
  const lines = [`Dear ${request.requesterName},`, ''];
  if (decision === 'approved') {
    lines.push(
      `Thank you for asking. ${siteName} grants you permission for ${what} of “${article.title}”${where}, on these conditions:`,
      '',
      `- credit the author(s) and ${siteName} as the original source, with a link to ${article.url};`,
      '- keep the copyright notice shown under the article;',
      request.kind === 'translation'
        ? '- say that it is a translation, and keep its meaning faithful to the original;'
        : '- publish the text unchanged, apart from formatting;',
      '- this permission covers the use you described, not further reprints or sales to third parties.',
    );
  } else {
    lines.push(
      `Thank you for your interest in “${article.title}”. We are unable to grant permission for ${what}${where} at this time.`,
    );
  }
  lines.push(
    '',
    `For reference, the article is published under these terms: ${licenseSummary(license)}`,
    '',
    'Kind regards,',
    siteName,
  );
  return lines.join('\n');
}
