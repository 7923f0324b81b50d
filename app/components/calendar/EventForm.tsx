import { useRef } from 'react';
import { Button, Checkbox, Form, Input, Select, Space } from 'antd';
import { MultiSelect } from '../MultiSelect';
import type { z } from 'zod';
import { addDays, daysBetween, EVENT_KINDS, REPEATS } from '../../../shared/domain/calendar';
import type { Visibility } from '../../../shared/domain/model';
import { useT } from '../../lib/i18n';
import { useClearable } from '../clearable';
import { AppForm } from '../AppForm';
import { DayField } from '../DayField';
import { TimeField } from '../TimeField';
import { VisibilityField } from '../VisibilityField';

/** Someone who may be invited; `sameRegion`/`sameOrg` compare them with the organiser (visibility). */
export interface Person { id: string; displayName: string; orgName: string; sameRegion: boolean; sameOrg: boolean }
/** A committee that may organise the event with its owner (`owner`: always one of them). */
export interface Committee { id: string; name: string; region: string; sameRegion: boolean; owner: boolean }

/**
 * The one event form, for creating (with workspace and visibility) and editing. Times are Beijing
 * days and times as text (DayField, TimeField), turned into instants by the schema.
 */
export function EventForm<S extends z.ZodTypeAny>({ schema, intent, initialValues, workspaces, people, committees, busy, submitLabel, onWorkspaceChange }: {
  schema: S;
  intent: string;
  initialValues: Record<string, unknown>;
  /** Given when creating: where the event may be created. */
  workspaces?: Array<{ id: string; name: string; regions: string[] }>;
  /** Who may be invited (in the chosen workspace). */
  people: Person[];
  /** The committees that may organise it (主办单位): the owner's and the workspace's. */
  committees: Committee[];
  busy: boolean;
  submitLabel: string;
  onWorkspaceChange?: (workspaceId: string) => void;
}) {
  const t = useT();
  const clearable = useClearable();
  const [form] = Form.useForm();
  const allDay = Form.useWatch('allDay', form) ?? initialValues.allDay;
  const repeat = Form.useWatch('repeat', form) ?? initialValues.repeat;
  const visibility: Visibility | undefined = Form.useWatch('visibility', form);
  const workspaceId: string | undefined = Form.useWatch('workspaceId', form) ?? initialValues.workspaceId as string | undefined;
  const invitable = people.filter((p) => mayBeInvited(p, visibility));
  const organising = committees.filter((c) => mayCoorganise(c, visibility));
  const owners = committees.filter((c) => c.owner).map((c) => c.id);
  // The end follows the start, keeping the event's length: moving a one-day meeting to the 20th (or to
  // the afternoon) left its end behind, and the form refused it (结束时间须晚于开始时间).
  const start = useRef({ day: initialValues.startDay as string | undefined, time: initialValues.startTime as string | undefined });
  return (
    <AppForm schema={schema} intent={intent} form={form} name={`event-${intent}`} initialValues={initialValues}
      onValuesChange={(changed) => {
        if (changed.startDay) {
          const endDay = form.getFieldValue('endDay') as string | undefined;
          if (start.current.day && endDay) form.setFieldValue('endDay', addDays(endDay, daysBetween(start.current.day, changed.startDay)));
          start.current.day = changed.startDay;
        }
        if (changed.startTime) {
          const endTime = form.getFieldValue('endTime') as string | undefined;
          const end = start.current.time && endTime ? minutes(endTime) + minutes(changed.startTime) - minutes(start.current.time) : -1;
          // Within the same day only; past midnight, the person sets the end.
          if (end >= 0 && end < 24 * 60) form.setFieldValue('endTime', clock(end));
          start.current.time = changed.startTime;
        }
        if (changed.workspaceId) {
          form.setFieldsValue({ invitees: [], organisers: owners });
          onWorkspaceChange?.(changed.workspaceId);
        }
        // A narrower visibility keeps only the committees that could still read the event.
        if (changed.visibility) {
          const allowed = new Set(committees.filter((c) => mayCoorganise(c, changed.visibility)).map((c) => c.id));
          form.setFieldValue('organisers', ((form.getFieldValue('organisers') ?? []) as string[]).filter((id) => allowed.has(id)));
        }
      }}>
      {workspaces && (
        <Form.Item name="workspaceId" label={t('calendar.workspace')}>
          <Select showSearch optionFilterProp="label" options={workspaces.map((w) => ({ value: w.id, label: w.name }))} />
        </Form.Item>
      )}
      <Form.Item name="title" label={t('calendar.eventTitle')}><Input maxLength={200} /></Form.Item>
      <Form.Item name="kind" label={t('calendar.kind')}>
        <Select options={EVENT_KINDS.map((k) => ({ value: k, label: t(`calendar.kind.${k}`) }))} />
      </Form.Item>
      <Form.Item name="allDay" valuePropName="checked"><Checkbox>{t('calendar.allDay')}</Checkbox></Form.Item>
      <Space wrap align="start">
        <Form.Item name="startDay" label={t('calendar.startDay')}><DayField /></Form.Item>
        {!allDay && <Form.Item name="startTime" label={t('calendar.startTime')}><TimeField /></Form.Item>}
        <Form.Item name="endDay" label={t('calendar.endDay')}><DayField /></Form.Item>
        {!allDay && <Form.Item name="endTime" label={t('calendar.endTime')}><TimeField /></Form.Item>}
      </Space>
      <Space wrap align="start">
        <Form.Item name="repeat" label={t('calendar.repeat')}>
          <Select style={{ width: 160 }} options={REPEATS.map((r) => ({ value: r, label: t(`calendar.repeat.${r}`) }))} />
        </Form.Item>
        {repeat && repeat !== 'none' && <Form.Item name="untilDay" label={t('calendar.untilDay')}><DayField /></Form.Item>}
      </Space>
      <Form.Item name="place" label={t('calendar.place')}><Input maxLength={200} /></Form.Item>
      <Form.Item name="onlineUrl" label={t('calendar.onlineUrl')}><Input maxLength={500} inputMode="url" /></Form.Item>
      <Form.Item name="description" label={t('calendar.description')}><Input.TextArea rows={3} maxLength={5000} /></Form.Item>
      {workspaces && (
        <Form.Item name="visibility" label={t('calendar.visibility')}>
          <VisibilityField regions={workspaces.find((w) => w.id === workspaceId)?.regions} />
        </Form.Item>
      )}
      <Form.Item name="organisers" label={t('calendar.organisers')}>
        {/* The owner's committee always organises: its tag cannot be removed. */}
        <MultiSelect optionFilterProp="label"
          options={organising.map((c) => ({ value: c.id, label: c.name, disabled: c.owner }))} />
      </Form.Item>
      <Form.Item label={t('calendar.inviteCommittee')} htmlFor={`event-${intent}-committee`}>
        {/* A whole committee at once: adds its people of this workspace (each is stored, and answers, as a person). */}
        <Select id={`event-${intent}-committee`} value={null} showSearch optionFilterProp="label" placeholder={t('calendar.inviteCommitteePlaceholder')}
          options={[...new Set(invitable.map((p) => p.orgName))].map((org) => ({ value: org, label: org }))}
          onChange={(org: string) => {
            const current: string[] = form.getFieldValue('invitees') ?? [];
            form.setFieldValue('invitees', [...new Set([...current, ...invitable.filter((p) => p.orgName === org).map((p) => p.id)])]);
          }} />
      </Form.Item>
      <Form.Item name="invitees" label={t('calendar.invitees')}>
        <MultiSelect allowClear={clearable} optionFilterProp="label"
          options={invitable.map((p) => ({ value: p.id, label: `${p.displayName}（${p.orgName}）` }))} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy}>{submitLabel}</Button>
    </AppForm>
  );
}

/** Offer only committees that could read the event (the server checks again: event.coorganise). */
const minutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
const clock = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

function mayCoorganise(c: Committee, visibility: Visibility | undefined) {
  if (c.owner || !visibility || visibility === 'joint') return true;
  return visibility === 'region' && c.sameRegion;
}

/** Offer only people who could read the event (the server checks again: event.invite). */
function mayBeInvited(p: Person, visibility: Visibility | undefined) {
  if (!visibility || visibility === 'joint') return true;
  return visibility === 'region' ? p.sameRegion : p.sameOrg;
}
