import { useEffect } from 'react';
import { App, Button, Card, Form, Typography } from 'antd';
import type { Visibility } from '../../shared/domain/model';
import { visibilityLabel } from '../../shared/i18n/labels';
import { visibilitySchema } from '../../shared/validation/schemas';
import { parseWith, type FieldErrors } from '../../shared/validation/parse';
import { useT } from '../lib/i18n';
import { VisibilityField } from './VisibilityField';

/**
 * 更改可见范围 for a shared record (a notice, an event): widening to joint crosses the provincial
 * boundary, so it is said and asked first; `onChange` sends the new visibility; `errors` are the
 * action's refusals for this form.
 */
export function VisibilityCard({ id, visibility, regions, busy, errors, onChange }: {
  id: string; visibility: Visibility; regions?: readonly string[]; busy: boolean; errors?: FieldErrors; onChange: (to: Visibility) => void;
}) {
  const t = useT();
  const { modal } = App.useApp();
  const [form] = Form.useForm<{ visibility: Visibility }>();
  useEffect(() => { form.setFieldsValue({ visibility }); }, [visibility, form]);
  useEffect(() => {
    if (errors) form.setFields(Object.entries(errors).map(([name, key]) => ({ name: name as 'visibility', errors: [t(key)] })));
  }, [errors]);
  const finish = (values: { visibility: Visibility }) => {
    const parsed = parseWith(visibilitySchema, values);
    if (!parsed.ok) {
      form.setFields([{ name: 'visibility', errors: [t(parsed.errors.visibility ?? 'validation.choose')] }]);
      return;
    }
    const to = parsed.data.visibility;
    if (to === visibility) return;
    if (to !== 'joint') return onChange(to);
    modal.confirm({
      title: t('notice.crossingConfirmTitle'),
      content: t('notice.crossingWarning', { joint: visibilityLabel(t, 'joint', regions) }),
      okText: t('notice.crossingConfirmOk'),
      cancelText: t('workspace.cancel'),
      onOk: () => onChange(to),
    });
  };
  return (
    <section aria-labelledby={id}>
      <Card size="small">
        <Typography.Title level={2} id={id} style={{ fontSize: 18, marginTop: 0 }}>{t('notice.changeVisibility')}</Typography.Title>
        <Form form={form} name={id} layout="vertical" requiredMark={false} initialValues={{ visibility }} onFinish={finish}>
          <Form.Item name="visibility" label={t('notice.visibility')}><VisibilityField regions={regions} /></Form.Item>
          <Button htmlType="submit" loading={busy}>{t('notice.changeVisibility')}</Button>
        </Form>
      </Card>
    </section>
  );
}
