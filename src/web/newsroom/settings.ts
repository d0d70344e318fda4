import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import {
  DEFAULT_SETTINGS,
  MARKDOWN_SETTINGS,
  SETTING_KEYS,
  type SiteSettings,
} from '../../domain/settings.ts';
import { currentTimeZoneName, timeZoneNames } from '../../domain/time-zone.ts';
import { editSettings, loadSiteSettings } from '../../services/settings.ts';
import { NoticeQuery, type TypedApp } from '../schemas.ts';
import { html } from '../views/html.ts';
import { licenseOptions } from '../views/newsroom/license-options.ts';
import type { AdminDeps } from './deps.ts';
import { csrfField, errorSummary, type FieldErrors, formField, formRoute } from './forms.ts';
import { currentUser } from './guard.ts';

type FieldSpec = { label: string; hint?: string; type?: 'textarea' | 'number' | 'text' | 'select' };

/** How settings appear in the form, in this order; any other key of SETTING_KEYS follows with a generic field. */
const SETTING_FIELDS: Partial<Record<keyof SiteSettings, FieldSpec>> = {
  siteName: { label: 'Site name' },
  siteTagline: { label: 'Tagline', hint: 'Shown under the site name.' },
  siteDescription: {
    label: 'Description',
    type: 'textarea',
    hint: 'For search engines, feeds and the footer.',
  },
  language: { label: 'Language', hint: 'A language tag such as en, fr or pt-BR.' },
  timeZone: {
    label: 'Time zone',
    type: 'select',
    hint: 'The newsroom enters and reads every date and time in it; scheduled times are kept in UTC.',
  },
  defaultLicense: {
    label: 'Default license',
    type: 'select',
    hint: 'Applies to articles that choose none. The publication’s own terms are the Republishing permission text below.',
  },
  pageSize: { label: 'Articles per listing page', type: 'number', hint: 'From 1 to 100.' },
  feedFullText: { label: 'Feeds carry', type: 'select', hint: 'What RSS, Atom and JSON feeds include.' },
  noteToReaders: {
    label: 'Note to readers',
    type: 'textarea',
    hint: 'Markdown. Shown after every article, above the share buttons.',
  },
  republishingPermission: { label: 'Republishing permission', type: 'textarea', hint: 'Markdown.' },
  disclaimer: { label: 'Disclaimer', type: 'textarea', hint: 'Markdown.' },
  fairUseNotice: { label: 'Fair-use notice', type: 'textarea', hint: 'Markdown.' },
  mediaInquiries: { label: 'Media inquiries', type: 'textarea', hint: 'Markdown.' },
  membershipCall: { label: 'Membership call', hint: 'The "become a member" link text.' },
  membershipUrl: { label: 'Membership link', hint: 'A path such as /membership, or an https:// address.' },
  commentsCall: { label: 'Comments call', hint: 'The "comment on this article" link text.' },
  commentsUrl: {
    label: 'Comments link',
    hint: 'Empty for the article’s own comments; {slug} is replaced by the article slug (comments elsewhere).',
  },
  commentsOpen: {
    label: 'Comments on',
    type: 'select',
    hint: 'No closes comments on every article; Yes lets each article’s own switch decide.',
  },
  commentsCloseAfterDays: {
    label: 'Close comments after (days)',
    type: 'number',
    hint: 'Days after publication; 0 keeps them open.',
  },
  commentsModeration: { label: 'Comments wait for an editor', type: 'select' },
  commentsMaxLinks: { label: 'Links a comment may carry', type: 'number' },
  commentsBlockedWords: {
    label: 'Blocked words',
    type: 'textarea',
    hint: 'One word or phrase a line: a comment containing one is refused.',
  },
  commentsBlockedDomains: {
    label: 'Blocked link domains',
    type: 'textarea',
    hint: 'One domain a line: a comment linking to it (or to a subdomain) is refused.',
  },
};

function specFor(field: keyof SiteSettings): FieldSpec {
  const known = SETTING_FIELDS[field];
  if (known) return known;
  const fallback = DEFAULT_SETTINGS[field];
  const label = SETTING_KEYS[field].replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
  return {
    label,
    type: typeof fallback === 'number' ? 'number' : typeof fallback === 'boolean' ? 'select' : 'text',
  };
}

const ORDERED_FIELDS = [
  ...(Object.keys(SETTING_FIELDS) as (keyof SiteSettings)[]).filter((f) => f in SETTING_KEYS),
  ...(Object.keys(SETTING_KEYS) as (keyof SiteSettings)[]).filter((f) => !(f in SETTING_FIELDS)),
].map((field) => ({ field, ...specFor(field) }));

