import type { FieldError } from '../errors.ts';
import { MEMBER_STATUSES, type Member, type MemberStatus } from './member.ts';
import { slugify } from './slug.ts';
import { cleanLine } from './text.ts';

/** The rare marks the list filters by, each read from its own partial index (migration 0033). */
export const MEMBER_MARKS = ['banned', 'bounced', 'complained'] as const;
export type MemberMark = (typeof MEMBER_MARKS)[number];

/** One search of the members list: newest first, a page after `afterId`. */
export interface MemberListFilters {
  /** What the search box holds: see memberSearchOf for how it is looked for. */
  text?: string;
  status?: MemberStatus;
  /** A tier's id, or "none" for members without a tier. */
  tier?: number | 'none';
  mark?: MemberMark;
  /** The last id of the previous page (ids fall as the list goes on). */
  afterId?: number;
  /** A page of a search "anywhere" reads no member below this id (see MEMBER_SEARCH_SCAN). */
  downToId?: number;
}

/** A member as the admin reads them: with the name of their tier. */
export type AdminMember = Member & { tierName: string | null };

/** A level of membership: free, or paid with a price label (no payment provider is attached yet). */
export interface MemberTier {
  id: number;
  slug: string;
  name: string;
  description: string;
  isPaid: boolean;
  priceLabel: string | null;
  /** The payment provider billing the tier, once one is attached; always null for now. */
  provider: string | null;
  position: number;
  isActive: boolean;
}

/** What the tier form sends. */
export interface MemberTierInput {
  name: string;
  /** Empty: made from the name. */
  slug: string;
  description: string;
  isPaid: boolean;
  priceLabel: string;
}

export const MAX_SEARCH_LENGTH = 200;

/**
 * How many members one page of a search "anywhere" reads at most: no index answers "contains",
 * so each page looks through this many members from where the last stopped, and the next page
 * goes on from there.
 */
export const MEMBER_SEARCH_SCAN = 50_000;

/**
 * How the members list looks for a search text. With an @ after its first character it is the
 * beginning of an address ("ana@exa"), read from the address index: only the members it names
 * are read. Otherwise ("okafor", "@example.org", "ana") it is looked for anywhere in the address
 * or the name, case aside, MEMBER_SEARCH_SCAN members at a time. The address is compared as
 * addresses are kept (lower case, composed Unicode).
 *
 * @example memberSearchOf('Ana@Ex') // { kind: 'address', prefix: 'ana@ex' }
 * @example memberSearchOf('Okafor') // { kind: 'anywhere', text: 'Okafor' }
 */
export function memberSearchOf(
  text: string,
): { kind: 'address'; prefix: string } | { kind: 'anywhere'; text: string } {
  return text.indexOf('@') > 0
    ? { kind: 'address', prefix: text.normalize('NFC').toLowerCase() }
    : { kind: 'anywhere', text };
}
const MAX_TIER_NAME = 200;
const MAX_TIER_SLUG = 100;
const MAX_PRICE_LABEL = 100;
const MAX_TIER_DESCRIPTION = 2000;

/** Reads the members list's query string, or says which field is wrong and why. */
export function parseMemberListQuery(
  raw: Partial<Record<'q' | 'status' | 'tier' | 'mark' | 'after', string>>,
): {
  filters: MemberListFilters;
  errors: FieldError[];
} {
  const errors: FieldError[] = [];
  const filters: MemberListFilters = {};
  const text = (raw.q ?? '').trim().replace(/\s+/g, ' ');
  if (text.length > MAX_SEARCH_LENGTH) {
    errors.push({ field: 'q', message: `must be at most ${MAX_SEARCH_LENGTH} characters` });
  } else if (text) filters.text = text;
  const status = raw.status?.trim() ?? '';
  if (status) {
    const known = MEMBER_STATUSES.find((s) => s === status);
    if (known) filters.status = known;
    else errors.push({ field: 'status', message: `must be one of ${MEMBER_STATUSES.join(', ')}` });
  }
  const mark = raw.mark?.trim() ?? '';
  if (mark) {
    const known = MEMBER_MARKS.find((m) => m === mark);
    if (known) filters.mark = known;
    else errors.push({ field: 'mark', message: `must be one of ${MEMBER_MARKS.join(', ')}` });
  }
  const tier = raw.tier?.trim() ?? '';
  if (tier === 'none') filters.tier = 'none';
  else if (tier) {
    const id = positiveId(tier);
    if (id) filters.tier = id;
    else errors.push({ field: 'tier', message: 'is not one of the tiers' });
  }
  const after = raw.after?.trim() ?? '';
  if (after) {
    const id = positiveId(after);
    if (id) filters.afterId = id;
    else
      errors.push({ field: 'after', message: 'is not a page of this list: start again from the first page' });
  }
  return { filters, errors };
}

function positiveId(text: string): number | undefined {
  if (!/^\d{1,15}$/.test(text)) return undefined;
  const id = Number(text);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/** A tier's fields as stored, tidied, with every problem named by its field. */
export function validateMemberTier(input: MemberTierInput): {
  fields: Omit<MemberTier, 'id' | 'position' | 'isActive' | 'provider'>;
  errors: FieldError[];
} {
  const errors: FieldError[] = [];
  const name = cleanLine(input.name).trim();
  const slug = input.slug.trim() ? slugify(input.slug) : slugify(name);
  const description = input.description.replaceAll('\u0000', '').trim();
  const priceLabel = cleanLine(input.priceLabel).trim();
  if (!name) errors.push({ field: 'name', message: 'is required' });
  else if (name.length > MAX_TIER_NAME)
    errors.push({ field: 'name', message: `must be at most ${MAX_TIER_NAME} characters` });
  if (name && !slug) errors.push({ field: 'slug', message: 'must hold a letter or a digit' });
  else if (slug.length > MAX_TIER_SLUG)
    errors.push({ field: 'slug', message: `must be at most ${MAX_TIER_SLUG} characters` });
  if (description.length > MAX_TIER_DESCRIPTION) {
    errors.push({ field: 'description', message: `must be at most ${MAX_TIER_DESCRIPTION} characters` });
  }
  if (input.isPaid && !priceLabel)
    errors.push({ field: 'priceLabel', message: 'is required for a paid tier' });
  else if (priceLabel.length > MAX_PRICE_LABEL) {
    errors.push({ field: 'priceLabel', message: `must be at most ${MAX_PRICE_LABEL} characters` });
  }
  return {
    fields: { name, slug, description, isPaid: input.isPaid, priceLabel: input.isPaid ? priceLabel : null },
    errors,
  };
}
