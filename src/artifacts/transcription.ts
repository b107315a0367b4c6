import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What a speaker said, each piece with its start (seconds on the call's timeline). */
export interface Utterance { start: number; text: string }

export interface TranscriptionProvider {
  name: 'openai' | 'local';
  model: string;
  /** Undefined when this provider cannot do the language (then the call gets no transcript). */
  transcribe(audioPath: string, language: string): Promise<Utterance[] | undefined>;
}

/** Providers tell a failure that is worth retrying (a server, the network) from a refusal. */
export class ProviderError extends Error {}

/** `pt-BR` → `pt`: what OpenAI-compatible servers take as `language`. */
export const isoLanguage = (bcp47: string) => bcp47.split('-')[0].toLowerCase();

/** Any server speaking OpenAI's `POST /v1/audio/transcriptions` (OpenAI, a self-hosted Whisper). */
export function openAiTranscription(baseUrl: string, apiKey: string | undefined, model: string): TranscriptionProvider {
  return {
    name: 'openai',
    model,
    async transcribe(audioPath, language) {
      const form = new FormData();
      form.append('file', new Blob([await readFile(audioPath)], { type: 'audio/webm' }), basename(audioPath));
      form.append('model', model);
      form.append('language', isoLanguage(language));
      form.append('response_format', 'verbose_json');
      const res = await fetch(`${baseUrl.replace(/\/+$/, '')}/audio/transcriptions`, {
        method: 'POST', body: form, headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {}, signal: AbortSignal.timeout(300_000),
      }).catch((err) => {
        throw new ProviderError(`transcription server unreachable: ${err.message}`);
      });
      if (!res.ok) throw new ProviderError(`transcription server answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      const body = await res.json() as { text?: string; segments?: Array<{ start: number; text: string }> };
      if (body.segments?.length) return body.segments.map((s) => ({ start: Number(s.start) || 0, text: String(s.text).trim() })).filter((u) => u.text);
      return body.text?.trim() ? [{ start: 0, text: body.text.trim() }] : [];
    },
  };
}

/**
 * Offline recognition with Debian's pocketsphinx and its US English model: English only, so any
 * other language gets no transcript rather than nonsense.
 */
export function localTranscription(): TranscriptionProvider {
  return {
    name: 'local',
    model: 'pocketsphinx-en-us',
    async transcribe(audioPath, language) {
      if (isoLanguage(language) !== 'en') return undefined;
      const wav = audioPath.replace(/\.[^.]+$/, '.16k.wav');
      await run('ffmpeg', ['-v', 'error', '-y', '-i', audioPath, '-ac', '1', '-ar', '16000', '-f', 'wav', wav]);
      const { stdout } = await run('pocketsphinx_continuous', ['-infile', wav, '-time', 'yes', '-logfn', '/dev/null'], { maxBuffer: 16 << 20 })
        .catch((err) => {
          throw new ProviderError(`pocketsphinx failed: ${err.message}`);
        });
      return parseSphinxTimes(stdout);
    },
  };
}

/** `-time yes` prints one word per line (`word start end confidence`), each utterance between <s> and </s>. */
export function parseSphinxTimes(output: string): Utterance[] {
  const out: Utterance[] = [];
  let current: Utterance | undefined;
  for (const line of output.split('\n')) {
    const [word, start] = line.trim().split(/\s+/);
    if (!word || start === undefined || Number.isNaN(Number(start))) continue;
    if (word === '<s>') current = { start: Number(start), text: '' };
    else if (word === '</s>') {
      if (current?.text) out.push({ start: current.start, text: current.text });
      current = undefined;
    } else if (!/^(<sil>|\[.*\]|\+\+.*\+\+)$/.test(word)) {
      current ??= { start: Number(start), text: '' };
      current.text = `${current.text} ${word.replace(/\(\d+\)$/, '')}`.trim();
    }
  }
  if (current?.text) out.push(current);
  return out;
}

/** Speakers' utterances merged in time order, one line each: `Agent: …`, `Customer: …`. */
export function mergeTranscript(speakers: Array<{ label: string; utterances: Utterance[] }>): string {
  return speakers
    .flatMap((s) => s.utterances.map((u) => ({ ...u, label: s.label })))
    .sort((a, b) => a.start - b.start)
    .map((u) => `${u.label}: ${u.text}`)
    .join('\n');
}
