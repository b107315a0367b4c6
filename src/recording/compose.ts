import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SegmentFile { path: string; role: string; participantId: string; kind: string; startedAt: Date; endedAt: Date | null }

const PANEL = { w: 640, h: 480 };

/** A media file's duration in seconds (ffprobe), or undefined when it cannot tell. */
export async function durationOf(path: string): Promise<number | undefined> {
  try {
    const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=nw=1:nk=1', path]);
    const seconds = Number(stdout.trim());
    return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
  } catch {
    return undefined;
  }
}

/** A segment placed on the call's timeline: its offset from the first segment and its length, in seconds. */
export type PlacedSegment = SegmentFile & { offset: number; length: number };

/**
 * Places a call's segments on one timeline (each file's length read once, by ffprobe), for the
 * composition and every speaker's audio alike.
 */
export async function placeSegments(segments: SegmentFile[]): Promise<PlacedSegment[]> {
  const t0 = Math.min(...segments.map((s) => s.startedAt.getTime()));
  return Promise.all(segments.map(async (s) => {
    const offset = (s.startedAt.getTime() - t0) / 1000;
    const length = (await durationOf(s.path)) ?? Math.max(0, ((s.endedAt?.getTime() ?? s.startedAt.getTime()) - s.startedAt.getTime()) / 1000);
    return { ...s, offset, length };
  }));
}

/** Audio inputs placed at their offsets and mixed: the filter and its output label. */
function mixAudio(audio: Array<{ index: number; offset: number }>, label: string): string[] {
  const parts = audio.map((a, i) => `[${a.index}:a]asetpts=PTS-STARTPTS,adelay=${Math.round(a.offset * 1000)}:all=1[a${label}${i}]`);
  const inputs = audio.map((_, i) => `[a${label}${i}]`).join('');
  parts.push(audio.length > 1 ? `${inputs}amix=inputs=${audio.length}:duration=longest:normalize=0[${label}]` : `${inputs}anull[${label}]`);
  return parts;
}

/**
 * One playable WebM of the call: the agent's and the customer's video side by side (each piece at
 * its own time over a black canvas), everyone's audio mixed; VP8 and Opus. Audio only when no one
 * sent video. Returns its duration.
 */
export async function composeCall(all: PlacedSegment[], out: string): Promise<number> {
  const total = Math.max(1, ...all.map((s) => s.offset + s.length));
  const args: string[] = ['-v', 'error', '-y'];
  all.forEach((s) => args.push('-i', s.path));
  const indexed = all.map((s, index) => ({ ...s, index }));
  const audio = indexed.filter((s) => s.kind === 'audio');
  const video = indexed.filter((s) => s.kind === 'video' && s.role !== 'supervisor');
  const panels = [...new Set(video.sort((a, b) => (a.role === 'agent' ? -1 : 1) - (b.role === 'agent' ? -1 : 1)).map((v) => v.participantId))];
  const filters: string[] = [];
  if (panels.length) {
    filters.push(`color=c=black:s=${PANEL.w * panels.length}x${PANEL.h}:r=15:d=${total.toFixed(3)}[bg]`);
    let base = 'bg';
    video.forEach((v, i) => {
      filters.push(`[${v.index}:v]setpts=PTS-STARTPTS+${v.offset.toFixed(3)}/TB,scale=${PANEL.w}:${PANEL.h}:force_original_aspect_ratio=decrease,`
        + `pad=${PANEL.w}:${PANEL.h}:(ow-iw)/2:(oh-ih)/2[v${i}]`);
      filters.push(`[${base}][v${i}]overlay=x=${PANEL.w * panels.indexOf(v.participantId)}:y=0:eof_action=pass[o${i}]`);
      base = `o${i}`;
    });
    filters.push(`[${base}]format=yuv420p[vout]`);
  }
  if (audio.length) filters.push(...mixAudio(audio, 'aout'));
  args.push('-filter_complex', filters.join(';'));
  if (panels.length) args.push('-map', '[vout]', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '600k', '-auto-alt-ref', '0');
  if (audio.length) args.push('-map', '[aout]', '-c:a', 'libopus', '-b:a', '48k');
  args.push('-t', total.toFixed(3), '-f', 'webm', out);
  await run('ffmpeg', args, { maxBuffer: 1 << 20 });
  return total;
}

/**
 * Each speaker's own audio, their pieces placed at their offsets from the call's first segment
 * (so every speaker's file shares one timeline and the transcript can order their lines), as
 * Opus in WebM.
 */
export async function speakerAudio(placed: PlacedSegment[], participantId: string, out: string): Promise<void> {
  const mine = placed.filter((s) => s.kind === 'audio' && s.participantId === participantId);
  const args: string[] = ['-v', 'error', '-y'];
  mine.forEach((s) => args.push('-i', s.path));
  const filters = mixAudio(mine.map((s, index) => ({ index, offset: s.offset })), 'aout');
  args.push('-filter_complex', filters.join(';'), '-map', '[aout]', '-c:a', 'libopus', '-b:a', '32k', '-f', 'webm', out);
  await run('ffmpeg', args, { maxBuffer: 1 << 20 });
}
