import { Migration } from '@mikro-orm/migrations';

/** The SFU's raw recordings and how far each call's after-call work has got. */
export class Migration20261203020000_artifacts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      -- One ffmpeg capture of one producer (a participant's audio or video), without re-encoding.
      -- A track paused for long ends its capture; resuming starts a new segment at its own offset.
      create table recording_segments (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        call_id uuid not null references calls(id) on delete cascade,
        participant_id varchar(64) not null,
        role varchar(20) not null,
        kind varchar(10) not null,
        path varchar(500) not null,
        started_at timestamptz not null,
        ended_at timestamptz
      );
      create index recording_segments_call on recording_segments (call_id);

      -- null: not on the plan; pending, ready, failed (the error kept) or unavailable (no provider, no media).
      alter table calls
        add column recording_status varchar(20),
        add column transcript_status varchar(20),
        add column summary_status varchar(20),
        add column artifact_error text;
    `);
  }
}
