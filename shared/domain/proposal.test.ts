/**
 * The proposal lifecycle, exhaustively: every state × action, with and without an earlier send-back,
 * against a table written out independently of the machine from issue 12's workflow.
 */
import { describe, expect, it } from 'vitest';
import {
  defaultDeadline, isFinal, nextState, possibleActions, proposalNumber, PROPOSAL_ACTIONS, PROPOSAL_STATES, PROPOSAL_TRANSITIONS,
  type ProposalAction, type ProposalState,
} from './proposal';

/** The allowed moves, as the committees describe them; anything not listed is refused. */
const ALLOWED: Array<[ProposalState, ProposalAction, ProposalState]> = [
  ['submitted', 'review', 'under_review'],
  ['under_review', 'file', 'filed'],
  ['under_review', 'reject', 'not_filed'],
  ['filed', 'assign', 'assigned'],
  ['assigned', 'accept', 'handling'],
  ['assigned', 'return', 'filed'],
  ['handling', 'return', 'filed'],
  ['handling', 'reply', 'replied'],
  ['replied', 'evaluate', 'evaluated'],
  ['replied', 'sendBack', 'handling'],
  ['evaluated', 'close', 'closed'],
];

describe('the proposal lifecycle', () => {
  for (const sentBack of [false, true]) {
    it(`every state × action ${sentBack ? 'after' : 'before'} a send-back`, () => {
      const mismatches: string[] = [];
      for (const state of PROPOSAL_STATES) {
        for (const action of PROPOSAL_ACTIONS) {
          const listed = ALLOWED.find(([s, a]) => s === state && a === action);
          const expected = listed && !(action === 'sendBack' && sentBack) ? listed[2] : null;
          const actual = nextState(state, action, { sentBack });
          if (actual !== expected) mismatches.push(`${state} --${action}--> expected ${expected}, got ${actual}`);
        }
      }
      expect(mismatches).toEqual([]);
    });
  }

  it('who makes each transition: staff of the receiving committee, the lead unit, or the sponsor', () => {
    const by = Object.fromEntries(PROPOSAL_ACTIONS.map((a) => [a, PROPOSAL_TRANSITIONS[a].by]));
    expect(by).toEqual({
      review: 'committeeStaff', file: 'committeeStaff', reject: 'committeeStaff', assign: 'committeeStaff', close: 'committeeStaff',
      accept: 'leadUnit', return: 'leadUnit', reply: 'leadUnit',
      evaluate: 'sponsor', sendBack: 'sponsor',
    });
    expect(PROPOSAL_TRANSITIONS.reject.input).toBe('reason');
    expect(PROPOSAL_TRANSITIONS.return.input).toBe('reason');
  });

  it('ends only in 不予立案 and 办结; every other state leads on, and 办结 is reachable from 提交', () => {
    expect(PROPOSAL_STATES.filter(isFinal)).toEqual(['not_filed', 'closed']);
    const reached = new Set<ProposalState>(['submitted']);
    for (let grew = true; grew;) {
      grew = false;
      for (const s of [...reached]) {
        for (const a of possibleActions(s, { sentBack: false })) {
          const to = nextState(s, a, { sentBack: false })!;
          if (!reached.has(to)) { reached.add(to); grew = true; }
        }
      }
    }
    expect([...reached].sort()).toEqual([...PROPOSAL_STATES].sort());
  });

  it('numbers per committee and year, and a three-month default deadline that keeps to the month', () => {
    expect(proposalNumber('渝政协', 2025, 1)).toBe('渝政协2025第0001号');
    expect(proposalNumber('川政协', 2024, 1364)).toBe('川政协2024第1364号');
    expect(defaultDeadline('2026-12-06')).toBe('2027-03-06');
    expect(defaultDeadline('2026-11-30')).toBe('2027-02-28');
    expect(defaultDeadline('2027-11-30')).toBe('2028-02-29');
  });
});
