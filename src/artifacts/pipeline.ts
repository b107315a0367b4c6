import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../logger';
import { inTransaction } from '../db/transaction';
import { composeCall, placeSegments, speakerAudio, type SegmentFile } from '../recording/compose';
import { recordCallEvent } from '../services/outbox';
import type { Storage } from '../storage';
import { mergeTranscript, type TranscriptionProvider } from './transcription';
import type { SummaryProvider } from './summary';

interface CallRow {
  id: string; tenant_id: string; status: string; completed_at: string | null; recording_path: string | null;
  recording_status: string | null; transcript_status: string | null; summary_status: string | null;
  features: { recording?: boolean; transcription?: boolean; ai_summaries?: boolean }; language: string;
  has_transcript: boolean; has_summary: boolean;
}

/** Thrown while the call's captures are still being finished: the job runs again shortly. */
export class NotYet extends Error {}

/** How long after a call's end its captures may still be closing (ffmpeg's idle end is 10 s). */
const CAPTURE_GRACE_MS = 30_000;

const LABELS: Record<string, string> = { agent: 'Agent', customer: 'Customer', supervisor: 'Supervisor' };

/**
 * What happens after a call (CONTRACT §12), as one idempotent job per call: compose the
 * recording, transcribe each speaker, summarise. Each step looks at what exists first, so a
 * job that runs twice (a crash, a retry) redoes nothing already stored, and each result is
 * stored with its `*.ready` event in one transaction.
 */
export class ArtifactPipeline {
  constructor(
    private readonly fork: () => EntityManager,
    private readonly dataDir: string,
    private readonly storage: Storage,
    private readonly transcription: TranscriptionProvider | undefined,
    private readonly summary: SummaryProvider | undefined,
    private readonly log: Logger,
  ) {}

  /** `final`: the last attempt — a provider failure is then kept as `failed` instead of retried. */
  async run(callId: string, final = false) {
    const call = await this.load(callId);
    if (!call || call.status !== 'completed') return;
    try {
      const speakers = await this.recording(call);
      try {
        if (call.features.transcription && !call.has_transcript && !['failed', 'unavailable'].includes(call.transcript_status ?? '')) {
          await this.transcribe(call, speakers);
        }
      } finally {
        await this.keep(call.id, speakers);
      }
      const fresh = await this.load(callId);
      if (fresh && call.features.ai_summaries && fresh.has_transcript && !fresh.has_summary && !['failed', 'unavailable'].includes(fresh.summary_status ?? '')) {
        await this.summarize(fresh);
      }
      // A summary is made from the transcript: none is coming, so neither is it.
      const noTranscript = !call.features.transcription || ['failed', 'unavailable'].includes(fresh?.transcript_status ?? '');
      if (call.features.ai_summaries && fresh && !fresh.has_transcript && noTranscript) {
        await this.setStatus(callId, 'summary_status', 'unavailable');
      }
    } catch (err) {
      if (err instanceof NotYet) throw err;
      const message = String((err as Error).message ?? err).slice(0, 2000);
      await this.fork().execute('update calls set artifact_error = ? where id = ?', [message, callId]);
      if (!final) throw err;
      this.log.warn({ callId, err: message }, 'after-call work failed for good');
      await this.fork().execute(
        `update calls set transcript_status = case when transcript_status = 'pending' then 'failed' else transcript_status end,
                summary_status = case when summary_status = 'pending' then 'failed'
                                      when summary_status is null and transcript_status = 'pending' then 'unavailable' else summary_status end,
                recording_status = case when recording_status = 'pending' then 'failed' else recording_status end
          where id = ?`, [callId]);
    }
  }

  private async load(callId: string): Promise<CallRow | undefined> {
    const [row] = await this.fork().execute<CallRow[]>(
      `select c.id, c.tenant_id, c.status, c.completed_at, c.recording_path, c.recording_status, c.transcript_status, c.summary_status,
              s.features, s.language,
              exists (select 1 from call_transcripts t where t.call_id = c.id) as has_transcript,
              exists (select 1 from call_summaries m where m.call_id = c.id) as has_summary
         from calls c join company_settings s on s.tenant_id = c.tenant_id where c.id = ?`, [callId]);
    return row;
  }

  private setStatus(callId: string, column: 'recording_status' | 'transcript_status' | 'summary_status', status: string) {
    return this.fork().execute(`update calls set ${column} = ? where id = ?`, [status, callId]);
  }

