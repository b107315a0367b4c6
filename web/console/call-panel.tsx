import { useEffect, useRef, useState } from 'preact/hooks';
import { openLocalMedia, type LocalMedia } from '../shared/devices';
import { RemoteAudio, Video } from '../shared/video';
import type { Session } from './auth';
import { CallLink, type LinkState } from './call-link';
import type { T } from './context';
import { CallFiles, CallTags } from './call-extras';

interface CallDetails {
  id: string;
  status: string;
  customer_name: string;
  customer_email: string | null;
  customer_phone: string | null;
  department_name: string;
  notes: string | null;
}

/** The agent's own call: start it, talk, take notes, tag, share files, complete it. */
export function CallPanel(props: { callId: string; session: Session; t: T; onDone: () => void }) {
  const { callId, session, t } = props;
  const [call, setCall] = useState<CallDetails>();
  const [local, setLocal] = useState<LocalMedia>();
  const [link, setLink] = useState<CallLink>();
  const [state, setState] = useState<LinkState>();
  const [muted, setMuted] = useState({ audio: false, video: false });
  const [error, setError] = useState<string>();
  const notes = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    session.api<CallDetails>('GET', `/api/v1/calls/${callId}`).then(setCall).catch((e) => setError(e.message));
  }, [callId]);
  useEffect(() => {
    if (call?.status !== 'active') return;
    let made: CallLink | undefined;
    let gone = false;
    const asked = openLocalMedia();
    void asked.then((m) => {
      if (gone) return;
      setLocal(m);
      made = new CallLink(session, callId, m.stream, setState);
      setLink(made);
    });
    return () => {
      gone = true;
      made?.close();
      void asked.then((m) => m.stream?.getTracks().forEach((track) => track.stop()));
    };
  }, [call?.status]);
  useEffect(() => {
    if (state?.ended) props.onDone();
  }, [state?.ended]);

  const act = async (work: () => Promise<void>) => {
    setError(undefined);
    try {
      await work();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const start = () => act(async () => {
    await session.api('POST', `/api/v1/calls/${callId}/start`);
    setCall({ ...call!, status: 'active' });
  });
  const complete = () => act(async () => {
    const text = notes.current?.value.trim();
    await session.api('POST', `/api/v1/calls/${callId}/complete`, { body: text ? { notes: text } : {} });
    props.onDone();
  });
  const toggle = (kind: 'audio' | 'video') => {
    const next = !muted[kind];
    setMuted({ ...muted, [kind]: next });
    void link?.mute(kind, next);
  };

  if (!call) return <section class="card">{error ? <p role="alert" class="error">{error}</p> : '…'}</section>;
  return (
    <section class="card call-panel" aria-label={t('myCall')}>
      <h2>{t('myCall')}: {call.customer_name}</h2>
      <dl class="details" data-testid="customer-details">
        <dt>{t('customer')}</dt><dd>{call.customer_name}</dd>
        {call.customer_email && <><dt>{t('email')}</dt><dd>{call.customer_email}</dd></>}
        {call.customer_phone && <><dt>{t('phone')}</dt><dd>{call.customer_phone}</dd></>}
        <dt>{t('department')}</dt><dd>{call.department_name}</dd>
      </dl>
      {call.status === 'assigned' && <button data-testid="start-call" class="primary" type="button" onClick={start}>{t('start')}</button>}
      {call.status === 'active' && (
        <div data-testid="call-view" class="call-view">
          <div class="stage">
            <Video testid="remote-video" stream={state?.remote.video} label={t('customerVideo')} />
            <RemoteAudio tracks={state?.remote.audio ?? []} />
            {local?.stream && <div class="pip"><Video testid="local-video" stream={local.stream} muted mirrored label={t('yourVideo')} /></div>}
          </div>
          {state?.reconnecting && <p role="status" class="warning">{t('reconnecting')}</p>}
          {state?.peerGone && <p role="status" data-testid="peer-disconnected" class="warning">{t('peerGone')}</p>}
          {state?.supervisor && (
            <p role="status" data-testid="supervisor-notice" data-mode={state.supervisor.mode} class="notice">
              {t(`${state.supervisor.mode}Notice`, { name: state.supervisor.name })}
            </p>
          )}
          {(['audio', 'video'] as const).filter((k) => state?.remoteMuted[k]).map((k) => (
            <p role="status" data-testid={`remote-muted-${k}`} class="muted">{t('remoteMuted', { kind: t(k === 'audio' ? 'kindAudio' : 'kindVideo') })}</p>
          ))}
          <div class="controls">
            <button data-testid="mute-audio" type="button" aria-pressed={muted.audio} onClick={() => toggle('audio')}>{muted.audio ? t('unmuteAudio') : t('muteAudio')}</button>
            <button data-testid="mute-video" type="button" aria-pressed={muted.video} onClick={() => toggle('video')}>{muted.video ? t('unmuteVideo') : t('muteVideo')}</button>
          </div>
          <label>{t('notes')}<textarea data-testid="notes" ref={notes} rows={3} maxLength={10000} defaultValue={call.notes ?? ''} /></label>
          <CallTags callId={callId} session={session} t={t} />
          <CallFiles callId={callId} session={session} t={t} />
          <button data-testid="complete-call" class="primary" type="button" onClick={complete}>{t('complete')}</button>
        </div>
      )}
      {(error || state?.error) && <p role="alert" class="error">{t('error', { message: error ?? state?.error ?? '' })}</p>}
    </section>
  );
}
