import { type Article, toIsoTimestamp } from '../../domain/article.ts';
import { can } from '../../domain/permissions.ts';
import type { Correction } from '../../domain/ports/correction-store.ts';
import type { Repositories } from '../../domain/ports/store.ts';
import { calendarDay } from '../../domain/time-zone.ts';
import { Errors, type FieldError } from '../../errors.ts';
import { draftOf } from '../articles.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { loadSiteSettings } from '../settings.ts';
import { auditActor, permissionDenied, revisionActor, type Staff } from './staff.ts';

export const CORRECTION_KINDS = ['correction', 'update'] as const;
export type CorrectionKind = (typeof CORRECTION_KINDS)[number];

/** What each kind of note is called, in the newsroom and on the reader's page alike. */
export const CORRECTION_LABELS: Record<CorrectionKind, string> = {
  correction: 'Correction',
  update: 'Update',
};

/** The label of a note's kind ("Correction"), a kind stored before this list knew it shown as it is. */
export function correctionLabel(kind: string): string {
  return CORRECTION_LABELS[kind as CorrectionKind] ?? kind.charAt(0).toUpperCase() + kind.slice(1);
}

const MAX_NOTE = 2000;
const MAX_REASON = 1000;

/** The corrections readers are shown as standing: those not withdrawn. */
export function currentCorrections(corrections: readonly Correction[]): Correction[] {
  return corrections.filter((c) => c.withdrawnAt === null);
}

/**
 * Appends a dated, public correction or update note to an article. It shows at the end of the
 * article and in its structured data, and the article's history records it.
 */
export async function addCorrection(
  ctx: ServiceContext,
  staff: Staff,
  input: { articleId: number; kind: string; note: string },
): Promise<Correction> {
  requireCorrect(staff);
  const note = checkedNote(input);
  const now = ctx.now();
  const createdAt = toIsoTimestamp(now);
  const { correction, slug } = await ctx.store.transaction(async (repos) => {
    const article = await articleOf(repos, input.articleId);
    const fields = { articleId: article.id, kind: input.kind, note, createdAt };
    const record = { ...fields, updatedAt: null, withdrawnAt: null, withdrawnReason: null };
    const id = await repos.corrections.add(record);
    const label = kindLabel(input.kind);
    await keepArticleRevision(repos, staff, article, createdAt, `Added ${label}: “${note}”`);
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'article.correct',
      entity: ['article', article.id],
      summary: `Added ${label} to “${article.title}”`,
      at: now,
    });
    return { correction: { id, ...record }, slug: article.slug };
  });
  ctx.changes.publish({ kind: 'article', id: input.articleId, slugs: [slug] });
  return correction;
}

/**
 * Rewrites a standing correction's kind and note. The article's history keeps what it said
 * before; readers and its structured data see the new text with the date of the edit.
 */
export async function editCorrection(
  ctx: ServiceContext,
  staff: Staff,
  input: { articleId: number; correctionId: number; kind: string; note: string },
): Promise<Correction> {
  requireCorrect(staff);
  const note = checkedNote(input);
  const now = ctx.now();
  const stamp = toIsoTimestamp(now);
  const calendar = await loadSiteSettings(ctx);
  const { correction, slug } = await ctx.store.transaction(async (repos) => {
    const article = await articleOf(repos, input.articleId);
    const before = await standingCorrection(repos, article.id, input.correctionId);
    const changed: Correction = { ...before, kind: input.kind, note, updatedAt: stamp };
    if (before.kind === changed.kind && before.note === changed.note)
      return { correction: before, slug: null };
    await repos.corrections.update(before.id, changed);
    await keepArticleRevision(
      repos,
      staff,
      article,
      stamp,
      `Edited ${kindLabel(before.kind)} of ${dayIn(before.createdAt, calendar)}; it read: “${before.note}”`,
    );
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'article.correct',
      entity: ['article', article.id],
      summary: `Edited ${kindLabel(before.kind)} of ${dayIn(before.createdAt, calendar)} on “${article.title}”`,
      at: now,
    });
    return { correction: changed, slug: article.slug };
  });
  if (slug !== null) ctx.changes.publish({ kind: 'article', id: input.articleId, slugs: [slug] });
  return correction;
}

