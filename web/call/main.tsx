import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, request } from '../shared/api';
import { duration, translator } from '../shared/i18n';
import { openLocalMedia, type LocalMedia } from '../shared/devices';
import { RemoteAudio, Video } from '../shared/video';
import { CallSession, type Joined, type SessionState } from './session';
import { strings } from './strings';
import { Rating } from './rating';
import '../shared/base.css';
import './call.css';

const t = translator(strings);
const token = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] ?? '');

interface Link {
  department_name: string;
  company_name: string;
  company_logo_url: string | null;
  primary_color: string | null;
  queue_size: number;
  estimated_wait_time: number;
  online_agents: number;
  is_open: boolean;
  next_open_at: string | null;
}

function Header(props: { link: Link }) {
  const { link } = props;
  return (
    <header class="brand">
      {link.company_logo_url && <img class="logo" src={link.company_logo_url} alt="" />}
      <div>
        <h1 data-testid="company-name">{link.company_name}</h1>
        <p data-testid="department-name" class="muted">{link.department_name}</p>
      </div>
    </header>
  );
}

function JoinForm(props: { onJoined: (j: Joined) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const body: Record<string, string> = {};
    for (const key of ['name', 'email', 'phone', 'reason']) {
      const value = String(data.get(key) ?? '').trim();
      if (value) body[key] = value;
    }
    setBusy(true);
    setError(undefined);
    try {
      props.onJoined(await request<Joined>('POST', `/api/v1/call/${encodeURIComponent(token)}/join`, { body }));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <form data-testid="join-form" class="card" onSubmit={submit}>
      <h2>{t('formTitle')}</h2>
      <label>{t('name')}<input data-testid="name" name="name" required maxLength={255} autocomplete="name" /></label>
      <label>{t('email')}<input data-testid="email" name="email" type="email" maxLength={255} autocomplete="email" /></label>
      <label>{t('phone')}<input data-testid="phone" name="phone" type="tel" maxLength={50} autocomplete="tel" /></label>
      <label>{t('reason')}<textarea data-testid="reason" name="reason" rows={2} maxLength={2000} /></label>
      {error && <p role="alert" data-testid="join-error" class="error">{error}</p>}
      <button data-testid="join" class="primary" type="submit" disabled={busy}>{busy ? t('joining') : t('join')}</button>
    </form>
  );
}

function Preview(props: { local?: LocalMedia }) {
  const local = props.local;
  if (!local) return null;
  return (
    <section class="preview" aria-label={t('preview')}>
      {local.stream?.getVideoTracks().length ? <Video testid="local-video" stream={local.stream} muted mirrored label={t('yourVideo')} /> : null}
      {local.problem && <p role="status" data-testid="media-error" class="warning">{t(local.problem)}</p>}
    </section>
  );
}

function Waiting(props: { session: CallSession; state: SessionState }) {
  const { state } = props;
  const headline = useRef<HTMLHeadingElement>(null);
  useEffect(() => headline.current?.focus(), []);
  return (
    <section class="card" aria-live="polite">
      <h2 ref={headline} tabIndex={-1}>
        {state.status === 'assigned' ? t('assigned', { agent: state.agentName ?? t('anAgent') }) : t('waiting')}
      </h2>
      {state.status === 'queued' && (
        <>
          <p class="position" data-testid="queue-position" data-position={state.position}>{t('position', { position: state.position })}</p>
          <p data-testid="wait-time" data-seconds={state.wait}>{t('waitInfo', { wait: duration(state.wait) })}</p>
        </>
      )}
      {state.polling && <p class="muted" data-testid="polling">{t('polling')}</p>}
      {state.status === 'queued' && (
        <button data-testid="cancel" type="button" onClick={() => props.session.cancel().catch(() => undefined)}>{t('cancel')}</button>
      )}
    </section>
  );
}

function InCall(props: { session: CallSession; state: SessionState; local?: LocalMedia }) {
  const { session, state } = props;
  const agent = state.agentName ?? t('anAgent');
  return (
    <section data-testid="call-view" class="call-view" aria-label={t('inCall', { agent })}>
      <h2 class="sr-only">{t('inCall', { agent })}</h2>
      <div class="stage">
        <Video testid="remote-video" stream={state.remote.video} label={t('agentVideo')} />
        <RemoteAudio tracks={state.remote.audio} />
        {props.local?.stream && <div class="pip"><Video testid="local-video" stream={props.local.stream} muted mirrored label={t('yourVideo')} /></div>}
      </div>
      {state.reconnecting && <p role="status" data-testid="reconnecting" class="warning">{t('reconnecting')}</p>}
      {state.peerGone && <p role="status" data-testid="peer-disconnected" class="warning">{t('peerGone')}</p>}
      {(['audio', 'video'] as const).filter((k) => state.remoteMuted[k]).map((k) => (
        <p role="status" data-testid={`remote-muted-${k}`} class="muted">{t('remoteMuted', { who: agent, kind: t(k === 'audio' ? 'kindAudio' : 'kindVideo') })}</p>
      ))}
      <div class="controls">
        <button data-testid="mute-audio" type="button" aria-pressed={state.muted.audio} onClick={() => session.toggle('audio')}>
          {state.muted.audio ? t('unmuteAudio') : t('muteAudio')}
        </button>
        <button data-testid="mute-video" type="button" aria-pressed={state.muted.video} onClick={() => session.toggle('video')}>
          {state.muted.video ? t('unmuteVideo') : t('muteVideo')}
        </button>
      </div>
    </section>
  );
}

function Ended(props: { state: SessionState; callId: string }) {
  const { state } = props;
  const headline = useRef<HTMLHeadingElement>(null);
  useEffect(() => headline.current?.focus(), []);
  const message = state.endReason === 'cancelled' ? t('cancelled')
    : state.endReason === 'timeout' || state.endReason === 'missed' || state.endReason === 'abandoned' ? t('missed') : t('ended');
  return (
    <section class="card">
      <h2 data-testid="call-ended" ref={headline} tabIndex={-1}>{message}</h2>
      {state.talked && <Rating callId={props.callId} t={t} />}
    </section>
  );
}

function App() {
  const [link, setLink] = useState<Link | 'invalid'>();
  const [failure, setFailure] = useState<string>();
  const [attempt, setAttempt] = useState(0);
  const [local, setLocal] = useState<LocalMedia>();
  const [localReady, setLocalReady] = useState<Promise<LocalMedia>>();
  const [session, setSession] = useState<CallSession>();
  const [state, setState] = useState<SessionState>();
  const [ice, setIce] = useState<RTCIceServer[]>([]);

  useEffect(() => {
    request<Link>('GET', `/api/v1/call/${encodeURIComponent(token)}/validate`)
      .then((l) => {
        setLink(l);
        if (l.primary_color) document.documentElement.style.setProperty('--brand', l.primary_color);
        document.title = `${l.company_name} · ${t('title')}`;
        if (!l.is_open) return;
        const asked = openLocalMedia();
        setLocalReady(asked);
        void asked.then(setLocal);
      })
      // Only a 404 means the link is bad; anything else (429, the network) can be tried again.
      .catch((e) => (e instanceof ApiError && e.status === 404 ? setLink('invalid') : setFailure(e.message)));
    request<{ urls: string[]; username: string; credential: string }>('GET', '/api/v1/call/turn-credentials')
      .then((c) => c.urls.length && setIce([{ urls: c.urls, username: c.username, credential: c.credential }]))
      .catch(() => undefined);
  }, [attempt]);

  useEffect(() => {
    if (!session) return;
    const off = session.subscribe(setState);
    session.start();
    return () => {
      off();
      session.close();
    };
  }, [session]);

  if (!link && failure) {
    return (
      <section class="card" role="alert">
        <p data-testid="load-error">{t('error', { message: failure })}</p>
        <button type="button" onClick={() => { setFailure(undefined); setAttempt((n) => n + 1); }}>{t('retry')}</button>
      </section>
    );
  }
  if (!link) return <p class="card muted" role="status">{t('loading')}</p>;
  if (link === 'invalid') {
    return (
      <section class="card" role="alert">
        <h1 data-testid="invalid-link">{t('invalid')}</h1>
        <p class="muted">{t('invalidHint')}</p>
      </section>
    );
  }
  const summary = (
    <p class="muted" aria-live="polite">
      <span data-testid="queue-size" data-count={link.queue_size}>{t('queueInfo', { queue: link.queue_size, agents: link.online_agents })}</span>
    </p>
  );
  let body;
  if (!session || !state) {
    body = link.is_open ? (
      <>
        {summary}
        <Preview local={local} />
        <JoinForm onJoined={(j) => setSession(new CallSession(j, localReady ?? Promise.resolve({}), ice))} />
      </>
    ) : (
      <section class="card" data-testid="closed">
        <h2>{t('closed')}</h2>
        <p data-testid="next-open-at">{link.next_open_at ? t('opensAt', { when: new Date(link.next_open_at).toLocaleString() }) : t('noSchedule')}</p>
      </section>
    );
  } else if (state.status === 'queued' || state.status === 'assigned') body = <><Preview local={local} /><Waiting session={session} state={state} /></>;
  else if (state.status === 'active') body = <InCall session={session} state={state} local={local} />;
  else body = <Ended state={state} callId={session.call.call_id} />;
  return (
    <>
      <Header link={link} />
      <main>{body}</main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
