import { useEffect, useMemo, useState } from 'react';
import { useFetcher, useRevalidator } from '@remix-run/react';
import { App, Checkbox, Select, Tag, Typography } from 'antd';
import {
  DndContext, KeyboardSensor, PointerSensor, closestCenter, useDraggable, useDroppable, useSensor, useSensors,
  type Announcements, type DragEndEvent, type KeyboardCoordinateGetter,
} from '@dnd-kit/core';
import { TASK_STATUSES, type ChecklistItem, type TaskStatus } from '../../../shared/domain/inspection';
import { regionName } from '../../../shared/i18n/labels';
import { useT } from '../../lib/i18n';
import { InlineStyle } from '../InlineStyle';
import { HolderOutlined } from '@ant-design/icons';
import { useWhenOnline } from '../../lib/submit';

export interface BoardTask {
  id: string; title: string; description: string; assigneeId: string | null; assigneeName: string | null;
  assigneeRegion: string | null; dueOn: string | null; status: TaskStatus; checklist: ChecklistItem[]; version: number; mayMove: boolean;
}

const STYLES = `
.insp-board { display: grid; grid-template-columns: repeat(4, minmax(200px, 1fr)); gap: 12px; overflow-x: auto; }
.insp-column { background: #f5f5f5; border-radius: 8px; padding: 8px; min-height: 160px; }
.insp-column[data-over="true"] { outline: 2px dashed #1677ff; }
.insp-column h3 { font-size: 15px; margin: 4px 4px 8px; }
.insp-card { background: #fff; border: 1px solid #d9d9d9; border-radius: 6px; padding: 8px; margin-bottom: 8px; }
.insp-handle { cursor: grab; border: 1px solid #d9d9d9; background: #fafafa; border-radius: 4px; padding: 2px 6px; touch-action: none; }
.insp-handle:focus-visible { outline: 3px solid #1677ff; outline-offset: 2px; }
.insp-card[data-dragging="true"] { opacity: 0.85; box-shadow: 0 4px 12px rgba(0,0,0,.2); position: relative; z-index: 10; }
@media (max-width: 640px) { .insp-board { grid-template-columns: 1fr; } }
`;

/**
 * The keyboard moves a picked-up card one column left or right (arrows), onto the column's middle,
 * so that closestCenter finds that column: a drop then moves the task there.
 */
const columnKeys: KeyboardCoordinateGetter = (event, { context, currentCoordinates }) => {
  const { active, over, droppableRects, collisionRect } = context;
  if (!active || !collisionRect) return undefined;
  const step = event.code === 'ArrowRight' || event.code === 'ArrowDown' ? 1 : event.code === 'ArrowLeft' || event.code === 'ArrowUp' ? -1 : 0;
  if (step === 0) return undefined;
  event.preventDefault();
  const from = (over?.id as TaskStatus | undefined) ?? (active.data.current?.status as TaskStatus);
  const to = TASK_STATUSES[TASK_STATUSES.indexOf(from) + step];
  const rect = to ? droppableRects.get(to) : undefined;
  if (!rect) return currentCoordinates;
  return { x: rect.left + (rect.width - collisionRect.width) / 2, y: rect.top + Math.min(40, rect.height / 4) };
};

/** 任务看板: a column per status; cards move by drag and drop, by the keyboard (space, arrows, space) or with 移到. */
export function Board({ tasks, inspectionId }: { tasks: BoardTask[]; inspectionId: string }) {
  const t = useT();
  const fetcher = useFetcher<{ ok: boolean; errors?: Record<string, string> }>();
  const revalidator = useRevalidator();
  const { message } = App.useApp();
  const whenOnline = useWhenOnline();
  // A move shows at once; the loader (after the action, or a live revalidation) then has the last word.
  const [moved, setMoved] = useState<Record<string, TaskStatus>>({});
  useEffect(() => setMoved({}), [tasks]);
  useEffect(() => {
    if (fetcher.state !== 'idle' || !fetcher.data) return;
    if (fetcher.data.ok) return;
    const key = fetcher.data.errors?._form ?? Object.values(fetcher.data.errors ?? {})[0] ?? 'validation.invalid';
    message.error(t(key));
    setMoved({});
    revalidator.revalidate();
  }, [fetcher.state, fetcher.data]);

  const byId = useMemo(() => new Map(tasks.map((x) => [x.id, x])), [tasks]);
  const statusOf = (task: BoardTask) => moved[task.id] ?? task.status;
  const statusName = (s: string | undefined) => (s ? t(`inspection.task.status.${s}`) : '');
  const titleOf = (id: string | number) => byId.get(String(id))?.title ?? '';

  const move = (task: BoardTask, status: TaskStatus) => {
    if (statusOf(task) === status) return;
    whenOnline(() => {
      setMoved((m) => ({ ...m, [task.id]: status }));
      fetcher.submit({ intent: 'task.move', taskId: task.id, status, version: task.version },
        { method: 'post', encType: 'application/json', action: `/inspections/${inspectionId}` });
    });
  };
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    const task = byId.get(String(active.id));
    if (task && over) move(task, over.id as TaskStatus);
  };

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: columnKeys }),
  );
  const announcements: Announcements = {
    onDragStart: ({ active }) => t('inspection.task.picked', { title: titleOf(active.id), status: statusName(active.data.current?.status) }),
    onDragOver: ({ active, over }) => (over ? t('inspection.task.over', { title: titleOf(active.id), status: statusName(String(over.id)) }) : undefined),
    onDragEnd: ({ active, over }) => (over ? t('inspection.task.dropped', { title: titleOf(active.id), status: statusName(String(over.id)) }) : t('inspection.task.cancelled', { title: titleOf(active.id) })),
    onDragCancel: ({ active }) => t('inspection.task.cancelled', { title: titleOf(active.id) }),
  };

  return (
    <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd}
      accessibility={{ announcements, screenReaderInstructions: { draggable: t('inspection.task.dragHint') } }}>
      <InlineStyle css={STYLES} />
      <div className="insp-board" data-testid="board">
        {TASK_STATUSES.map((status) => (
          <Column key={status} status={status} title={statusName(status)}
            count={tasks.filter((x) => statusOf(x) === status).length}>
            {tasks.filter((x) => statusOf(x) === status).map((task) => (
              <Card key={task.id} task={{ ...task, status }} onMove={(s) => move(task, s)} inspectionId={inspectionId} />
            ))}
          </Column>
        ))}
      </div>
    </DndContext>
  );
}

