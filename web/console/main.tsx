import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError } from '../shared/api';
import { duration, translator } from '../shared/i18n';
import { atLeast, Session } from './auth';
import { Realtime } from './realtime';
import { Queues, type Department } from './queues';
import { CallPanel } from './call-panel';
import { Supervision } from './supervision';
import { DashboardView } from './dashboard';
import { canAskForNotifications, chime, systemNotice } from './alerts';
import { strings } from './strings';
import '../shared/base.css';
import './console.css';

const t = translator(strings);
type Status = 'online' | 'busy' | 'away';

function Login(props: { onLogin: (s: Session) => void; notice?: string; onExpired: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(undefined);
    try {
      props.onLogin(await Session.login(String(form.get('tenant')).trim(), String(form.get('email')).trim(), String(form.get('password')), props.onExpired));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <main class="login">
      <form class="card" onSubmit={submit}>
        <h1>{t('title')}</h1>
        {props.notice && <p role="status" class="warning">{props.notice}</p>}
        <label>{t('tenant')}<input data-testid="login-tenant" name="tenant" required autocomplete="organization" /></label>
        <label>{t('email')}<input data-testid="login-email" name="email" type="email" required autocomplete="username" /></label>
        <label>{t('password')}<input data-testid="login-password" name="password" type="password" required autocomplete="current-password" /></label>
        {error && <p role="alert" data-testid="login-error" class="error">{error}</p>}
        <button data-testid="login-submit" class="primary" type="submit" disabled={busy}>{busy ? t('loggingIn') : t('login')}</button>
      </form>
    </main>
  );
}

interface RecentCall {
  id: string;
  customer_name: string;
  rating: number | null;
  duration: number | null;
}

function RecentCalls(props: { session: Session; refreshKey: number }) {
  const [calls, setCalls] = useState<RecentCall[]>([]);
  useEffect(() => {
    const load = () => props.session.api<RecentCall[]>('GET', `/api/v1/calls?user_id=${props.session.user.id}&status=completed&page_size=5`)
      .then(setCalls).catch(() => undefined);
    void load();
    // Ratings arrive after the call, from the customer's page.
    const timer = setInterval(load, 3000);
    return () => clearInterval(timer);
  }, [props.refreshKey]);
  return (
    <section class="card" aria-label={t('recent')}>
      <h2>{t('recent')}</h2>
      <ul class="list" data-testid="recent-calls">
        {calls.map((c) => (
          <li key={c.id} data-testid="recent-call" data-call-id={c.id} data-rating={c.rating ?? ''}>
            <span>{c.customer_name}</span>
            <span class="muted">{c.duration == null ? '' : duration(c.duration)}</span>
            <span data-testid="call-rating">{c.rating ? `${'★'.repeat(c.rating)}${'☆'.repeat(5 - c.rating)}` : t('noRating')}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Shell(props: { session: Session; onLogout: () => void }) {
  const { session } = props;
  const user = session.user;
  const [connected, setConnected] = useState(true);
  const realtime = useMemo(() => new Realtime(session, setConnected), [session]);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [status, setStatus] = useState<Status>('online');
  const [myCall, setMyCall] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [refreshKey, setRefreshKey] = useState(0);
  const [askNotify, setAskNotify] = useState(canAskForNotifications());

  useEffect(() => () => realtime.close(), [realtime]);
  useEffect(() => {
    session.api<Department[]>('GET', '/api/v1/departments?page_size=100').then(setDepartments).catch(() => undefined);
    // A call already on this agent (a reload, or one routed while away).
    session.api<Array<{ id: string; status: string }>>('GET', `/api/v1/calls?user_id=${user.id}&page_size=5`)
      .then((calls) => setMyCall(calls.find((c) => c.status === 'assigned' || c.status === 'active')?.id)).catch(() => undefined);
    return realtime.join(`notification:${user.id}`, {
      new_notification: (n: { type: string; title: string; body: string; data?: { call_id?: string } }) => {
        setNotice(`${n.title}: ${n.body}`);
        chime();
        systemNotice(n.title, n.body);
        if (n.type === 'call_assigned' && n.data?.call_id) setMyCall((current) => current ?? n.data!.call_id);
      },
    });
  }, []);
  // Presence on each of the agent's departments, with the chosen status (sent again on rejoin).
  const statusRef = useMemo(() => ({ value: status }), []);
  statusRef.value = status;
  // The call as of this render, for the socket handlers, which outlive renders.
  const mine = useMemo(() => ({ value: myCall }), []);
  mine.value = myCall;
  useEffect(() => {
    const mine = departments.filter((d) => user.department_ids.includes(d.id));
    const leaves = mine.map((d) => realtime.join(`presence:${d.id}`, {}, { params: () => ({ status: statusRef.value }) }));
    return () => leaves.forEach((leave) => leave());
  }, [departments]);
  const changeStatus = (next: Status) => {
    setStatus(next);
    for (const d of departments) realtime.channel(`presence:${d.id}`)?.push('update_status', { status: next });
  };
  const take = async (callId: string) => {
    try {
      await session.api('POST', `/api/v1/calls/${callId}/assign`);
      setMyCall(callId);
    } catch (e) {
      setNotice(t('error', { message: (e as Error).message }));
    }
  };
  const logout = async () => {
    realtime.close();
    await session.logout();
    props.onLogout();
  };

  return (
    <>
      <header class="topbar">
        <strong>{t('title')}</strong>
        <span class="who">{user.name} · {user.role}</span>
        <label class="inline">{t('status')}
          <select data-testid="presence-status" value={status} onChange={(e) => changeStatus((e.target as HTMLSelectElement).value as Status)}>
            <option value="online">{t('online')}</option>
            <option value="busy">{t('busy')}</option>
            <option value="away">{t('away')}</option>
          </select>
        </label>
        {askNotify && <button type="button" onClick={() => Notification.requestPermission().finally(() => setAskNotify(false))}>{t('notify')}</button>}
        <button data-testid="logout" type="button" onClick={logout}>{t('logout')}</button>
      </header>
      {!connected && <p role="status" class="warning">{t('offline')}</p>}
      {notice && <p role="status" data-testid="notice" class="notice">{notice}</p>}
      <main class="console">
        <div class="column">
          {myCall
            ? <CallPanel key={myCall} callId={myCall} session={session} t={t} onDone={() => { setMyCall(undefined); setRefreshKey((k) => k + 1); }} />
            : null}
          <Queues departments={departments} session={session} realtime={realtime} t={t} busy={!!myCall} onTake={take}
            onQueued={(id) => {
              if (mine.value !== id) return;
              setMyCall(undefined);
              setNotice(t('requeued'));
            }} />
        </div>
        <div class="column">
          <RecentCalls session={session} refreshKey={refreshKey} />
          {atLeast(user, 'supervisor') && <Supervision session={session} t={t} refreshKey={refreshKey} />}
        </div>
        {atLeast(user, 'manager') && <div class="wide"><DashboardView session={session} t={t} /></div>}
      </main>
    </>
  );
}

function App() {
  const [session, setSession] = useState<Session>();
  const [notice, setNotice] = useState<string>();
  return session
    ? <Shell session={session} onLogout={() => setSession(undefined)} />
    : <Login onLogin={(s) => { setNotice(undefined); setSession(s); }} notice={notice} onExpired={() => { setSession(undefined); setNotice(t('expired')); }} />;
}

render(<App />, document.getElementById('app')!);
