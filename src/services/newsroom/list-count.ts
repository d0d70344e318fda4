/**
 * The newsroom's lists count their matches no further than this: past it they say "more than
 * 10,000", so that counting an unfiltered list of a large archive reads at most this many
 * index entries rather than the whole table.
 */
export const LIST_COUNT_CAP = 10_000;

/**
 * How many rows a list's filters match, up to LIST_COUNT_CAP + 1 ("more than"): a first page
 * that holds every match (no row past the page) is its own count, with no query; otherwise
 * `count` is asked, with the cap.
 */
export async function matchTotal(
  page: { found: number; pageSize: number; isFirstPage: boolean },
  count: (cap: number) => Promise<number>,
): Promise<number> {
  if (page.isFirstPage && page.found <= page.pageSize) return page.found;
  return count(LIST_COUNT_CAP + 1);
}
