import type { EntityManager } from '@mikro-orm/postgresql';
import type { types } from 'mediasoup';
import type { Logger } from '../logger';
import { join } from 'node:path';
import { RoomRecorder, type SegmentStore } from './room-recorder';
import type { Storage } from '../storage';

/** Opens a recorder for a call's new router, when its company's plan includes recording or transcription. */
export type RecorderFactory = (callId: string, router: types.Router) => Promise<RoomRecorder | undefined>;

/** Recorders that write segments under DATA_DIR and note them in PostgreSQL. */
export function recorders(fork: () => EntityManager, dataDir: string, storage: Storage, log: Logger): RecorderFactory {
  const store: SegmentStore = {
    async started(s) {
      await fork().execute(
        `insert into recording_segments (id, tenant_id, call_id, participant_id, role, kind, path, started_at) values (?, ?, ?, ?, ?, ?, ?, now())`,
        [s.id, s.tenantId, s.callId, s.participantId, s.role, s.kind, s.path],
      );
    },
    async ended(id, at, path) {
      // Into the shared storage before it counts as ended, so the composing job finds it on any instance.
      await storage.putFile(path, join(dataDir, path), 'video/x-matroska');
      await fork().execute('update recording_segments set ended_at = ? where id = ?', [at, id]);
    },
  };
  return async (callId, router) => {
    const [row] = await fork().execute<Array<{ tenant_id: string; recording: boolean }>>(
      // Transcripts are made from each speaker's own track, so they need the capture too.
      `select c.tenant_id, coalesce((s.features->>'recording')::boolean, false) or coalesce((s.features->>'transcription')::boolean, false) as recording
         from calls c join company_settings s on s.tenant_id = c.tenant_id where c.id = ?`, [callId]);
    if (!row?.recording) return undefined;
    return new RoomRecorder(router, { id: callId, tenantId: row.tenant_id }, dataDir, store, log);
  };
}