/**
 * Withdraws a correction that should not have been made (it was wrong, or on the wrong
 * article). It stops standing as a correction, and readers see in its place that a correction
 * of that day was withdrawn, and why; its text stays in the article's history only.
 */
export async function withdrawCorrection(
  ctx: ServiceContext,
  staff: Staff,
  input: { articleId: number; correctionId: number; reason: string },
): Promise<Correction> {
  requireCorrect(staff);
  const reason = input.reason.trim();
  const errors: FieldError[] = [];
  if (!reason) errors.push({ field: 'reason', message: 'must tell readers why the correction is withdrawn' });
  if (reason.length > MAX_REASON)
    errors.push({ field: 'reason', message: `must be at most ${MAX_REASON} characters` });
  if (errors.length > 0) throw Errors.VALIDATION_FAILED({ details: errors });
  const now = ctx.now();
  const stamp = toIsoTimestamp(now);
  const calendar = await loadSiteSettings(ctx);
  const { correction, slug } = await ctx.store.transaction(async (repos) => {
    const article = await articleOf(repos, input.articleId);
    const before = await standingCorrection(repos, article.id, input.correctionId);
    const withdrawn: Correction = { ...before, withdrawnAt: stamp, withdrawnReason: reason };
    await repos.corrections.update(before.id, withdrawn);
    await keepArticleRevision(
      repos,
      staff,
      article,
      stamp,
      `Withdrew ${kindLabel(before.kind)} of ${dayIn(before.createdAt, calendar)} (“${before.note}”): ${reason}`,
    );
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'article.correct',
      entity: ['article', article.id],
      summary: `Withdrew ${kindLabel(before.kind)} of ${dayIn(before.createdAt, calendar)} on “${article.title}”`,
      at: now,
    });
    return { correction: withdrawn, slug: article.slug };
  });
  ctx.changes.publish({ kind: 'article', id: input.articleId, slugs: [slug] });
  return correction;
}

function requireCorrect(staff: Staff): void {
  if (!can(staff.role, 'article.correct')) throw permissionDenied('Only editors may correct articles.');
}

function checkedNote(input: { kind: string; note: string }): string {
  const errors: FieldError[] = [];
  const note = input.note.trim();
  if (!CORRECTION_KINDS.includes(input.kind as CorrectionKind)) {
    errors.push({ field: 'kind', message: 'must be a correction or an update' });
  }
  if (!note) errors.push({ field: 'note', message: 'must say what was corrected or updated' });
  if (note.length > MAX_NOTE)
    errors.push({ field: 'note', message: `must be at most ${MAX_NOTE} characters` });
  if (errors.length > 0) throw Errors.VALIDATION_FAILED({ details: errors });
  return note;
}

async function articleOf(repos: Repositories, id: number): Promise<Article> {
  const article = await repos.articles.findById(id);
  if (!article) throw Errors.ARTICLE_NOT_FOUND({ id });
  return article;
}

async function standingCorrection(repos: Repositories, articleId: number, id: number): Promise<Correction> {
  const correction = await repos.corrections.find(articleId, id);
  if (!correction) throw Errors.CORRECTION_NOT_FOUND({ id });
  if (correction.withdrawnAt !== null) throw Errors.CORRECTION_WITHDRAWN();
  return correction;
}

/**
 * A correction changes what readers see of the article, so it is a version of the article: its
 * content is unchanged, and the note says what happened to which correction.
 */
async function keepArticleRevision(
  repos: Repositories,
  staff: Staff,
  article: Article,
  stamp: string,
  note: string,
): Promise<void> {
  const version = article.version + 1;
  const isMarked = await repos.articles.markChanged(
    article.id,
    { version, updatedAt: stamp },
    article.version,
  );
  if (!isMarked) throw Errors.EDIT_CONFLICT();
  await repos.revisions.add({
    entityType: 'article',
    entityId: article.id,
    version,
    actor: revisionActor(staff),
    note,
    snapshot: draftOf(article),
    createdAt: stamp,
  });
}

function kindLabel(kind: string): string {
  return kind === 'update' ? 'an update' : 'a correction';
}

/**
 * The day of an instant on the site zone's calendar, written as the admin and the reader pages
 * write a date ("November 21, 2026"), not as a stamp ("2026-11-21").
 */
function dayIn(stamp: string, calendar: { language: string; timeZone: string }): string {
  return calendarDay(stamp, calendar.language, calendar.timeZone);
}
