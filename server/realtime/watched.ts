import { can, type ProposalRef, type RecordRef } from '../../shared/policy';
import type { Watched } from './types';

/** A record read under `record.read` (notices, events). */
export const watchedRecord = (ref: RecordRef): Watched => ({ readable: (a) => can(a, 'record.read', ref).allowed });
/** A proposal, read under `proposal.read` (sponsors, the committee side, assigned units). */
export const watchedProposal = (ref: ProposalRef): Watched => ({ readable: (a) => can(a, 'proposal.read', ref).allowed });
