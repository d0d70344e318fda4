import { toIsoTimestamp } from '../../domain/article.ts';
import { can } from '../../domain/permissions.ts';
import type { Correction } from '../../domain/ports/correction-store.ts';
import { Errors, type FieldError } from '../../errors.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { auditActor, permissionDenied, type Staff } from './staff.ts';

export const CORRECTION_KINDS = ['correction', 'update'] as const;
export type CorrectionKind = (typeof CORRECTION_KINDS)[number];

const MAX_NOTE = 2000;

/**
 * Appends a dated, public correction or update note to an article. It shows at the end of the
 * article and in its structured data.
 */
export async function addCorrection(
  ctx: ServiceContext,
  staff: Staff,
  input: { articleId: number; kind: string; note: string },
): Promise<Correction> {
  if (!can(staff.role, 'article.publish_any')) throw permissionDenied('Only editors may add corrections.');
  const errors: FieldError[] = [];
  const note = input.note.trim();
  if (!CORRECTION_KINDS.includes(input.kind as CorrectionKind)) {
    errors.push({ field: 'kind', message: 'must be a correction or an update' });
  }
  if (!note) errors.push({ field: 'note', message: 'must say what was corrected or updated' });
  if (note.length > MAX_NOTE)
    errors.push({ field: 'note', message: `must be at most ${MAX_NOTE} characters` });
  if (errors.length > 0) throw Errors.VALIDATION_FAILED({ details: errors });
  const now = ctx.now();
  const createdAt = toIsoTimestamp(now);
  const { correction, slug } = await ctx.store.transaction(async (repos) => {
    const article = await repos.articles.findById(input.articleId);
    if (!article) throw Errors.ARTICLE_NOT_FOUND({ id: input.articleId });
    const id = await repos.corrections.add({ articleId: article.id, kind: input.kind, note, createdAt });
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'article.correct',
      entity: ['article', article.id],
      summary: `Added a${input.kind === 'update' ? 'n update' : ' correction'} to “${article.title}”`,
      at: now,
    });
    return {
      correction: { id, articleId: article.id, kind: input.kind, note, createdAt },
      slug: article.slug,
    };
  });
  ctx.changes.publish({ kind: 'article', id: input.articleId, slugs: [slug] });
  return correction;
}
