import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { RtpPacket, type MediaStreamTrack } from 'werift';

/** Test video: ffmpeg's colour bars, 320×240 at 15 fps. */
export const TEST_VIDEO = ['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15'];
/** A 440 Hz tone. */
export const TEST_TONE = ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'];

/**
 * Real media on a werift track: ffmpeg encodes `input` (VP8 or Opus) in real time and sends RTP
 * to a loopback port; each packet is written to the track (werift sets the negotiated SSRC and
 * payload type). Returns a function that stops it.
 */
export async function feedTrack(track: MediaStreamTrack, input: string[], seconds: number): Promise<() => void> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  socket.on('message', (buf) => {
    try {
      track.writeRtp(RtpPacket.deSerialize(buf));
    } catch {
      // an RTCP packet or a track already closed
    }
  });
  const codec = track.kind === 'video'
    ? ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k', '-g', '15', '-an']
    : ['-c:a', 'libopus', '-ar', '48000', '-ac', '2', '-b:a', '32k', '-vn'];
  const ffmpeg = spawn('ffmpeg', ['-v', 'error', '-re', '-t', String(seconds), ...input, ...codec, '-payload_type', track.kind === 'video' ? '96' : '111',
    '-f', 'rtp', `rtp://127.0.0.1:${socket.address().port}?pkt_size=1200`], { stdio: ['ignore', 'ignore', 'inherit'] });
  return () => {
    ffmpeg.kill('SIGKILL');
    socket.close();
  };
}
