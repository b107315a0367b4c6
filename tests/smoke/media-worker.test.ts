/**
 * The mediasoup worker that `npm install` built (scripts/mediasoup-worker) starts and carries a
 * router with the codecs calls use: the first step of the SFU (issue 9). What it forwards is
 * tested once the call channel signals through it.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { workerBinPath } = require('../../scripts/mediasoup-worker/path');

process.env.MEDIASOUP_WORKER_BIN = workerBinPath();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mediasoup: typeof import('mediasoup') = require('mediasoup');

it('the built worker starts, makes a router with Opus, VP8 and H264, and a WebRTC transport on loopback', async () => {
  const worker = await mediasoup.createWorker({ logLevel: 'warn' });
  try {
    expect(worker.pid).toBeGreaterThan(0);
    const router = await worker.createRouter({
      mediaCodecs: [
        { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
        { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
        { kind: 'video', mimeType: 'video/H264', clockRate: 90000, parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 } },
      ],
    });
    expect(router.rtpCapabilities.codecs?.map((c) => c.mimeType)).toEqual(expect.arrayContaining(['audio/opus', 'video/VP8', 'video/H264']));
    const transport = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
    expect(transport.iceCandidates).toEqual([expect.objectContaining({ ip: '127.0.0.1', protocol: 'udp', port: expect.any(Number) })]);
    expect(transport.dtlsParameters.fingerprints.length).toBeGreaterThan(0);
    const usage = await worker.getResourceUsage();
    expect(usage.ru_maxrss).toBeGreaterThan(0);
  } finally {
    worker.close();
  }
});

it('encrypts SRTP with libsrtp over OpenSSL, linked in, not with Debian’s NSS-based libsrtp2', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
  const bin = workerBinPath();
  const libraries = execFileSync('ldd', [bin], { encoding: 'utf8' });
  expect(libraries).toMatch(/libcrypto\.so/);
  expect(libraries).not.toMatch(/libsrtp2|libnss3/);
  // The static library's OpenSSL cipher is in the binary.
  expect(execFileSync('nm', ['-C', bin], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })).toMatch(/srtp_aes_icm_openssl/);
});
