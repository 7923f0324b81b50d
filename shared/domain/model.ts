/** The vocabulary of the permission model (docs/domain.md). Pure: runs in the browser and on the server. */

/** 省/直辖市: an open set; `sichuan` and `chongqing` today, `guizhou` joined an inspection. */
export type Region = string;

export const ROLES = ['member', 'staff', 'coordinator', 'leader', 'handler', 'admin'] as const;
/** 委员, 工作人员, 联络员, 领导, 承办单位, 系统管理员 */
export type Role = (typeof ROLES)[number];

export const VISIBILITIES = ['org', 'region', 'joint'] as const;
/** Who beyond the owner org may read a shared record: its org, its region, or both regions (联合). */
export type Visibility = (typeof VISIBILITIES)[number];

export const WORKSPACE_ROLES = ['member', 'coordinator'] as const;
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number];

export const ORG_KINDS = ['committee', 'unit'] as const;
export const ORG_LEVELS = ['province', 'city', 'district'] as const;

/** Order of visibilities from narrowest to widest; widening past `region` crosses the boundary. */
export function isWidening(from: Visibility, to: Visibility): boolean {
  return VISIBILITIES.indexOf(to) > VISIBILITIES.indexOf(from);
}
