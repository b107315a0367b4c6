import { AppError } from '../errors';

/** One participant of a call as the media layer sees it. */
export interface MediaParticipant {
  tenantId: string;
  callId: string;
  /** The user id, or the customer id. */
  participantId: string;
  role: string;
  /** Where the participant sits in this call: its customer, its agent, or a supervisor. */
  seat?: 'customer' | 'agent' | 'supervisor';
}

export interface SdpMessage { type: 'offer' | 'answer'; sdp: string }
export interface IceCandidate { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null }

/**
 * What the call channel hands to the SFU (CONTRACT §7). Answers and server offers come back
 * on the bus as `signal`/`ice_candidate` events addressed (`to`) to one participant.
 */
export interface MediaGateway {
  signal(from: MediaParticipant, message: SdpMessage): Promise<void>;
  iceCandidate(from: MediaParticipant, candidate: IceCandidate): Promise<void>;
  mute(from: MediaParticipant, kind: 'audio' | 'video', muted: boolean): Promise<void>;
  participantLeft(who: MediaParticipant): Promise<void>;
  /** monitor: hears both, says nothing; whisper: only the agent hears; barge: both hear. */
  supervise(supervisor: MediaParticipant, mode: SupervisionMode | null): Promise<void>;
}

export type SupervisionMode = 'monitor' | 'whisper' | 'barge';

/** Until the SFU exists: signalling is refused with a clear 503, the rest is a no-op. */
export class NoMediaGateway implements MediaGateway {
  async signal(): Promise<void> {
    throw new AppError('SERVICE_UNAVAILABLE', 'Media server not available');
  }
  async iceCandidate(): Promise<void> {
    throw new AppError('SERVICE_UNAVAILABLE', 'Media server not available');
  }
  async mute(): Promise<void> {}
  async participantLeft(): Promise<void> {}
  async supervise(): Promise<void> {}
}
