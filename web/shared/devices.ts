/** Why the page has no camera or microphone, in words the page can show. */
export type DeviceProblem = 'denied' | 'missing' | 'unsupported';

export interface LocalMedia {
  stream?: MediaStream;
  problem?: DeviceProblem;
}

const problemOf = (e: unknown): DeviceProblem => {
  const name = (e as DOMException)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  return 'missing';
};

/** Camera and microphone; the microphone alone when there is no camera; nothing, with the reason. */
export async function openLocalMedia(): Promise<LocalMedia> {
  if (!navigator.mediaDevices?.getUserMedia) return { problem: 'unsupported' };
  try {
    return { stream: await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } }) };
  } catch (e) {
    const problem = problemOf(e);
    if (problem === 'denied') return { problem };
    try {
      return { stream: await navigator.mediaDevices.getUserMedia({ audio: true }), problem: 'missing' };
    } catch (again) {
      return { problem: problemOf(again) };
    }
  }
}

/** Turns a local track on or off; the SFU is told separately (the `mute` push). */
export function setTrackEnabled(stream: MediaStream | undefined, kind: 'audio' | 'video', enabled: boolean) {
  for (const track of stream?.getTracks() ?? []) if (track.kind === kind) track.enabled = enabled;
}

/** The microphone alone (a supervisor speaks but is not seen), or nothing. */
export async function openMicrophone(): Promise<MediaStream | undefined> {
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch {
    return undefined;
  }
}