function Column({ status, title, count, children }: { status: TaskStatus; title: string; count: number; children: React.ReactNode }) {
  const { setNodeRef, isOver } = useDroppable({ id: status });
  return (
    <section ref={setNodeRef} className="insp-column" data-over={isOver} data-testid={`column-${status}`} aria-labelledby={`column-${status}-title`}>
      <h3 id={`column-${status}-title`}>{title} <Tag>{count}</Tag></h3>
      {children}
    </section>
  );
}

function Card({ task, onMove, inspectionId }: { task: BoardTask; onMove: (s: TaskStatus) => void; inspectionId: string }) {
  const t = useT();
  const fetcher = useFetcher();
  const whenOnline = useWhenOnline();
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, isDragging } = useDraggable({
    id: task.id, disabled: !task.mayMove, data: { status: task.status },
  });
  const style = transform ? { transform: `translate3d(${transform.x}px, ${transform.y}px, 0)` } : undefined;
  const done = task.checklist.filter((c) => c.done).length;
  // A tick being saved shows at once; the boxes stay focusable meanwhile (a disabled box would drop the
  // keyboard's focus) but take no second tick until the first is answered (it carries the task's version).
  const saving = fetcher.state !== 'idle';
  const ticking = saving ? (fetcher.json as { index: number; done: boolean } | undefined) : undefined;
  return (
    <article ref={setNodeRef} style={style} className="insp-card" data-testid="task-card" data-task={task.title}
      data-status={task.status} data-movable={task.mayMove} data-dragging={isDragging} aria-label={task.title}>
      <div style={{ display: 'flex', gap: 6, alignItems: 'flex-start' }}>
        {task.mayMove && (
          // The drag handle: a button of its own, so the card's checkboxes and select are not nested in it.
          <button type="button" ref={setActivatorNodeRef} className="insp-handle" data-testid="task-handle"
            {...attributes} {...listeners} aria-roledescription={t('inspection.task.handle')} aria-label={t('inspection.task.handleLabel', { title: task.title })}>
            <HolderOutlined aria-hidden="true" />
          </button>
        )}
        <Typography.Text strong>{task.title}</Typography.Text>
      </div>
      <div style={{ fontSize: 13, color: '#595959', marginTop: 4 }}>
        {task.assigneeName ? `${task.assigneeName}${task.assigneeRegion ? `（${regionName(t, task.assigneeRegion)}）` : ''}` : t('inspection.task.unassigned')}
        {task.dueOn && <> · {t('inspection.task.due')} {task.dueOn}</>}
        {task.checklist.length > 0 && <> · {done}/{task.checklist.length}</>}
      </div>
      {task.checklist.length > 0 && (
        <ul style={{ listStyle: 'none', padding: 0, margin: '6px 0 0' }}>
          {task.checklist.map((c, index) => (
            <li key={index}>
              <Checkbox checked={ticking?.index === index ? ticking.done : c.done} disabled={!task.mayMove} aria-busy={saving || undefined}
                onChange={(e) => !saving && whenOnline(() => fetcher.submit({ intent: 'task.check', taskId: task.id, version: task.version, index, done: e.target.checked },
                  { method: 'post', encType: 'application/json', action: `/inspections/${inspectionId}` }))}>
                {c.text}
              </Checkbox>
            </li>
          ))}
        </ul>
      )}
      {task.mayMove && (
        <div style={{ marginTop: 6 }}>
          <Select size="small" style={{ width: '100%' }} value={task.status} aria-label={`${t('inspection.task.moveTo')}：${task.title}`}
            options={TASK_STATUSES.map((s) => ({ value: s, label: `${t('inspection.task.moveTo')} ${t(`inspection.task.status.${s}`)}` }))}
            onChange={(s: TaskStatus) => onMove(s)} />
        </div>
      )}
    </article>
  );
}
