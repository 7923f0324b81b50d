import { createContext, useContext, type ReactNode } from 'react';
import { useSearchParams } from '@remix-run/react';
import { Alert, Button, Form, Input, Radio, Select } from 'antd';
import type { FieldErrors } from '../../shared/validation/parse';
import { useT } from '../lib/i18n';
import { useClearable } from './clearable';
import { DayField } from './DayField';
import { InlineStyle } from './InlineStyle';

/**
 * The filters of every list page live in the query string (`?workspace=…&q=…`), so a filtered list can
 * be linked and reloaded (a change replaces the history entry: Back leaves the list). The loader parses them with the list's zod schema (a bad value
 * is a 400 naming the field, shown beside it here).
 */

/**
 * The query string with each given filter set, or removed when empty; a page number goes too (the
 * list it counted has changed).
 */
export function withFilters(params: URLSearchParams, values: Record<string, string | null | undefined>): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const [key, value] of Object.entries(values)) {
    if (value) next.set(key, value); else next.delete(key);
  }
  next.delete('page');
  return next;
}

interface Filters {
  /** The filter's current value; none while the loader refused it (the field shows why). */
  value(name: string): string | undefined;
  set(name: string, value: string | null | undefined): void;
  error(name: string): string | undefined;
}

const FilterContext = createContext<Filters | null>(null);

function useFilters(): Filters {
  const filters = useContext(FilterContext);
  if (!filters) throw new Error('a filter field belongs inside a FilterBar');
  return filters;
}

/** Wraps on a phone: one field a line, each as wide as the screen allows. */
const STYLES = `
.filter-bar.ant-form-inline { row-gap: 8px; }
@media (max-width: 640px) {
  .filter-bar.ant-form-inline .ant-form-item { width: 100%; margin-inline-end: 0; }
  .filter-bar.ant-form-inline .ant-form-item-control { min-width: 0; }
  .filter-bar .ant-select, .filter-bar .ant-input-search, .filter-bar .ant-picker { width: 100% !important; min-width: 0 !important; }
}
`;

/**
 * The bar above a list: a search landmark named `label`, its fields (FilterChoice, FilterToggle,
 * FilterText, FilterDay), and 清除筛选 while any of `names` is set, which removes them all.
 * A choice applies at once, text on Enter or its button. Before the page's script loads, Enter in a
 * text field submits the bar as a plain GET form.
 */
export function FilterBar({ label, names, errors = {}, children }: {
  label: string; names: readonly string[]; errors?: FieldErrors; children: ReactNode;
}) {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const filters: Filters = {
    value: (name) => (errors[name] ? undefined : params.get(name) || undefined),
    set: (name, value) => setParams(withFilters(params, { [name]: value?.trim() }), { replace: true }),
    error: (name) => errors[name],
  };
  const active = names.some((name) => params.get(name));
  const invalid = names.some((name) => errors[name]);
  return (
    <FilterContext.Provider value={filters}>
      <div>
        <InlineStyle css={STYLES} />
        <Form layout="inline" role="search" aria-label={label} className="filter-bar" method="get" data-testid="filter-bar">
          {children}
          {active && (
            <Form.Item>
              <Button data-testid="clear-filters"
                onClick={() => setParams(withFilters(params, Object.fromEntries(names.map((name) => [name, null]))), { replace: true })}>
                {t('filters.clear')}
              </Button>
            </Form.Item>
          )}
        </Form>
        {invalid && <Alert type="error" showIcon title={t('filters.invalid')} data-testid="filter-error" style={{ marginTop: 8 }} />}
      </div>
    </FilterContext.Provider>
  );
}

/** One labelled field of the bar (`labelled`: its control is a form field the label names), with the loader's message for it. */
function FilterItem({ name, label, labelled = true, children }: { name: string; label: string; labelled?: boolean; children: ReactNode }) {
  const t = useT();
  const error = useFilters().error(name);
  return (
    <Form.Item label={label} htmlFor={labelled ? `filter-${name}` : undefined} validateStatus={error ? 'error' : undefined} help={error ? t(error) : undefined}>
      {children}
    </Form.Item>
  );
}

/** One of a list (a select with 全部… as its empty choice). */
export function FilterChoice({ name, label, placeholder, options, width = 200 }: {
  name: string; label: string; placeholder: string; options: Array<{ value: string; label: string }>; width?: number;
}) {
  const filters = useFilters();
  const clearable = useClearable();
  return (
    <FilterItem name={name} label={label}>
      <Select id={`filter-${name}`} allowClear={clearable} style={{ minWidth: width }} placeholder={placeholder} options={options}
        value={filters.value(name)} onChange={(v?: string) => filters.set(name, v)} />
    </FilterItem>
  );
}

/** A few choices side by side, the first (value '') meaning no filter. */
export function FilterToggle({ name, label, options }: {
  name: string; label: string; options: Array<{ value: string; label: string }>;
}) {
  const filters = useFilters();
  const current = options.find((o) => o.value === filters.value(name))?.value ?? '';
  return (
    <FilterItem name={name} label={label} labelled={false}>
      <Radio.Group optionType="button" aria-label={label} options={options}
        value={current} onChange={(e) => filters.set(name, e.target.value)} />
    </FilterItem>
  );
}

/** Free text, applied on Enter or the button (emptying it removes the filter). */
export function FilterText({ name, label, placeholder, maxLength, button, width = 240 }: {
  name: string; label: string; placeholder?: string; maxLength: number; button?: string; width?: number;
}) {
  const t = useT();
  const filters = useFilters();
  const [params] = useSearchParams();
  const current = params.get(name) ?? '';
  const clearable = useClearable();
  return (
    <FilterItem name={name} label={label}>
      <Input.Search id={`filter-${name}`} name={name} key={current} defaultValue={current} allowClear={clearable} maxLength={maxLength}
        placeholder={placeholder} style={{ width }} enterButton={button ?? t('filters.apply')} onSearch={(v) => filters.set(name, v)} />
    </FilterItem>
  );
}

/** A calendar day (YYYY-MM-DD). */
export function FilterDay({ name, label }: { name: string; label: string }) {
  const filters = useFilters();
  return (
    <FilterItem name={name} label={label}>
      <DayField id={`filter-${name}`} value={filters.value(name)} onChange={(day) => filters.set(name, day)} />
    </FilterItem>
  );
}