  /** Composes the call's WebM (with `recording`) and each speaker's audio; returns the speakers' files. */
  private async recording(call: CallRow): Promise<Array<{ role: string; participantId: string; path: string; key: string }>> {
    const segments = await this.fork().execute<Array<{ path: string; role: string; participant_id: string; kind: string; started_at: string; ended_at: string | null }>>(
      'select path, role, participant_id, kind, started_at, ended_at from recording_segments where call_id = ? order by started_at', [call.id]);
    if (!segments.length) {
      if (call.features.recording && !call.recording_path) await this.setStatus(call.id, 'recording_status', 'unavailable');
      if (call.features.transcription && !call.has_transcript) await this.setStatus(call.id, 'transcript_status', 'unavailable');
      return [];
    }
    const endedAgo = call.completed_at ? Date.now() - new Date(call.completed_at).getTime() : Infinity;
    if (segments.some((s) => !s.ended_at) && endedAgo < CAPTURE_GRACE_MS) throw new NotYet('captures still closing');
    // Work happens in a scratch folder: the pieces come from the storage (a local path, or fetched
    // from S3), and what is made goes back into it.
    const scratch = join(this.dataDir, 'tmp', `artifacts-${call.id}`);
    await mkdir(scratch, { recursive: true });
    const files = await placeSegments(await Promise.all(segments.map(async (s): Promise<SegmentFile> => ({
      path: await this.storage.localCopy(s.path, scratch), role: s.role, participantId: s.participant_id, kind: s.kind,
      startedAt: new Date(s.started_at), endedAt: s.ended_at ? new Date(s.ended_at) : null,
    }))));
    const dir = `recordings/${call.tenant_id}/${call.id}`;
    if (call.features.recording && !call.recording_path) {
      await this.setStatus(call.id, 'recording_status', 'pending');
      const relative = `${dir}/call.webm`;
      const made = join(scratch, 'call.webm');
      await composeCall(files, made);
      await this.storage.putFile(relative, made, 'video/webm');
      const em = this.fork();
      await inTransaction(em, async () => {
        await em.execute(`update calls set recording_path = ?, recording_status = 'ready', updated_at = now() where id = ?`, [relative, call.id]);
        await recordCallEvent(em, 'recording.ready', call.id);
      });
    }
    const speakers = [...new Map(files.filter((f) => f.kind === 'audio').map((f) => [f.participantId, f.role])).entries()];
    const out: Array<{ role: string; participantId: string; path: string; key: string }> = [];
    for (const [participantId, role] of speakers) {
      const name = `speaker-${role}-${participantId.replace(/[^\w-]/g, '_')}.webm`;
      const path = join(scratch, name);
      await speakerAudio(files, participantId, path);
      out.push({ role, participantId, path, key: `${dir}/${name}` });
    }
    return out;
  }

  /** Each speaker's file goes into the storage once it has served; the scratch folder goes. */
  private async keep(callId: string, speakers: Array<{ path: string; key: string }>) {
    for (const s of speakers) await this.storage.putFile(s.key, s.path, 'audio/webm').catch(() => undefined);
    await rm(join(this.dataDir, 'tmp', `artifacts-${callId}`), { recursive: true, force: true });
  }

  private async transcribe(call: CallRow, speakers: Array<{ role: string; path: string }>) {
    if (!this.transcription || !speakers.length) return this.setStatus(call.id, 'transcript_status', 'unavailable');
    await this.setStatus(call.id, 'transcript_status', 'pending');
    const parts: Array<{ label: string; utterances: Array<{ start: number; text: string }> }> = [];
    for (const s of speakers) {
      const utterances = await this.transcription.transcribe(s.path, call.language);
      if (!utterances) return this.setStatus(call.id, 'transcript_status', 'unavailable');
      parts.push({ label: LABELS[s.role] ?? 'Participant', utterances });
    }
    const em = this.fork();
    await inTransaction(em, async () => {
      await em.execute(
        `insert into call_transcripts (call_id, tenant_id, transcript, language, generated_at) values (?, ?, ?, ?, now())
         on conflict (call_id) do nothing`,
        [call.id, call.tenant_id, mergeTranscript(parts), call.language],
      );
      await em.execute(`update calls set transcript_status = 'ready' where id = ?`, [call.id]);
      await recordCallEvent(em, 'transcript.ready', call.id);
    });
  }

  private async summarize(call: CallRow) {
    if (!this.summary) return this.setStatus(call.id, 'summary_status', 'unavailable');
    await this.setStatus(call.id, 'summary_status', 'pending');
    const [row] = await this.fork().execute<Array<{ transcript: string }>>('select transcript from call_transcripts where call_id = ?', [call.id]);
    const text = await this.summary.summarize(row.transcript, call.language);
    const em = this.fork();
    await inTransaction(em, async () => {
      await em.execute(
        `insert into call_summaries (call_id, tenant_id, summary, provider, model, generated_at) values (?, ?, ?, ?, ?, now())
         on conflict (call_id) do nothing`,
        [call.id, call.tenant_id, text, this.summary!.name, this.summary!.model],
      );
      await em.execute(`update calls set summary_status = 'ready' where id = ?`, [call.id]);
      await recordCallEvent(em, 'summary.ready', call.id);
    });
  }
}
