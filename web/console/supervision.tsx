import { useEffect, useState } from 'preact/hooks';
import { openMicrophone, setTrackEnabled } from '../shared/devices';
import { RemoteAudio, Video } from '../shared/video';
import type { Session } from './auth';
import { CallLink, type LinkState } from './call-link';
import type { T } from './context';

interface ActiveCall {
  id: string;
  customer_name: string;
  user_name: string | null;
  department_name: string;
}

type Mode = 'monitor' | 'whisper' | 'barge';

/**
 * Supervisors: the tenant's active calls, and monitor / whisper / barge on any of them through
 * the documented routes; the media follows over the call's channel (monitor sends nothing).
 */
export function Supervision(props: { session: Session; t: T; refreshKey: number }) {
  const { session, t } = props;
  const [calls, setCalls] = useState<ActiveCall[]>([]);
  const [watching, setWatching] = useState<{ call: ActiveCall; mode: Mode }>();
  const [link, setLink] = useState<CallLink>();
  const [state, setState] = useState<LinkState>();
  const [error, setError] = useState<string>();
  const [mic, setMic] = useState<MediaStream>();

  useEffect(() => {
    const load = () => session.api<ActiveCall[]>('GET', '/api/v1/calls?status=active&page_size=50').then(setCalls).catch(() => undefined);
    void load();
    const timer = setInterval(load, 5000);
    return () => clearInterval(timer);
  }, [props.refreshKey]);
  useEffect(() => () => link?.close(), [link]);
  useEffect(() => {
    if (state?.ended) stop(false);
  }, [state?.ended]);

  const supervise = async (call: ActiveCall, mode: Mode) => {
    setError(undefined);
    try {
      await session.api('POST', `/api/v1/calls/${call.id}/${mode}`);
      // The SFU routes the supervisor's audio by mode (monitor: to nobody); the track is also
      // silenced here while monitoring, so that switching modes needs no renegotiation.
      const stream = mic ?? (await openMicrophone());
      setMic(stream);
      setTrackEnabled(stream, 'audio', mode !== 'monitor');
      if (watching?.call.id !== call.id) {
        link?.close();
        setLink(new CallLink(session, call.id, stream, setState));
      }
      setWatching({ call, mode });
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const stop = async (tell = true) => {
    const current = watching;
    for (const track of mic?.getTracks() ?? []) track.stop();
    setMic(undefined);
    link?.close();
    setLink(undefined);
    setState(undefined);
    setWatching(undefined);
    if (tell && current) await session.api('DELETE', `/api/v1/calls/${current.call.id}/supervision`).catch(() => undefined);
  };

  return (
    <section class="card" data-testid="active-calls" aria-label={t('activeCalls')}>
      <h2>{t('activeCalls')}</h2>
      {calls.length === 0 ? <p class="muted">{t('noActive')}</p> : (
        <ul class="list">
          {calls.map((c) => (
            <li key={c.id} data-call-id={c.id} data-testid="active-call">
              <span>{c.customer_name} · {c.user_name ?? '—'} · {c.department_name}</span>
              <span class="row">
                {(['monitor', 'whisper', 'barge'] as const).map((mode) => (
                  <button type="button" data-testid={mode} aria-pressed={watching?.call.id === c.id && watching.mode === mode}
                    onClick={() => supervise(c, mode)}>{t(mode)}</button>
                ))}
              </span>
            </li>
          ))}
        </ul>
      )}
      {watching && (
        <div class="supervising" data-testid="supervising" data-mode={watching.mode}>
          <p>{t('supervising', { mode: t(watching.mode), customer: watching.call.customer_name, agent: watching.call.user_name ?? '—' })}</p>
          <Video testid="supervised-video" stream={state?.remote.video} label={watching.call.customer_name} />
          <RemoteAudio tracks={state?.remote.audio ?? []} />
          <button type="button" data-testid="stop-supervision" onClick={() => stop()}>{t('stop')}</button>
        </div>
      )}
      {error && <p role="alert" class="error">{t('error', { message: error })}</p>}
    </section>
  );
}
