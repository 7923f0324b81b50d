/**
 * The lifecycle of a proposal (提案), as one state machine: the only place its transitions live
 * (issue 12). Who may make each transition is named here as a party; shared/policy decides whether an
 * actor is that party (role, region, assignment). Pure: runs on the server and in the browser.
 *
 * 提交 submitted → 审查 under review → 立案 filed, or 不予立案 not filed (with a reason) → 交办 assigned (a
 * lead unit 主办, co-units 会办, a deadline) → 办理 being handled (the lead unit may return an
 * assignment that is not theirs, with a reason: back to filed for reassignment) → 答复 replied (A/B/C)
 * → 评价 evaluated (the sponsor's 不满意 sends it back for re-handling once) → 办结 closed.
 */

export const PROPOSAL_STATES = [
  'submitted', 'under_review', 'filed', 'not_filed', 'assigned', 'handling', 'replied', 'evaluated', 'closed',
] as const;
export type ProposalState = (typeof PROPOSAL_STATES)[number];

export const PROPOSAL_ACTIONS = [
  'review', 'file', 'reject', 'assign', 'accept', 'return', 'reply', 'evaluate', 'sendBack', 'close',
] as const;
export type ProposalAction = (typeof PROPOSAL_ACTIONS)[number];

/** Who makes a transition: the lead sponsor (领衔人), the receiving committee's staff, or the lead unit (主办单位). */
export type ProposalParty = 'sponsor' | 'committeeStaff' | 'leadUnit';

/** What a transition needs besides the actor: a reason, an assignment, a reply, an evaluation. */
export type ProposalInput = 'reason' | 'assignment' | 'reply' | 'evaluation' | null;

export interface ProposalTransition {
  from: readonly ProposalState[];
  to: ProposalState;
  by: ProposalParty;
  input: ProposalInput;
}

export const PROPOSAL_TRANSITIONS: { readonly [A in ProposalAction]: ProposalTransition } = {
  review: { from: ['submitted'], to: 'under_review', by: 'committeeStaff', input: null },
  file: { from: ['under_review'], to: 'filed', by: 'committeeStaff', input: null },
  reject: { from: ['under_review'], to: 'not_filed', by: 'committeeStaff', input: 'reason' },
  assign: { from: ['filed'], to: 'assigned', by: 'committeeStaff', input: 'assignment' },
  accept: { from: ['assigned'], to: 'handling', by: 'leadUnit', input: null },
  return: { from: ['assigned', 'handling'], to: 'filed', by: 'leadUnit', input: 'reason' },
  reply: { from: ['handling'], to: 'replied', by: 'leadUnit', input: 'reply' },
  evaluate: { from: ['replied'], to: 'evaluated', by: 'sponsor', input: 'evaluation' },
  sendBack: { from: ['replied'], to: 'handling', by: 'sponsor', input: 'evaluation' },
  close: { from: ['evaluated'], to: 'closed', by: 'committeeStaff', input: null },
};

/** What the machine needs to know beyond the state: whether it was already sent back once. */
export interface ProposalFacts { sentBack: boolean }

/** The state after `action`, or null when the action is not possible from `state`. */
export function nextState(state: ProposalState, action: ProposalAction, facts: ProposalFacts): ProposalState | null {
  const t = PROPOSAL_TRANSITIONS[action];
  if (!t.from.includes(state)) return null;
  // 不满意 sends a proposal back for re-handling once; the second reply must be evaluated.
  if (action === 'sendBack' && facts.sentBack) return null;
  return t.to;
}

/** The actions possible from a state (whoever may make them). */
export const possibleActions = (state: ProposalState, facts: ProposalFacts): ProposalAction[] =>
  PROPOSAL_ACTIONS.filter((a) => nextState(state, a, facts) !== null);

/** A state no transition leaves. */
export const isFinal = (state: ProposalState) => possibleActions(state, { sentBack: false }).length === 0;

/** Reply categories: A 解决采纳, B 列入计划拟解决, C 留作参考. */
export const REPLY_CATEGORIES = ['A', 'B', 'C'] as const;
export type ReplyCategory = (typeof REPLY_CATEGORIES)[number];

