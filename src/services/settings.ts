import { checkRenderable, renderMarkdown } from '../content/markdown.ts';
import { toIsoTimestamp } from '../domain/article.ts';
import type { Repositories } from '../domain/ports/store.ts';
import {
  cleanSettingValues,
  MARKDOWN_SETTINGS,
  SETTING_KEYS,
  type SiteSettings,
  settingFieldForKey,
  settingsFromStored,
  validateSettingValues,
} from '../domain/settings.ts';
import type { User } from '../domain/user.ts';
import { Errors } from '../errors.ts';
import { actorOf, recordAudit } from './audit.ts';
import type { ServiceContext } from './context.ts';
import { keepRevision } from './revision-log.ts';

/** Settings plus the HTML of each Markdown text, ready for templates. */
export interface RenderedSettings extends SiteSettings {
  html: Record<(typeof MARKDOWN_SETTINGS)[number], string>;
}

/**
 * The settings with their Markdown rendered as article bodies are: a long text in the render
 * pool, with its time limit, never on the event loop (each of these texts may be 20,000
 * characters, and every reader page waits for them after a change).
 */
export async function loadSettings(repos: Pick<Repositories, 'settings'>): Promise<RenderedSettings> {
  const settings = settingsFromStored(await repos.settings.getAll());
  // One at a time: together they would take five of the pool's six places, and readers' pages
  // would be refused as busy while editors preview.
  const html: Partial<RenderedSettings['html']> = {};
  for (const key of MARKDOWN_SETTINGS) html[key] = await renderMarkdown(settings[key], { field: key });
  return { ...settings, html: html as RenderedSettings['html'] };
}

/**
 * Renders the Markdown texts among `values` (by snake_case key) as pages will, so that one that
 * cannot be rendered within the limits is refused by its field when saved, not when read.
 */
async function checkMarkdownSettings(values: Record<string, string>): Promise<void> {
  const markdown: readonly string[] = MARKDOWN_SETTINGS;
  for (const [key, value] of Object.entries(values)) {
    if (markdown.includes(settingFieldForKey(key) ?? '')) await renderMarkdown(value, { field: key });
  }
}

/** Updates settings given by snake_case key; unknown keys are refused by name. Keeps a revision. */
export async function updateSettingsIn(
  repos: Repositories,
  values: Record<string, string>,
  options: { actor: string; now: Date },
): Promise<void> {
  const unknown = Object.keys(values).filter((key) => settingFieldForKey(key) === undefined);
  if (unknown.length > 0) {
    throw Errors.VALIDATION_FAILED({
      details: unknown.map((key) => ({
        field: key,
        message: `is not a setting (known: ${Object.values(SETTING_KEYS).join(', ')})`,
      })),
    });
  }
  // These texts are rendered for every page, so their shape is checked here (a long one off the
  // event loop).
  values = cleanSettingValues(values);
  for (const [key, value] of Object.entries(values)) await checkRenderable(String(value), key);
  const now = toIsoTimestamp(options.now);
  for (const [key, value] of Object.entries(values)) await repos.settings.set(key, String(value), now);
  const all = Object.fromEntries(await repos.settings.getAll());
  await keepRevision(repos, {
    entityType: 'settings',
    entityId: 0,
    actor: options.actor,
    snapshot: all,
    createdAt: now,
  });
}

export async function updateSettings(
  ctx: ServiceContext,
  values: Record<string, string>,
  actor: string,
): Promise<void> {
  await ctx.store.transaction((repos) => updateSettingsIn(repos, values, { actor, now: ctx.now() }));
  ctx.changes.publish({ kind: 'settings' });
}

/** The stored settings, as the settings form shows them. */
export async function loadSiteSettings(ctx: ServiceContext): Promise<SiteSettings> {
  return settingsFromStored(await ctx.store.settings.getAll());
}

/**
 * Saves settings edited in the admin: validates every value (field errors name the snake_case
 * key), stores them with a revision and an audit entry in one transaction, then drops cached pages.
 */
export async function editSettings(
  ctx: ServiceContext,
  actor: User,
  values: Record<string, string>,
): Promise<{ changed: string[] }> {
  const errors = validateSettingValues(values);
  if (errors.length > 0) throw Errors.VALIDATION_FAILED({ details: errors });
  const normalized = cleanSettingValues(
    Object.fromEntries(
      Object.entries(values).map(([key, value]) => [key, key === 'page_size' ? value.trim() : value]),
    ),
  );
  await checkMarkdownSettings(normalized);
  const now = ctx.now();
  const changed = await ctx.store.transaction(async (repos) => {
    const before = settingsFromStored(await repos.settings.getAll());
    const changedKeys = Object.entries(normalized)
      .filter(([key, value]) => {
        const field = settingFieldForKey(key);
        return field !== undefined && String(before[field]) !== value;
      })
      .map(([key]) => key);
    if (changedKeys.length === 0) return changedKeys;
    await updateSettingsIn(repos, normalized, { actor: String(actor.id), now });
    await recordAudit(repos, {
      actor: actorOf(actor),
      action: 'settings.update',
      entity: ['settings', 0],
      summary: `Changed ${changedKeys.join(', ')}`,
      at: now,
    });
    return changedKeys;
  });
  if (changed.length > 0) ctx.changes.publish({ kind: 'settings' });
  return { changed };
}
