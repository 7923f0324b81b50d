import { z } from 'zod';
import { filterField, filterId } from './common';
import { PROPOSAL_STATES, PROPOSAL_TOPICS } from '../domain/proposal';

/** The proposal registry (/proposals) and dashboard (/proposals/dashboard) filters, from the query string. */

/** Years a registry may hold: the committees' records go back decades, not centuries. */
export const PROPOSAL_YEAR_MIN = 1990;
export const PROPOSAL_YEAR_MAX = 2100;
const year = z.coerce.number().int().min(PROPOSAL_YEAR_MIN).max(PROPOSAL_YEAR_MAX);

export const REGISTRY_SORTS = ['submitted', 'number', 'deadline'] as const;
export type RegistrySort = (typeof REGISTRY_SORTS)[number];
export const REGISTRY_PAGE_SIZES = [20, 50, 100] as const;

/** A yes/no filter: `1` is yes, empty or absent no filter. */
const flag = filterField(z.literal('1').transform(() => true as const));

export const registryFilterSchema = z.object({
  year: filterField(year),
  state: filterField(z.enum(PROPOSAL_STATES)),
  topic: filterField(z.enum(PROPOSAL_TOPICS)),
  committee: filterId,
  unit: filterId,
  sponsor: filterId,
  key: flag,
  overdue: flag,
  sort: filterField(z.enum(REGISTRY_SORTS)),
  dir: filterField(z.enum(['asc', 'desc'])),
  page: filterField(z.coerce.number().int().min(1).max(100_000)),
  size: filterField(z.coerce.number().int().refine((n) => (REGISTRY_PAGE_SIZES as readonly number[]).includes(n))),
});
export type RegistryQuery = z.output<typeof registryFilterSchema>;

export const dashboardFilterSchema = z.object({
  committee: filterId,
  year: filterField(year),
});
export type DashboardQuery = z.output<typeof dashboardFilterSchema>;
