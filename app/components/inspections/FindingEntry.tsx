import { useEffect, useRef, useState } from 'react';
import { useRevalidator } from '@remix-run/react';
import { Alert, App, Button, Card, Form, Input, Radio, Select, Space } from 'antd';
import { EnvironmentOutlined } from '@ant-design/icons';
import { FINDING_CATEGORIES, FINDING_SEVERITIES, PHOTO_HEAD_BYTES, photoProblem } from '../../../shared/domain/inspection';
import { findingSchema } from '../../../shared/validation/inspections';
import { parseWith, type FieldErrors } from '../../../shared/validation/parse';
import { useT } from '../../lib/i18n';
import { submissionKey } from '../../lib/submission-key';

/**
 * 记录问题: quick entry in the field, one column on a phone. An entry gets a client key when it is
 * made; if the network is gone it waits in this browser's storage (photos included) and goes out
 * when the connection returns, the key making the server record it once however often it is sent.
 */

interface Pending {
  clientKey: string;
  values: Record<string, unknown>;
  /** Photos not yet sent, as data URLs (the finding may already exist). */
  photos: Array<{ name: string; type: string; dataUrl: string }>;
}

const outboxKey = (inspectionId: string) => `inspection-outbox:${inspectionId}`;
const readOutbox = (inspectionId: string): Pending[] => {
  try { return JSON.parse(localStorage.getItem(outboxKey(inspectionId)) ?? '[]'); } catch { return []; }
};
const writeOutbox = (inspectionId: string, list: Pending[]) => localStorage.setItem(outboxKey(inspectionId), JSON.stringify(list));

const toDataUrl = (file: File) => new Promise<string>((resolve, reject) => {
  const reader = new FileReader();
  reader.onload = () => resolve(String(reader.result));
  reader.onerror = () => reject(reader.error);
  reader.readAsDataURL(file);
});

/** A data URL back to bytes (fetching it would need `data:` in the page's connect-src). */
function fromDataUrl(url: string): Blob {
  const [head, body] = url.split(',', 2);
  const binary = atob(body ?? '');
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type: /^data:([^;,]+)/.exec(head)?.[1] ?? 'application/octet-stream' });
}

/** A camera photo's long edge beyond which it is shrunk before it is kept or sent (the report needs no more). */
const PHOTO_EDGE = 2560;
const PHOTO_SHRINK_BYTES = 1.5 * 1024 * 1024;

/**
 * A phone's camera photo is 3–10 MB: shrunk here to a JPEG of at most PHOTO_EDGE px (orientation
 * applied, metadata dropped) it is sent faster over a field connection and fits this browser's storage
 * while offline. What the browser cannot decode goes as it is, for the server to judge.
 */
async function shrinkPhoto(file: File): Promise<File> {
  if (file.size <= PHOTO_SHRINK_BYTES || typeof createImageBitmap !== 'function') return file;
  try {
    const image = await createImageBitmap(file);
    const scale = Math.min(1, PHOTO_EDGE / Math.max(image.width, image.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(image.width * scale);
    canvas.height = Math.round(image.height * scale);
    canvas.getContext('2d')!.drawImage(image, 0, 0, canvas.width, canvas.height);
    image.close();
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
    if (!blob || blob.size >= file.size) return file;
    return new File([blob], `${file.name.replace(/\.[^.]*$/, '')}.jpg`, { type: 'image/jpeg' });
  } catch {
    return file;
  }
}

/** The first photo the server would refuse before decoding it (same rule, same message), or null. */
async function firstPhotoProblem(files: File[]): Promise<string | null> {
  for (const f of files) {
    const head = new Uint8Array(await f.slice(0, PHOTO_HEAD_BYTES).arrayBuffer());
    const problem = photoProblem({ size: f.size, head, name: f.name, type: f.type });
    if (problem) return problem;
  }
  return null;
}

/** `recorded`: the finding itself was saved before a photo was refused. */
class Refused extends Error { constructor(readonly errors: FieldErrors, readonly recorded = false) { super('refused'); } }

/** Sends one entry: the finding (idempotent by its key), then each photo not yet sent. Network errors throw TypeError. */
async function send(inspectionId: string, entry: Pending, onPhotoSent: (remaining: Pending['photos']) => void) {
  const res = await fetch(`/inspections/${inspectionId}/findings`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...entry.values, clientKey: entry.clientKey }),
  });
  const body = await res.json().catch(() => null) as { ok?: boolean; errors?: FieldErrors; vars?: { findingId?: string } } | null;
  if (!res.ok || !body?.ok || !body.vars?.findingId) throw new Refused(body?.errors ?? { _form: 'error.unexpected' });
  let photos = [...entry.photos];
  while (photos.length > 0) {
    const p = photos[0];
    const blob = fromDataUrl(p.dataUrl);
    const form = new FormData();
    form.append('photo', new File([blob], p.name, { type: p.type }));
    const up = await fetch(`/inspections/${inspectionId}/findings/${body.vars.findingId}/photos`, { method: 'POST', body: form });
    if (!up.ok) {
      const err = await up.json().catch(() => null) as { errors?: FieldErrors } | null;
      // 413 comes from the server's body cap, before the route, as plain text.
      throw new Refused(err?.errors ?? { photo: up.status === 413 ? 'inspection.photo.tooBig' : 'error.unexpected' }, true);
    }
    photos = photos.slice(1);
    onPhotoSent(photos);
  }
}

