import type { Kysely } from 'kysely';
import * as core from './0001-core.ts';
import * as users from './0002-users.ts';
import * as discovery from './0003-discovery.ts';
import * as migrationTools from './0004-migration-tools.ts';
import * as accounts from './0005-accounts.ts';
import * as newsroom from './0006-newsroom.ts';
import * as articleCreator from './0007-article-creator.ts';
import * as listings from './0007-listings.ts';
import * as articleLookups from './0008-article-lookups.ts';
import * as articleDeletion from './0009-article-deletion.ts';
import * as relatedArticles from './0010-related-articles.ts';
import * as sitemapEntries from './0011-sitemap-entries.ts';
import * as importLookups from './0012-import-lookups.ts';
import * as loginAttemptsInFlight from './0013-login-attempts-in-flight.ts';
import * as adminArticleLists from './0014-admin-article-lists.ts';
import * as adminPeopleLists from './0015-admin-people-lists.ts';
import * as adminNameLists from './0016-admin-name-lists.ts';
import * as articleSearchAndSocial from './0017-article-search-and-social.ts';
import * as mediaCaptions from './0018-media-captions.ts';
import * as mediaUploadedBy from './0019-media-uploaded-by.ts';
import * as correctionChanges from './0020-correction-changes.ts';
import * as articleBodiesLast from './0021-article-bodies-last.ts';
import * as dailyWriteQuota from './0022-daily-write-quota.ts';
import * as personNameSkeletons from './0023-person-name-skeletons.ts';
import * as licenseCodes from './0024-license-codes.ts';
import * as webmentions from './0025-webmentions.ts';
import * as republications from './0026-republications.ts';
import * as reach from './0027-reach.ts';
import * as reprintRequests from './0028-reprint-requests.ts';
import * as members from './0029-members.ts';
import * as articlePreviews from './0030-article-previews.ts';
import * as memberLinkRequests from './0031-member-link-requests.ts';
import * as newsletters from './0032-newsletters.ts';
import * as membersAdmin from './0033-members-admin.ts';
import * as newsletterDigestPeriods from './0034-newsletter-digest-periods.ts';
import * as newsletterAlerts from './0035-newsletter-alerts.ts';
import * as memberAddressSearch from './0036-member-address-search.ts';
import * as comments from './0037-comments.ts';
import * as commentCounts from './0038-comment-counts.ts';
import * as commentThreads from './0039-comment-threads.ts';
import * as correctionOrder from './0040-correction-order.ts';
import type { MigrationContext } from './helpers.ts';

export interface VersionedMigration {
  up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void>;
}

/**
 * Every migration in order. Names sort lexically; never edit one that has shipped,
 * add a new one instead.
 */
export const MIGRATIONS: Record<string, VersionedMigration> = {
  '0001-core': core,
  '0002-users': users,
  '0003-discovery': discovery,
  '0004-migration-tools': migrationTools,
  '0005-accounts': accounts,
  '0006-newsroom': newsroom,
  '0007-article-creator': articleCreator,
  '0007-listings': listings,
  '0008-article-lookups': articleLookups,
  '0009-article-deletion': articleDeletion,
  '0010-related-articles': relatedArticles,
  '0011-sitemap-entries': sitemapEntries,
  '0012-import-lookups': importLookups,
  '0013-login-attempts-in-flight': loginAttemptsInFlight,
  '0014-admin-article-lists': adminArticleLists,
  '0015-admin-people-lists': adminPeopleLists,
  '0016-admin-name-lists': adminNameLists,
  '0017-article-search-and-social': articleSearchAndSocial,
  '0018-media-captions': mediaCaptions,
  '0019-media-uploaded-by': mediaUploadedBy,
  '0020-correction-changes': correctionChanges,
  '0021-article-bodies-last': articleBodiesLast,
  '0022-daily-write-quota': dailyWriteQuota,
  '0023-person-name-skeletons': personNameSkeletons,
  '0024-license-codes': licenseCodes,
  '0025-webmentions': webmentions,
  '0026-republications': republications,
  '0027-reach': reach,
  '0028-reprint-requests': reprintRequests,
  '0029-members': members,
  '0030-article-previews': articlePreviews,
  '0031-member-link-requests': memberLinkRequests,
  '0032-newsletters': newsletters,
  '0033-members-admin': membersAdmin,
  '0034-newsletter-digest-periods': newsletterDigestPeriods,
  '0035-newsletter-alerts': newsletterAlerts,
  '0036-member-address-search': memberAddressSearch,
  '0037-comments': comments,
  '0038-comment-counts': commentCounts,
  '0039-comment-threads': commentThreads,
  '0040-correction-order': correctionOrder,
};
