import { useEffect, useState } from 'preact/hooks';
import type { Session } from './auth';
import type { Realtime } from './realtime';
import type { T } from './context';

export interface Department {
  id: string;
  name: string;
}

interface QueuedCall {
  id: string;
  customer_name: string;
  inserted_at?: string;
  takenBy?: string;
}

/**
 * One department's queue: the queued calls read once, then kept live by `customer_joined`,
 * `customer_left` and `call_assigned` on `queue:{id}` (and read again after every rejoin, for
 * what happened while the socket was away).
 */
function Queue(props: { department: Department; session: Session; realtime: Realtime; t: T; busy: boolean; onTake: (id: string) => void; onQueued: (id: string) => void }) {
  const { department, session, realtime, t } = props;
  const [calls, setCalls] = useState<QueuedCall[]>([]);
  useEffect(() => {
    const load = () => session.api<QueuedCall[]>('GET',
      `/api/v1/calls?status=queued&department_id=${department.id}&sort_by=inserted_at&sort_order=asc&page_size=100`)
      .then(setCalls).catch(() => undefined);
    return realtime.join(`queue:${department.id}`, {
      customer_joined: (p: { call_id: string; customer_name: string }) => {
        // Also a call that went back to the queue (assigned, not started in time).
        props.onQueued(p.call_id);
        setCalls((list) => (list.some((c) => c.id === p.call_id) ? list : [...list, { id: p.call_id, customer_name: p.customer_name }]));
      },
      customer_left: (p: { call_id: string }) => setCalls((list) => list.filter((c) => c.id !== p.call_id)),
      call_assigned: (p: { call_id: string; user_name: string }) => setCalls((list) => list.filter((c) => c.id !== p.call_id)),
    }, { onJoined: load });
  }, [department.id]);
  return (
    <section class="card" data-testid="queue" data-department-id={department.id} aria-label={department.name}>
      <h3>{department.name} <span class="badge" data-testid="queue-count">{calls.length}</span></h3>
      {calls.length === 0 ? <p class="muted">{t('emptyQueue')}</p> : (
        <ul class="list">
          {calls.map((c) => (
            <li data-testid="queue-item" data-call-id={c.id} key={c.id}>
              <span>{c.customer_name}</span>
              <button data-testid="take-call" class="primary" type="button" disabled={props.busy} onClick={() => props.onTake(c.id)}>{t('take')}</button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function Queues(props: { departments: Department[]; session: Session; realtime: Realtime; t: T; busy: boolean; onTake: (id: string) => void; onQueued: (id: string) => void }) {
  return (
    <section aria-label={props.t('queues')}>
      <h2>{props.t('queues')}</h2>
      {props.departments.map((d) => <Queue key={d.id} department={d} {...props} />)}
    </section>
  );
}
