/* global Phoenix */
// A call page reduced to the signalling of CONTRACT §7, as a browser integrator would write it:
// the official phoenix client, one standard RTCPeerConnection, the client as the polite peer.
window.startCall = async function startCall({ socketUrl, token, callId }) {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  document.getElementById('local').srcObject = stream;
  const pc = new RTCPeerConnection();
  window.pc = pc;
  window.log = [];
  for (const track of stream.getTracks()) pc.addTrack(track, stream);
  pc.ontrack = ({ track, streams }) => {
    const el = document.createElement(track.kind);
    el.autoplay = true;
    el.muted = false;
    el.srcObject = streams[0] || new MediaStream([track]);
    document.body.appendChild(el);
  };
  const socket = new Phoenix.Socket(socketUrl, { params: { token } });
  socket.connect();
  const channel = socket.channel(`call:${callId}`, {});
  await new Promise((resolve, reject) => channel.join().receive('ok', resolve).receive('error', reject));
  const push = (event, payload) => new Promise((resolve, reject) => channel.push(event, payload)
    .receive('ok', resolve).receive('error', (e) => reject(new Error(JSON.stringify(e)))));
  let offering = false;
  const offer = async () => {
    offering = true;
    await pc.setLocalDescription();
    try {
      await push('signal', { type: 'offer', sdp: pc.localDescription.sdp });
    } catch (e) {
      window.log.push(`offer refused: ${e.message}`); // glare: the server's offer is being answered
    }
  };
  let chain = Promise.resolve();
  channel.on('signal', (message) => {
    chain = chain.then(async () => {
      if (message.type === 'answer') {
        offering = false;
        await pc.setRemoteDescription(message);
        return;
      }
      const glare = pc.signalingState !== 'stable';
      if (glare) await pc.setLocalDescription({ type: 'rollback' });
      await pc.setRemoteDescription(message);
      await pc.setLocalDescription();
      await push('signal', { type: 'answer', sdp: pc.localDescription.sdp });
      if (glare || offering) await offer();
    }).catch((e) => window.log.push(String(e)));
  });
  pc.onicecandidate = ({ candidate }) => {
    if (candidate) push('ice_candidate', { candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex }).catch(() => undefined);
  };
  window.restartIce = async () => {
    pc.restartIce();
    await offer();
  };
  await offer();
};

/** What the page decodes: video frames and audio samples per kind, from getStats. */
window.received = async function received() {
  const out = { framesDecoded: 0, audioPackets: 0, audioSamples: 0 };
  if (!window.pc) return out;
  (await window.pc.getStats()).forEach((s) => {
    if (s.type !== 'inbound-rtp') return;
    if (s.kind === 'video') out.framesDecoded += s.framesDecoded || 0;
    if (s.kind === 'audio') {
      out.audioPackets += s.packetsReceived || 0;
      out.audioSamples += s.totalSamplesReceived || 0;
    }
  });
  return out;
};
