// libsrtp 3's size_t signatures over Debian's libsrtp 2, for mediasoup's worker.
#pragma once
#include <srtp2/srtp.h>
#include <cstddef>
#include <cstring>

// Error codes libsrtp 3 added after srtp_err_status_pkt_idx_adv (27); libsrtp 2 never returns them.
constexpr srtp_err_status_t srtp_err_status_buffer_small = static_cast<srtp_err_status_t>(28);
constexpr srtp_err_status_t srtp_err_status_cryptex_err = static_cast<srtp_err_status_t>(29);

inline srtp_err_status_t srtp_protect(srtp_t ctx, const uint8_t* rtp, size_t rtp_len, uint8_t* srtp, size_t* srtp_len, size_t mki_index) {
  if (srtp != rtp) std::memmove(srtp, rtp, rtp_len);
  int len = static_cast<int>(rtp_len);
  const srtp_err_status_t err = mki_index ? srtp_protect_mki(ctx, srtp, &len, 1, static_cast<unsigned int>(mki_index)) : srtp_protect(ctx, srtp, &len);
  *srtp_len = static_cast<size_t>(len);
  return err;
}
inline srtp_err_status_t srtp_unprotect(srtp_t ctx, const uint8_t* srtp, size_t srtp_len, uint8_t* rtp, size_t* rtp_len) {
  if (rtp != srtp) std::memmove(rtp, srtp, srtp_len);
  int len = static_cast<int>(srtp_len);
  const srtp_err_status_t err = srtp_unprotect(ctx, rtp, &len);
  *rtp_len = static_cast<size_t>(len);
  return err;
}
inline srtp_err_status_t srtp_protect_rtcp(srtp_t ctx, const uint8_t* rtcp, size_t rtcp_len, uint8_t* srtcp, size_t* srtcp_len, size_t mki_index) {
  if (srtcp != rtcp) std::memmove(srtcp, rtcp, rtcp_len);
  int len = static_cast<int>(rtcp_len);
  const srtp_err_status_t err = mki_index ? srtp_protect_rtcp_mki(ctx, srtcp, &len, 1, static_cast<unsigned int>(mki_index)) : srtp_protect_rtcp(ctx, srtcp, &len);
  *srtcp_len = static_cast<size_t>(len);
  return err;
}
inline srtp_err_status_t srtp_unprotect_rtcp(srtp_t ctx, const uint8_t* srtcp, size_t srtcp_len, uint8_t* rtcp, size_t* rtcp_len) {
  if (rtcp != srtcp) std::memmove(rtcp, srtcp, srtcp_len);
  int len = static_cast<int>(srtcp_len);
  const srtp_err_status_t err = srtp_unprotect_rtcp(ctx, rtcp, &len);
  *rtcp_len = static_cast<size_t>(len);
  return err;
}
inline srtp_err_status_t srtp_stream_remove(srtp_t session, uint32_t ssrc) {
  return srtp_remove_stream(session, ssrc);
}
