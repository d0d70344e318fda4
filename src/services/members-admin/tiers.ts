import { toIsoTimestamp } from '../../domain/article.ts';
import { type MemberTier, type MemberTierInput, validateMemberTier } from '../../domain/member-admin.ts';
import type { Repositories } from '../../domain/ports/store.ts';
import { Errors } from '../../errors.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { auditActor, type Staff } from '../newsroom/staff.ts';
import { requireMemberAdmin } from './members.ts';

/** The tiers in the admin's order, each with how many members it has. */
export async function listMemberTiers(
  ctx: ServiceContext,
  staff: Staff,
): Promise<(MemberTier & { memberCount: number })[]> {
  requireMemberAdmin(staff);
  const [tiers, counts] = await Promise.all([
    ctx.store.memberAdmin.tiers(),
    ctx.store.memberAdmin.tierMemberCounts(),
  ]);
  return tiers.map((tier) => ({ ...tier, memberCount: counts.get(tier.id) ?? 0 }));
}

/** One tier, or MEMBER_TIER_NOT_FOUND. */
export async function loadMemberTier(ctx: ServiceContext, staff: Staff, id: number): Promise<MemberTier> {
  requireMemberAdmin(staff);
  const tier = await ctx.store.memberAdmin.findTier(id);
  if (!tier) throw Errors.MEMBER_TIER_NOT_FOUND({ id });
  return tier;
}

async function assertSlugFree(
  repos: Pick<Repositories, 'memberAdmin'>,
  slug: string,
  id?: number,
): Promise<void> {
  const holder = await repos.memberAdmin.findTierBySlug(slug);
  if (holder && holder.id !== id) {
    throw Errors.VALIDATION_FAILED({
      details: [{ field: 'slug', message: `is already used by the tier “${holder.name}”` }],
    });
  }
}

/** Creates a tier (no id; it goes last) or edits one, audited. */
export async function saveMemberTier(
  ctx: ServiceContext,
  staff: Staff,
  input: MemberTierInput & { id?: number },
): Promise<MemberTier> {
  requireMemberAdmin(staff);
  const { fields, errors } = validateMemberTier(input);
  if (errors.length > 0) throw Errors.VALIDATION_FAILED({ details: errors });
  return ctx.store.transaction(async (repos) => {
    const at = ctx.now();
    await assertSlugFree(repos, fields.slug, input.id);
    if (input.id === undefined) {
      const tier = await repos.memberAdmin.insertTier(fields, toIsoTimestamp(at));
      await recordAudit(repos, {
        actor: auditActor(staff),
        action: 'member_tier.create',
        entity: ['member_tier', tier.id],
        summary: `Created the ${tier.isPaid ? 'paid' : 'free'} membership tier “${tier.name}”`,
        at,
      });
      return tier;
    }
    const before = await repos.memberAdmin.findTier(input.id);
    if (!before) throw Errors.MEMBER_TIER_NOT_FOUND({ id: input.id });
    await repos.memberAdmin.updateTier(before.id, fields, toIsoTimestamp(at));
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'member_tier.update',
      entity: ['member_tier', before.id],
      summary: `Edited the membership tier “${fields.name}”`,
      at,
    });
    return { ...before, ...fields };
  });
}

/**
 * Deactivates a tier (it takes no new members; those in it keep it) or makes it active again,
 * audited. Tiers are never deleted: members and, later, payments refer to them.
 */
export async function setMemberTierActive(
  ctx: ServiceContext,
  staff: Staff,
  input: { id: number; isActive: boolean },
): Promise<void> {
  requireMemberAdmin(staff);
  await ctx.store.transaction(async (repos) => {
    const tier = await repos.memberAdmin.findTier(input.id);
    if (!tier) throw Errors.MEMBER_TIER_NOT_FOUND({ id: input.id });
    if (tier.isActive === input.isActive) return;
    const at = ctx.now();
    await repos.memberAdmin.setTierActive(tier.id, input.isActive, toIsoTimestamp(at));
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: input.isActive ? 'member_tier.activate' : 'member_tier.deactivate',
      entity: ['member_tier', tier.id],
      summary: `${input.isActive ? 'Reactivated' : 'Deactivated'} the membership tier “${tier.name}”`,
      at,
    });
  });
}

/** Moves a tier one place up or down the order, audited. */
export async function moveMemberTier(
  ctx: ServiceContext,
  staff: Staff,
  input: { id: number; direction: 'up' | 'down' },
): Promise<void> {
  requireMemberAdmin(staff);
  await ctx.store.transaction(async (repos) => {
    const tiers = await repos.memberAdmin.tiers();
    const index = tiers.findIndex((t) => t.id === input.id);
    const tier = tiers[index];
    if (!tier) throw Errors.MEMBER_TIER_NOT_FOUND({ id: input.id });
    const target = input.direction === 'up' ? index - 1 : index + 1;
    if (target < 0 || target >= tiers.length) return;
    const ids = tiers.map((t) => t.id);
    [ids[index], ids[target]] = [ids[target] as number, tier.id];
    const at = ctx.now();
    await repos.memberAdmin.setTierOrder(ids, toIsoTimestamp(at));
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'member_tier.reorder',
      entity: ['member_tier', tier.id],
      summary: `Moved the membership tier “${tier.name}” ${input.direction}`,
      at,
    });
  });
}
