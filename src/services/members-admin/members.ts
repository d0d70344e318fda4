import { toIsoTimestamp } from '../../domain/article.ts';
import {
  type AdminMember,
  MEMBER_SEARCH_SCAN,
  type MemberListFilters,
  memberSearchOf,
} from '../../domain/member-admin.ts';
import { Errors } from '../../errors.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { matchTotal } from '../newsroom/list-count.ts';
import { auditActor, requireCan, type Staff } from '../newsroom/staff.ts';

/** How many members one page of the admin list shows. */
export const MEMBERS_PAGE_SIZE = 50;

export const MEMBERS_REFUSAL = 'Only admins may see or change members: their details are personal data.';

/** Refuses anyone but those who may manage members (admins). */
export function requireMemberAdmin(staff: Staff): void {
  requireCan(staff, 'member.manage', MEMBERS_REFUSAL);
}

/**
 * One page of the members list, newest first; `nextAfter` starts the following page, null on the
 * last. A search anywhere (memberSearchOf) reads MEMBER_SEARCH_SCAN members a page at most: when
 * they hold less than a page of matches, `searchedDownTo` says where it stopped, and `nextAfter`
 * goes on from there.
 */
export async function listMembersPage(
  ctx: ServiceContext,
  staff: Staff,
  filters: MemberListFilters,
  options: { pageSize?: number; searchScan?: number } = {},
): Promise<{
  rows: AdminMember[];
  nextAfter: number | null;
  /**
   * How many members match in all, up to LIST_COUNT_CAP + 1 ("more than"); null for a search
   * anywhere that did not read every member (counting would read them all).
   */
  total: number | null;
  /** The lowest id a search anywhere read on this page, when it stopped before the end. */
  searchedDownTo: number | null;
}> {
  requireMemberAdmin(staff);
  const pageSize = options.pageSize ?? MEMBERS_PAGE_SIZE;
  const { afterId, downToId: _ignored, ...conditions } = filters;
  const isFirstPage = afterId === undefined;
  const store = ctx.store.memberAdmin;
  if (filters.text && memberSearchOf(filters.text).kind === 'anywhere') {
    const downToId = await store.searchWindowEnd(afterId, options.searchScan ?? MEMBER_SEARCH_SCAN);
    const found = await store.list({
      ...conditions,
      ...(afterId === undefined ? {} : { afterId }),
      ...(downToId === undefined ? {} : { downToId }),
      limit: pageSize + 1,
    });
    const rows = found.slice(0, pageSize);
    const last = rows.at(-1);
    const isPageFull = found.length > pageSize;
    return {
      rows,
      nextAfter: isPageFull && last ? last.id : (downToId ?? null),
      total: isFirstPage && !isPageFull && downToId === undefined ? found.length : null,
      searchedDownTo: isPageFull ? null : (downToId ?? null),
    };
  }
  const found = await store.list({
    ...conditions,
    ...(afterId === undefined ? {} : { afterId }),
    limit: pageSize + 1,
  });
  const total = await matchTotal({ found: found.length, pageSize, isFirstPage }, (cap) =>
    store.count(conditions, cap),
  );
  const rows = found.slice(0, pageSize);
  const last = rows.at(-1);
  return { rows, nextAfter: found.length > pageSize && last ? last.id : null, total, searchedDownTo: null };
}

/** One member, or MEMBER_NOT_FOUND. */
export async function loadMember(ctx: ServiceContext, staff: Staff, id: number): Promise<AdminMember> {
  requireMemberAdmin(staff);
  const member = await ctx.store.memberAdmin.findById(id);
  if (!member) throw Errors.MEMBER_NOT_FOUND({ id });
  return member;
}

/**
 * Moves a member to a tier (or to none: `tierId` null), audited. A deactivated tier is refused:
 * it takes no new members, though those already in it stay.
 */
export async function changeMemberTier(
  ctx: ServiceContext,
  staff: Staff,
  input: { memberId: number; tierId: number | null },
): Promise<void> {
  requireMemberAdmin(staff);
  await ctx.store.transaction(async (repos) => {
    const member = await repos.memberAdmin.findById(input.memberId);
    if (!member) throw Errors.MEMBER_NOT_FOUND({ id: input.memberId });
    if (member.tierId === input.tierId) return;
    const tier = input.tierId === null ? undefined : await repos.memberAdmin.findTier(input.tierId);
    if (input.tierId !== null && !tier?.isActive) {
      throw Errors.VALIDATION_FAILED({
        details: [
          {
            field: 'tier',
            message: tier ? 'is deactivated: it takes no new members' : 'is not one of the tiers',
          },
        ],
      });
    }
    const at = ctx.now();
    await repos.memberAdmin.setTier(member.id, input.tierId, toIsoTimestamp(at));
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'member.tier',
      entity: ['member', member.id],
      summary: `Moved member #${member.id} from ${member.tierName ? `“${member.tierName}”` : 'no tier'} to ${tier ? `“${tier.name}”` : 'no tier'}`,
      at,
    });
  });
}

/**
 * Bans a member (signed out everywhere; they can no longer sign in or be sent newsletters) or
 * lifts the ban, audited.
 */
export async function setMemberBanned(
  ctx: ServiceContext,
  staff: Staff,
  input: { memberId: number; isBanned: boolean },
): Promise<void> {
  requireMemberAdmin(staff);
  await ctx.store.transaction(async (repos) => {
    const member = await repos.memberAdmin.findById(input.memberId);
    if (!member) throw Errors.MEMBER_NOT_FOUND({ id: input.memberId });
    if (member.isBanned === input.isBanned) return;
    const at = ctx.now();
    await repos.memberAdmin.setBanned(member.id, input.isBanned, toIsoTimestamp(at));
    // A ban takes effect at once: the browsers the member is signed in on are signed out.
    if (input.isBanned) await repos.members.deleteSessionsOf(member.id);
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: input.isBanned ? 'member.ban' : 'member.unban',
      entity: ['member', member.id],
      summary: `${input.isBanned ? 'Banned' : 'Lifted the ban on'} member #${member.id}`,
      at,
    });
  });
}

/**
 * Deletes a member with their sessions and links, audited by id alone: the audit log keeps no
 * address of someone whose data was erased.
 */
export async function deleteMember(ctx: ServiceContext, staff: Staff, memberId: number): Promise<void> {
  requireMemberAdmin(staff);
  await ctx.store.transaction(async (repos) => {
    if (!(await repos.memberAdmin.findById(memberId))) throw Errors.MEMBER_NOT_FOUND({ id: memberId });
    await repos.members.delete(memberId);
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'member.delete',
      entity: ['member', memberId],
      summary: `Deleted member #${memberId} and their data`,
      at: ctx.now(),
    });
  });
}
