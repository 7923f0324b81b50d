import { Button, Form, Input, Radio, Select, Space } from 'antd';
import { MultiSelect } from '../MultiSelect';
import {
  assignSchema, evaluateSchema, reasonSchema, rejectSchema, replySchema, stepSchema,
} from '../../../shared/validation/proposals';
import {
  NOT_FILED_AS, REPLY_CATEGORIES, REPLY_FILE_ACCEPT, SATISFACTION, type ProposalAction, type Satisfaction,
} from '../../../shared/domain/proposal';
import { addDays, beijingDay } from '../../../shared/domain/calendar';
import { useT } from '../../lib/i18n';
import { AppForm } from '../AppForm';
import { DayField, type FieldAria } from '../DayField';
import { FilesField } from '../FilesField';

/** One step the reader may take now, with what it needs (a reason, units and a deadline, a reply, ratings). */
export function StepForm({ action, busy, units, assignments, sentBack }: {
  action: ProposalAction; busy: boolean;
  /** The units a proposal may be assigned to (交办). */
  units: Array<{ id: string; name: string }>;
  assignments: Array<{ id: string; unitName: string; role: string; status: string }>;
  sentBack: boolean;
}) {
  const t = useT();
  const label = t(`proposal.action.${action}`);
  const name = `step-${action}`;
  switch (action) {
    case 'review': case 'file': case 'accept': case 'close':
      return (
        <AppForm schema={stepSchema} intent={action} name={name}>
          <Button type="primary" htmlType="submit" loading={busy}>{label}</Button>
        </AppForm>
      );
    case 'reject':
      return (
        <AppForm schema={rejectSchema} intent="reject" name={name}>
          <Form.Item name="reason" label={t('proposal.reason')}><Input maxLength={2000} /></Form.Item>
          <Form.Item name="convertTo" label={t('proposal.convertTo')}>
            <Radio.Group aria-label={t('proposal.convertTo')} options={[{ value: '', label: t('proposal.convertTo.none') },
              ...NOT_FILED_AS.map((c) => ({ value: c, label: t(`proposal.convertTo.${c}`) }))]} />
          </Form.Item>
          <Button danger htmlType="submit" loading={busy}>{label}</Button>
        </AppForm>
      );
    case 'return':
      return (
        <AppForm schema={reasonSchema} intent="return" name={name} layout="inline" style={{ rowGap: 8 }}>
          <Form.Item name="reason" label={t('proposal.reason')} style={{ minWidth: 280, flex: 1 }}><Input maxLength={2000} /></Form.Item>
          <Button danger htmlType="submit" loading={busy}>{label}</Button>
        </AppForm>
      );
    case 'assign': {
      const options = units.map((u) => ({ value: u.id, label: u.name }));
      return (
        <AppForm schema={assignSchema} intent="assign" name={name}>
          <Space wrap align="start">
            <Form.Item name="lead" label={t('proposal.unitRole.lead')}>
              <Select showSearch optionFilterProp="label" style={{ minWidth: 220 }} options={options} />
            </Form.Item>
            <Form.Item name="co" label={t('proposal.unitRole.co')}>
              <MultiSelect showSearch optionFilterProp="label" style={{ minWidth: 220 }} options={options} />
            </Form.Item>
            <Form.Item name="deadline" label={t('proposal.deadline')} extra={t('proposal.deadlineDefault')}><DayField min={addDays(beijingDay(Date.now()), 1)} /></Form.Item>
          </Space>
          <Button type="primary" htmlType="submit" loading={busy}>{label}</Button>
        </AppForm>
      );
    }
    case 'reply':
      return (
        <AppForm schema={replySchema} intent="reply" name={name}>
          <Form.Item name="category" label={t('proposal.replyCategory')}>
            <Radio.Group aria-label={t('proposal.replyCategory')} options={REPLY_CATEGORIES.map((c) => ({ value: c, label: t(`proposal.category.${c}`) }))} />
          </Form.Item>
          <Form.Item name="body" label={t('proposal.replyText')}><Input.TextArea rows={5} maxLength={20000} /></Form.Item>
          <Form.Item name="files" label={t('proposal.files')} extra={t('proposal.filesHelp')}><FilesField accept={REPLY_FILE_ACCEPT} /></Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>{label}</Button>
        </AppForm>
      );
    case 'evaluate':
      return (
        <AppForm schema={evaluateSchema} intent="evaluate" name={name}>
          <Form.Item name="ratings" label={t('proposal.ratings')}>
            <RatingsField units={assignments.filter((a) => a.status !== 'returned')
              .map((a) => ({ id: a.id, name: `${a.unitName}（${t(`proposal.unitRole.${a.role}`)}）` }))} />
          </Form.Item>
          <Form.Item name="comment" label={t('proposal.evaluationComment')}
            extra={sentBack ? t('proposal.sentBackOnce') : t('proposal.dissatisfiedSendsBack')}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>{label}</Button>
        </AppForm>
      );
    default:
      return null;
  }
}

/**
 * 满意度: one choice per unit, as one field (`ratings`: assignment id → rating), so that a rating left out is
 * said under the whole group, which takes the focus (a choice per unit as fields of their own had nowhere
 * to show the schema's or the service's one message).
 */
function RatingsField({ units, value, onChange, id, ...aria }: {
  units: Array<{ id: string; name: string }>; value?: Record<string, Satisfaction>; onChange?: (v: Record<string, Satisfaction>) => void; id?: string;
} & FieldAria) {
  const t = useT();
  return (
    <Space id={id} orientation="vertical" size={4}>
      {units.map((u) => (
        <Space key={u.id} wrap size={[12, 0]}>
          <span id={`${id}-${u.id}`}>{u.name}</span>
          <Radio.Group aria-labelledby={`${id}-${u.id}`} {...aria} value={value?.[u.id]}
            onChange={(e) => onChange?.({ ...value, [u.id]: e.target.value })}
            options={SATISFACTION.map((s) => ({ value: s, label: t(`proposal.rating.${s}`) }))} />
        </Space>
      ))}
    </Space>
  );
}
