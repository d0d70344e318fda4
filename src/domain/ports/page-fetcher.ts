/**
 * What fetching a page of another site came to:
 * - `ok`: a 2xx answer of an accepted type, its text read whole (within the size limit);
 * - `gone`: the page answered 410, so whatever it said is withdrawn;
 * - `refused`: it will not be fetched as things stand (a private address, too many redirects,
 *   too large, not a type we read, an answer such as 404), and trying again soon is pointless;
 * - `failed`: it could not be fetched now (no answer in time, a network error, a 5xx); try later.
 */
export type PageFetch =
  | { kind: 'ok'; url: string; status: number; contentType: string; text: string }
  | { kind: 'gone'; url: string }
  | { kind: 'refused'; reason: string }
  | { kind: 'failed'; reason: string };

/** Fetches pages of other sites for the server itself, safely (see adapters/safe-fetcher.ts). */
export interface PageFetcher {
  fetch(url: string): Promise<PageFetch>;
}
