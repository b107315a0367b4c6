/** A short two-tone chime (Web Audio: no sound file to fetch) and, when allowed, a system notification. */
let audio: AudioContext | undefined;

export function chime() {
  try {
    audio ??= new AudioContext();
    const now = audio.currentTime;
    for (const [i, freq] of [880, 1320].entries()) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, now + i * 0.18);
      gain.gain.exponentialRampToValueAtTime(0.2, now + i * 0.18 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.18 + 0.16);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + i * 0.18);
      osc.stop(now + i * 0.18 + 0.17);
    }
  } catch {
    // No audio output: the on-screen notice remains.
  }
}

export function systemNotice(title: string, body: string) {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || document.hasFocus()) return;
  try {
    new Notification(title, { body, tag: 'voki-call' });
  } catch {
    // Some browsers only allow notifications from a service worker.
  }
}

export const canAskForNotifications = () => typeof Notification !== 'undefined' && Notification.permission === 'default';
