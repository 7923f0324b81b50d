import type { Migration } from 'kysely';
import * as foundation from './2026-11-29-001-foundation';
import * as drafts from './2026-11-29-002-drafts';
import * as notifications from './2026-11-29-003-notifications';
import * as search from './2026-11-29-004-search';
import * as packedLog from './2026-11-29-005-packed-log';
import * as draftChildPolicies from './2026-11-29-006-draft-child-policies';
import * as regionOwnership from './2026-12-06-007-region-ownership';
import * as loginAttemptOutcome from './2026-12-06-008-login-attempt-outcome';
import * as calendar from './2026-12-06-009-calendar';
import * as proposals from './2026-12-06-010-proposals';
import * as inspections from './2026-12-06-011-inspections';
import * as proposalRegistry from './2026-12-06-012-proposal-registry';
import * as feedLookup from './2026-12-06-013-feed-lookup';
import * as eventOrganisers from './2026-12-06-014-event-organisers';
import * as collabOneStatement from './2026-12-06-015-collab-one-statement';
import * as calendarVersions from './2026-12-06-016-calendar-versions';
import * as proposalChildPlace from './2026-12-07-017-proposal-child-place';
import * as replyFiles from './2026-12-07-018-reply-files';
import * as returnAssignments from './2026-12-08-019-return-assignments';

/** Every migration, in order. Files are frozen once landed; add new ones at the end. */
export const migrations: Record<string, Migration> = {
  '2026-11-29-001-foundation': foundation,
  '2026-11-29-002-drafts': drafts,
  '2026-11-29-003-notifications': notifications,
  '2026-11-29-004-search': search,
  '2026-11-29-005-packed-log': packedLog,
  '2026-11-29-006-draft-child-policies': draftChildPolicies,
  '2026-12-06-007-region-ownership': regionOwnership,
  '2026-12-06-008-login-attempt-outcome': loginAttemptOutcome,
  '2026-12-06-009-calendar': calendar,
  '2026-12-06-010-proposals': proposals,
  '2026-12-06-011-inspections': inspections,
  '2026-12-06-012-proposal-registry': proposalRegistry,
  '2026-12-06-013-feed-lookup': feedLookup,
  '2026-12-06-014-event-organisers': eventOrganisers,
  '2026-12-06-015-collab-one-statement': collabOneStatement,
  '2026-12-06-016-calendar-versions': calendarVersions,
  '2026-12-07-017-proposal-child-place': proposalChildPlace,
  '2026-12-07-018-reply-files': replyFiles,
  '2026-12-08-019-return-assignments': returnAssignments,
};