/** The time zones the runtime knows, once: about 400 names. */
let zoneOptions: { value: string; label: string }[] | undefined;

/**
 * A select setting's choices: time zones, or yes/no shown as a choice between two words rather
 * than a checkbox (a checkbox sends nothing when off).
 */
function selectOptions(field: keyof SiteSettings): { value: string; label: string }[] {
  if (field === 'timeZone') {
    zoneOptions ??= timeZoneNames().map((name) => ({ value: name, label: name.replace(/_/g, ' ') }));
    return zoneOptions;
  }
  if (field === 'commentsModeration')
    return [
      { value: 'first', label: 'A member’s first comment' },
      { value: 'all', label: 'Every comment' },
      { value: 'open', label: 'None: comments appear at once' },
    ];
  return field === 'feedFullText'
    ? [
        { value: 'true', label: 'The full text of each article' },
        { value: 'false', label: 'Only the summary' },
      ]
    : [
        { value: 'true', label: 'Yes' },
        { value: 'false', label: 'No' },
      ];
}

const LABELS = Object.fromEntries(ORDERED_FIELDS.map((f) => [SETTING_KEYS[f.field], f.label]));

/** One text per setting, by its snake_case key (unknown keys are dropped before saving). */
const SettingsForm = Type.Record(Type.String(), Type.String());

/** Site settings: every site-wide text and value. Admins only. */
export async function settingsPages(app: TypedApp, deps: AdminDeps): Promise<void> {
  const { ctx } = deps;

  const settingsPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    state: {
      values: Record<string, string>;
      problem?: { errors: FieldErrors; message: string };
      status?: number;
      notice?: string | undefined;
    },
  ) => {
    const notice = state.notice === 'saved' ? 'Settings saved.' : undefined;
    return deps.page(request, reply, {
      title: 'Settings',
      status: state.status ?? 200,
      notice: state.problem ? undefined : notice,
      body: (csrf) => html`${errorSummary(state.problem, LABELS)}
<form method="post" action="/admin/settings" novalidate class="panel">
  ${csrfField(csrf)}
  <div class="field field--readonly">
    <p class="field-label" id="site-url-label">Site address</p>
    <p class="readonly-value"><code>${ctx.siteUrl}</code></p>
    <p class="hint">Set with the SITE_URL environment variable when starting Pressroom.</p>
  </div>
  ${ORDERED_FIELDS.map((f) => {
    const key = SETTING_KEYS[f.field];
    const isMarkdown = (MARKDOWN_SETTINGS as readonly string[]).includes(f.field);
    return formField({
      name: key,
      label: f.label,
      // A site set to a zone's old name ("Asia/Calcutta") sees it chosen under its current one.
      value: f.field === 'timeZone' ? currentTimeZoneName(state.values[key] ?? '') : state.values[key],
      error: state.problem?.errors[key],
      hint: f.hint,
      type: f.type ?? 'text',
      rows: isMarkdown ? 5 : 3,
      ...(f.type === 'number' ? (f.field === 'pageSize' ? { min: 1, max: 100 } : { min: 0 }) : {}),
      ...(f.type === 'select'
        ? {
            options:
              f.field === 'defaultLicense'
                ? licenseOptions(state.values[key] ?? '', DEFAULT_SETTINGS.defaultLicense)
                : selectOptions(f.field),
          }
        : {}),
    });
  })}
  <p class="hint">Navigation links are the pages marked "show in navigation".</p>
  <div class="actions"><button type="submit">Save settings</button></div>
</form>`,
    });
  };

  app.get(
    '/settings',
    { config: { access: 'settings.manage' }, schema: { querystring: NoticeQuery } },
    async (request, reply) => {
      const settings = await loadSiteSettings(ctx);
      const values = Object.fromEntries(
        ORDERED_FIELDS.map((f) => [SETTING_KEYS[f.field], String(settings[f.field])]),
      );
      return settingsPage(request, reply, { values, notice: request.query.notice });
    },
  );

  const known = new Set<string>(Object.values(SETTING_KEYS));
  const settingValues = (body: Record<string, string>) =>
    Object.fromEntries(Object.entries(body).filter(([key]) => known.has(key)));

  formRoute(
    app,
    '/settings',
    { config: { access: 'settings.manage' }, schema: { body: SettingsForm } },
    async (request, reply) => {
      await editSettings(ctx, currentUser(request), settingValues(request.body));
      return reply.redirect('/admin/settings?notice=saved', 303);
    },
    async (request, reply, problem) =>
      settingsPage(request, reply, { values: settingValues(request.body), problem, status: 400 }),
  );
}