/**
 * 答复附件: what a unit may attach to its reply or a co-unit to its opinion — the signed 答复函 as PDF
 * or OFD, Word and Excel annexes, a scan — by extension, with the signature its bytes must have
 * (checked on the server). Served for download only, with the type named here.
 */
export const REPLY_FILE_TYPES = {
  pdf: { contentType: 'application/pdf', bytes: 'pdf' },
  ofd: { contentType: 'application/ofd', bytes: 'zip' },
  docx: { contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', bytes: 'zip' },
  xlsx: { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', bytes: 'zip' },
  doc: { contentType: 'application/msword', bytes: 'ole' },
  xls: { contentType: 'application/vnd.ms-excel', bytes: 'ole' },
  jpg: { contentType: 'image/jpeg', bytes: 'jpeg' },
  jpeg: { contentType: 'image/jpeg', bytes: 'jpeg' },
  png: { contentType: 'image/png', bytes: 'png' },
} as const;
export type ReplyFileExtension = keyof typeof REPLY_FILE_TYPES;
/** A file input's `accept` for reply and opinion files. */
export const REPLY_FILE_ACCEPT = Object.keys(REPLY_FILE_TYPES).map((ext) => `.${ext}`).join(',');
/** What a reply file's first bytes must be. */
export type ReplyFileBytes = (typeof REPLY_FILE_TYPES)[ReplyFileExtension]['bytes'];
export const REPLY_FILES_MAX = 5;
export const REPLY_FILE_MAX_BYTES = 10 * 1024 * 1024;
export const REPLY_FILES_TOTAL_MAX_BYTES = 20 * 1024 * 1024;
/** A reply's submission as a whole (its files and its text): the server's body cap for the proposal page. */
export const REPLY_UPLOAD_MAX_BYTES = REPLY_FILES_TOTAL_MAX_BYTES + 64 * 1024;

/** A file name's extension as REPLY_FILE_TYPES names it, or null if it is not one of them. */
export function replyFileExtension(name: string): ReplyFileExtension | null {
  const ext = /\.([A-Za-z]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
  return Object.hasOwn(REPLY_FILE_TYPES, ext) ? (ext as ReplyFileExtension) : null;
}
/** The sponsor's rating of each unit: 满意, 基本满意, 不满意. */
export const SATISFACTION = ['satisfied', 'basically', 'dissatisfied'] as const;
export type Satisfaction = (typeof SATISFACTION)[number];

/** An assignment's deadline when none is given: three months after assigning (a Beijing day). */
export const DEFAULT_DEADLINE_MONTHS = 3;
export function defaultDeadline(assignedDay: string): string {
  const [y, m, d] = assignedDay.split('-').map(Number);
  const target = new Date(Date.UTC(y, m - 1 + DEFAULT_DEADLINE_MONTHS, 1));
  // The same day of the month, or the month's last day (30 November → 28/29 February).
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, last));
  return target.toISOString().slice(0, 10);
}

/** The provincial committee that receives a region's proposals numbers them with its prefix. */
export const COMMITTEE_PREFIX: Readonly<Record<string, string>> = { chongqing: '渝政协', sichuan: '川政协', guizhou: '黔政协' };

/** The number of a proposal in its receiving committee's year: 渝政协2025第0001号. */
export const proposalNumber = (prefix: string, year: number, sequence: number) =>
  `${prefix}${year}第${String(sequence).padStart(4, '0')}号`;

/** What a proposal not filed (不予立案) may be turned into: a letter (委员来信) or a 社情民意 item. */
export const NOT_FILED_AS = ['letter', 'social_opinion'] as const;
export type NotFiledAs = (typeof NOT_FILED_AS)[number];

/** Topic categories of the registry (提案类别). */
export const PROPOSAL_TOPICS = ['economy', 'society', 'culture', 'ecology', 'governance'] as const;
export type ProposalTopic = (typeof PROPOSAL_TOPICS)[number];

/** Supervision activities (督办活动). */
export const SUPERVISION_KINDS = ['onsite', 'forum', 'inspection', 'urge'] as const;
export type SupervisionKind = (typeof SUPERVISION_KINDS)[number];

/** A deadline is flagged this many days before it passes. */
export const DUE_SOON_DAYS = 7;