export function FindingEntry({ inspectionId }: { inspectionId: string }) {
  const t = useT();
  const [form] = Form.useForm();
  const { message } = App.useApp();
  const revalidator = useRevalidator();
  const [files, setFiles] = useState<File[]>([]);
  const [fileKey, setFileKey] = useState(0);
  const [busy, setBusy] = useState(false);
  const [waiting, setWaiting] = useState(0);
  const [photoError, setPhotoError] = useState<string | null>(null);
  const photoInput = useRef<HTMLInputElement>(null);
  /**
   * The entry's key, kept after a refusal so that pressing again names the same finding: if it was
   * recorded before a photo was refused, the server gives it back and the photos join it instead of a
   * second finding. Renewed once an entry fully succeeds or the form is reset.
   */
  const entryKey = useRef<string | null>(null);
  /** Chosen photos already attached to the recorded finding, not sent again on the next press. */
  const sentPhotos = useRef(new WeakSet<File>());

  const showErrors = (errors: FieldErrors) => {
    const { photo, ...fields } = errors;
    if (photo) setPhotoError(t(photo));
    form.setFields(Object.entries(fields).map(([name, key]) => ({ name: name === '_form' ? 'description' : name, errors: [t(key)] })));
  };

  /** Sends what waits in the outbox, oldest first; stops at the first network failure. */
  const flush = async () => {
    let list = readOutbox(inspectionId);
    setWaiting(list.length);
    let sent = 0;
    while (list.length > 0) {
      const entry = list[0];
      try {
        await send(inspectionId, entry, (remaining) => { entry.photos = remaining; writeOutbox(inspectionId, list); });
      } catch (err) {
        if (err instanceof TypeError) break; // still offline
        // Refused for good (e.g. no longer allowed): dropping it is the only way forward; say so.
        message.error(t(Object.values((err as Refused).errors ?? {})[0] ?? 'error.unexpected'));
      }
      list = list.slice(1);
      writeOutbox(inspectionId, list);
      sent++;
    }
    setWaiting(list.length);
    if (sent > 0) { message.success(t('inspection.finding.sentLater', { n: sent })); revalidator.revalidate(); }
  };

  useEffect(() => {
    void flush();
    const online = () => { void flush(); };
    window.addEventListener('online', online);
    return () => window.removeEventListener('online', online);
  }, [inspectionId]);

  const onFinish = async (values: Record<string, unknown>) => {
    setPhotoError(null);
    const parsed = parseWith(findingSchema, values);
    if (!parsed.ok) return showErrors(parsed.errors);
    setBusy(true);
    // Each photo is checked here, after shrinking, by the server's rule: nothing is sent while one fails.
    const originals = files.filter((f) => !sentPhotos.current.has(f));
    const shrunk = await Promise.all(originals.map(shrinkPhoto));
    const problem = await firstPhotoProblem(shrunk);
    if (problem) {
      setBusy(false);
      setPhotoError(t(problem));
      // After the re-render that enables the form again.
      setTimeout(() => photoInput.current?.focus());
      return;
    }
    entryKey.current ??= submissionKey();
    const entry: Pending = {
      clientKey: entryKey.current, values,
      photos: await Promise.all(shrunk.map(async (f) => ({ name: f.name, type: f.type, dataUrl: await toDataUrl(f) }))),
    };
    const reset = () => {
      form.resetFields(); setFiles([]); setFileKey((k) => k + 1);
      entryKey.current = null; sentPhotos.current = new WeakSet();
    };
    try {
      await send(inspectionId, entry, (remaining) => {
        // Photos go in order: those no longer remaining are attached.
        originals.slice(0, originals.length - remaining.length).forEach((f) => sentPhotos.current.add(f));
        entry.photos = remaining;
      });
      message.success(t('inspection.finding.created'));
      reset();
      revalidator.revalidate();
    } catch (err) {
      if (err instanceof TypeError) {
        // No network: kept here, sent when the connection returns; if this browser's storage is full,
        // the entry stays in the form and the person is told.
        try {
          writeOutbox(inspectionId, [...readOutbox(inspectionId), entry]);
        } catch {
          message.error(t('inspection.finding.outboxFull'));
          return;
        }
        setWaiting(readOutbox(inspectionId).length);
        message.warning(t('inspection.finding.savedOffline'));
        reset();
      } else {
        const { errors, recorded } = err as Refused;
        if (recorded) setPhotoError(t('inspection.finding.photoNotSent', { reason: t(Object.values(errors)[0] ?? 'error.unexpected') }));
        else showErrors(errors);
        // The finding itself may be recorded already (a photo was refused): the list shows it.
        revalidator.revalidate();
      }
    } finally {
      setBusy(false);
    }
  };

  const locate = () => navigator.geolocation?.getCurrentPosition(
    (pos) => form.setFieldsValue({ latitude: pos.coords.latitude.toFixed(6), longitude: pos.coords.longitude.toFixed(6) }),
    () => undefined, { enableHighAccuracy: true, timeout: 10_000 });

  return (
    <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('inspection.finding.new')}</h2>} data-testid="finding-entry">
      {waiting > 0 && <Alert type="warning" showIcon style={{ marginBottom: 12 }} data-testid="finding-outbox" title={t('inspection.finding.waiting', { n: waiting })} />}
      <Form form={form} layout="vertical" requiredMark={false} onFinish={onFinish} disabled={busy}
        initialValues={{ category: 'safety', severity: 'general' }}
        onValuesChange={(changed) => form.setFields(Object.keys(changed).map((name) => ({ name, errors: [] })))}>
        <Form.Item name="description" label={t('inspection.finding.description')}><Input.TextArea rows={3} maxLength={5000} /></Form.Item>
        <Form.Item name="place" label={t('inspection.finding.place')}><Input maxLength={200} /></Form.Item>
        <Form.Item name="category" label={t('inspection.finding.category')}>
          <Select options={FINDING_CATEGORIES.map((c) => ({ value: c, label: t(`inspection.finding.category.${c}`) }))} />
        </Form.Item>
        <Form.Item name="severity" label={t('inspection.finding.severity')}>
          <Radio.Group aria-label={t('inspection.finding.severity')} optionType="button" buttonStyle="solid"
            options={FINDING_SEVERITIES.map((s) => ({ value: s, label: t(`inspection.finding.severity.${s}`) }))} />
        </Form.Item>
        <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
          <legend style={{ fontSize: 14, marginBottom: 8, border: 0 }}>{t('inspection.finding.coordinates')}</legend>
          <Space wrap align="start">
            <Form.Item name="latitude" label={t('inspection.finding.latitude')}><Input inputMode="decimal" style={{ width: 140 }} /></Form.Item>
            <Form.Item name="longitude" label={t('inspection.finding.longitude')}><Input inputMode="decimal" style={{ width: 140 }} /></Form.Item>
          </Space>
          <Button icon={<EnvironmentOutlined aria-hidden="true" />} onClick={locate} style={{ marginBottom: 16 }}>{t('inspection.finding.locate')}</Button>
        </fieldset>
        <Form.Item label={t('inspection.finding.photos')} htmlFor="finding-photos" validateStatus={photoError ? 'error' : undefined} help={photoError ? <span id="finding-photos-error">{photoError}</span> : undefined}>
          <input key={fileKey} ref={photoInput} id="finding-photos" aria-invalid={photoError ? true : undefined} aria-describedby={photoError ? 'finding-photos-error' : undefined} type="file" accept="image/jpeg,image/png,image/webp" multiple data-testid="finding-photos"
            onChange={(e) => { setPhotoError(null); setFiles(Array.from(e.target.files ?? [])); }} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} block data-testid="finding-submit">{t('inspection.finding.new')}</Button>
      </Form>
    </Card>
  );
}
