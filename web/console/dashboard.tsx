import { useEffect, useState } from 'preact/hooks';
import { duration } from '../shared/i18n';
import type { Session } from './auth';
import type { T } from './context';

interface Dashboard {
  totals: Record<string, number>;
  average_wait_time: number | null;
  average_duration: number | null;
  average_rating: number | null;
  service_level: number | null;
  by_department: Array<{ department_id: string; department_name: string; calls: number; completed: number }>;
  by_agent: Array<{ user_id: string; user_name: string; calls: number; completed: number }>;
  by_hour: Array<{ hour: string; calls: number }>;
}

/** Horizontal bars, drawn with elements (no chart library, no inline styles in markup). */
function Bars(props: { title: string; rows: Array<{ key: string; label: string; value: number }>; testid: string }) {
  const max = Math.max(1, ...props.rows.map((r) => r.value));
  return (
    <figure class="chart" data-testid={props.testid}>
      <figcaption>{props.title}</figcaption>
      {props.rows.map((r) => (
        <div class="bar-row" key={r.key} data-key={r.key} data-value={r.value}>
          <span class="bar-label">{r.label}</span>
          <span class="bar-track"><span class="bar" ref={(el) => {
            el?.style.setProperty('width', `${(r.value / max) * 100}%`);
          }} /></span>
          <span class="bar-value">{r.value}</span>
        </div>
      ))}
    </figure>
  );
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** Managers: CONTRACT §8's dashboard as charts, for a date range, and the CSV export. */
export function DashboardView(props: { session: Session; t: T }) {
  const { session, t } = props;
  const [from, setFrom] = useState(day(new Date(Date.now() - 29 * 86400_000)));
  const [to, setTo] = useState(day(new Date()));
  const [data, setData] = useState<Dashboard>();
  const [error, setError] = useState<string>();
  const range = () => `date_from=${from}T00:00:00Z&date_to=${to}T23:59:59Z`;
  const load = () => session.api<Dashboard>('GET', `/api/v1/analytics/dashboard?${range()}`).then(setData, (e) => setError(e.message));
  useEffect(() => void load(), []);
  const statuses = data ? Object.entries(data.totals).filter(([k]) => k !== 'calls') : [];
  return (
    <section class="card" data-testid="dashboard" aria-label={t('dashboard')}>
      <h2>{t('dashboard')}</h2>
      <form class="row" onSubmit={(e) => { e.preventDefault(); void load(); }}>
        <label>{t('from')}<input type="date" value={from} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} /></label>
        <label>{t('to')}<input type="date" value={to} onInput={(e) => setTo((e.target as HTMLInputElement).value)} /></label>
        <button type="submit">{t('refresh')}</button>
        <button type="button" data-testid="export-csv" onClick={() => session.download(`/api/v1/calls/export?${range()}`, `calls-${from}-${to}.csv`).catch((e) => setError(e.message))}>
          {t('exportCsv')}
        </button>
      </form>
      {error && <p role="alert" class="error">{error}</p>}
      {data && (
        <>
          <dl class="kpis">
            <div><dt>{t('total')}</dt><dd data-testid="kpi-calls">{data.totals.calls}</dd></div>
            <div><dt>{t('avgWait')}</dt><dd>{data.average_wait_time == null ? '—' : duration(data.average_wait_time)}</dd></div>
            <div><dt>{t('avgDuration')}</dt><dd>{data.average_duration == null ? '—' : duration(data.average_duration)}</dd></div>
            <div><dt>{t('avgRating')}</dt><dd data-testid="kpi-rating">{data.average_rating ?? '—'}</dd></div>
            <div><dt>SLA 60 s</dt><dd>{data.service_level == null ? '—' : `${data.service_level}%`}</dd></div>
          </dl>
          <Bars testid="chart-status" title={t('byStatus')} rows={statuses.map(([k, v]) => ({ key: k, label: k, value: v }))} />
          <Bars testid="chart-department" title={t('byDepartment')} rows={data.by_department.map((d) => ({ key: d.department_id, label: d.department_name, value: d.calls }))} />
          <Bars testid="chart-agent" title={t('byAgent')} rows={data.by_agent.map((a) => ({ key: a.user_id, label: a.user_name, value: a.calls }))} />
          <Bars testid="chart-hour" title={t('byHour')} rows={data.by_hour.map((h) => ({ key: h.hour, label: new Date(h.hour).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' }), value: h.calls }))} />
        </>
      )}
    </section>
  );
}
