import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withActor } from '../../db';
import { findOrg, insertOrg, listRegionOrgs, orgNameExists, renameOrgRow, type OrgRow } from '../../db/queries/orgs';
import { authorize, type Actor } from '../../shared/policy';
import { ORG_LEVELS } from '../../shared/domain/model';
import { dbActor } from './actor';
import { audit } from './audit';
import { InputError, NotFoundError } from './errors';
import type { CallContext } from './call';

/** 委员会与单位: committees in a hierarchy (province → city → district) and handling units, per region. */

type Acting = Actor & { displayName?: string };

export interface OrgInput {
  name: string;
  kind: 'committee' | 'unit';
  level: 'province' | 'city' | 'district' | null;
  parentId: string | null;
}

export interface OrgNode extends OrgRow { children?: OrgNode[] }

const isUniqueViolation = (err: unknown) => (err as { code?: string } | null)?.code === '23505';

/** Committees as a forest (a parent outside the region starts its own tree); units as a flat list. */
export function buildHierarchy(orgs: OrgRow[]): { committees: OrgNode[]; units: OrgRow[] } {
  const committees = orgs.filter((o) => o.kind === 'committee');
  const nodes = new Map<string, OrgNode>(committees.map((o) => [o.id, { ...o }]));
  const roots: OrgNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId ? nodes.get(node.parentId) : undefined;
    if (parent) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  return { committees: roots, units: orgs.filter((o) => o.kind === 'unit') };
}

export async function listOrgs(db: Kysely<DB>, actor: Actor) {
  return withActor(db, dbActor(actor), async (trx) => {
    authorize(actor, 'org.manage', { region: actor.region });
    const orgs = await listRegionOrgs(trx, actor.region);
    return { ...buildHierarchy(orgs), all: orgs };
  });
}

export async function createOrg(db: Kysely<DB>, actor: Acting, input: OrgInput, call: CallContext = {}) {
  return withActor(db, dbActor(actor), async (trx) => {
    authorize(actor, 'org.manage', { region: actor.region });
    // Units stand apart from the committee hierarchy; a committee has a level below its parent's.
    const level = input.kind === 'unit' ? null : input.level;
    if (input.kind === 'committee' && !level) throw new InputError('level', 'validation.choose');
    let parent: OrgRow | undefined;
    if (input.kind === 'committee' && input.parentId) {
      parent = await findOrg(trx, input.parentId);
      if (!parent || parent.region !== actor.region) throw new InputError('parentId', 'validation.orgOutsideRegion');
      if (parent.kind !== 'committee' || !parent.level || ORG_LEVELS.indexOf(parent.level) >= ORG_LEVELS.indexOf(level!)) {
        throw new InputError('parentId', 'admin.org.parentLevel');
      }
    }
    if (await orgNameExists(trx, actor.region, input.name)) throw new InputError('name', 'validation.nameTaken');
    let id: string;
    try {
      id = await insertOrg(trx, { name: input.name, kind: input.kind, level, parentId: parent?.id ?? null, region: actor.region });
    } catch (err) {
      if (isUniqueViolation(err)) throw new InputError('name', 'validation.nameTaken');
      throw err;
    }
    await audit(trx, {
      actor, region: actor.region, ip: call.ip, action: 'org.create', target: { type: 'org', id },
      detail: { name: input.name, kind: input.kind, level, parent: parent?.name ?? null },
    });
    return id;
  });
}

export async function renameOrg(db: Kysely<DB>, actor: Acting, id: string, name: string, call: CallContext = {}) {
  return withActor(db, dbActor(actor), async (trx) => {
    const org = await findOrg(trx, id);
    if (!org) throw new NotFoundError('org');
    authorize(actor, 'org.manage', { region: org.region });
    if (org.name === name) return;
    if (await orgNameExists(trx, org.region, name, id)) throw new InputError('name', 'validation.nameTaken');
    try {
      await renameOrgRow(trx, id, name);
    } catch (err) {
      if (isUniqueViolation(err)) throw new InputError('name', 'validation.nameTaken');
      throw err;
    }
    await audit(trx, { actor, region: org.region, ip: call.ip, action: 'org.rename', target: { type: 'org', id }, detail: { from: org.name, to: name } });
  });
}
