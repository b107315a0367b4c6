import { useEffect, useRef } from 'preact/hooks';

/** A <video> showing a MediaStream (srcObject cannot be set as an attribute). */
export function Video(props: { stream?: MediaStream; muted?: boolean; testid: string; label: string; mirrored?: boolean }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (el && el.srcObject !== (props.stream ?? null)) el.srcObject = props.stream ?? null;
  }, [props.stream]);
  return (
    <video ref={ref} data-testid={props.testid} aria-label={props.label} autoplay playsInline
      muted={props.muted} class={props.mirrored ? 'video mirrored' : 'video'} />
  );
}

/** Plays remote audio tracks, one element each, out of sight. */
export function RemoteAudio(props: { tracks: MediaStreamTrack[] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const box = ref.current;
    if (!box) return;
    const playing = new Set<string>();
    for (const el of Array.from(box.querySelectorAll('audio'))) {
      const id = el.dataset.track!;
      if (props.tracks.some((t) => t.id === id)) playing.add(id);
      else el.remove();
    }
    for (const track of props.tracks) {
      if (playing.has(track.id)) continue;
      const el = document.createElement('audio');
      el.autoplay = true;
      el.dataset.track = track.id;
      el.srcObject = new MediaStream([track]);
      box.appendChild(el);
    }
  }, [props.tracks]);
  return <div ref={ref} class="remote-audio" aria-hidden="true" />;
}
