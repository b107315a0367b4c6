/*
 * The media bench's baseline: the least an SFU must do per packet, by hand. Receives RTP on a
 * UDP port and sends each packet on to `fanout` receivers, giving every copy its own SSRC (as
 * each consumer has its own), through one socket per receiver. No SRTP, no RTCP, no state.
 * Usage: udp-forwarder <dest-port> <fanout>; prints the port it listens on.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 3) return 2;
  int dest_port = atoi(argv[1]);
  int fanout = atoi(argv[2]);
  int in = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = 0};
  if (bind(in, (struct sockaddr *)&addr, sizeof addr) != 0) return 1;
  socklen_t len = sizeof addr;
  getsockname(in, (struct sockaddr *)&addr, &len);
  printf("{\"port\":%d}\n", ntohs(addr.sin_port));
  fflush(stdout);
  int *out = malloc(sizeof(int) * fanout);
  for (int i = 0; i < fanout; i++) out[i] = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in dest = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = htons(dest_port)};
  unsigned char buf[1500];
  for (;;) {
    ssize_t n = recv(in, buf, sizeof buf, 0);
    if (n < 12) continue;
    for (int i = 0; i < fanout; i++) {
      uint32_t ssrc = htonl(0x10000000u + (uint32_t)i);
      memcpy(buf + 8, &ssrc, 4);
      sendto(out[i], buf, (size_t)n, 0, (struct sockaddr *)&dest, sizeof dest);
    }
  }
}
