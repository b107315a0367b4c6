import { ProviderError } from './transcription';
import { SUMMARY_PROMPT } from './summary-prompt';

export interface SummaryProvider {
  name: 'openai' | 'local';
  model: string;
  summarize(transcript: string, language: string): Promise<string>;
}

/** Any server speaking OpenAI's `POST /v1/chat/completions` (OpenAI, Ollama, vLLM, llama.cpp). */
export function openAiSummary(baseUrl: string, apiKey: string | undefined, model: string): SummaryProvider {
  return {
    name: 'openai',
    model,
    async summarize(transcript, language) {
      const res = await fetch(`${baseUrl.replace(/\/+$/, '')}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
        body: JSON.stringify({
          model, temperature: 0.2,
          messages: [{ role: 'system', content: SUMMARY_PROMPT.replace('{language}', language) }, { role: 'user', content: transcript }],
        }),
        signal: AbortSignal.timeout(120_000),
      }).catch((err) => {
        throw new ProviderError(`summary server unreachable: ${err.message}`);
      });
      if (!res.ok) throw new ProviderError(`summary server answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      const body = await res.json() as { choices?: Array<{ message?: { content?: string } }> };
      const text = body.choices?.[0]?.message?.content?.trim();
      if (!text) throw new ProviderError('summary server answered without a message');
      return text;
    },
  };
}

const STOP = new Set(['the', 'a', 'an', 'and', 'or', 'to', 'of', 'in', 'is', 'it', 'i', 'you', 'that', 'this', 'for', 'on', 'with', 'my',
  'o', 'a', 'os', 'as', 'e', 'de', 'do', 'da', 'que', 'um', 'uma', 'para', 'com', 'não', 'eu', 'você', 'é', 'em', 'no', 'na']);

/**
 * An extractive summary, no model: the transcript's lines scored by how often their words occur
 * in the whole call, the best three kept in their order. Labelled honestly (`local`, `extractive`).
 */
export function localSummary(): SummaryProvider {
  return {
    name: 'local',
    model: 'extractive',
    async summarize(transcript) {
      const lines = transcript.split('\n').map((l) => l.trim()).filter(Boolean);
      const words = (l: string) => l.replace(/^[^:]+:\s*/, '').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 2 && !STOP.has(w));
      const freq = new Map<string, number>();
      for (const l of lines) for (const w of words(l)) freq.set(w, (freq.get(w) ?? 0) + 1);
      const scored = lines.map((l, i) => {
        const ws = words(l);
        return { l, i, score: ws.length ? ws.reduce((n, w) => n + (freq.get(w) ?? 0), 0) / Math.sqrt(ws.length) : 0 };
      });
      return scored.sort((a, b) => b.score - a.score || a.i - b.i).slice(0, 3).sort((a, b) => a.i - b.i).map((s) => s.l).join('\n');
    },
  };
}
