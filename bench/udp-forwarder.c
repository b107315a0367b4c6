/*
 * The media bench's baseline: the least an SFU must do per packet, by hand. Receives RTP on a
 * UDP port and sends each packet on to `fanout` receivers, giving every copy its own SSRC (as
 * each consumer has its own), through one socket per receiver. Like any SFU it listens on each
 * receiver's socket too (that is where their RTCP would come from), so all sockets wait in one
 * epoll set, and what receivers send is read and dropped. No SRTP, no RTCP of its own, no state.
 * Usage: udp-forwarder <dest-port> <fanout>; prints the port it listens on.
 * `udp-forwarder sink` is where every copy goes, the SFU's and the forwarder's alike: a bound
 * socket that never reads, so the kernel drops what overflows its buffer. A closed port would
 * make the kernel build an ICMP "port unreachable" for each packet (about 3 µs on the sender's
 * CPU over loopback), which no real receiver costs; a reading receiver would share the cores.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static int bound_socket(int announce) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = 0};
  if (bind(s, (struct sockaddr *)&addr, sizeof addr) != 0) exit(1);
  if (announce) {
    socklen_t len = sizeof addr;
    getsockname(s, (struct sockaddr *)&addr, &len);
    printf("{\"port\":%d}\n", ntohs(addr.sin_port));
    fflush(stdout);
  }
  return s;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "sink") == 0) {
    bound_socket(1);
    for (;;) pause();
  }
  if (argc != 3) return 2;
  int dest_port = atoi(argv[1]);
  int fanout = atoi(argv[2]);
  int epoll = epoll_create1(0);
  int in = bound_socket(1);
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = in};
  epoll_ctl(epoll, EPOLL_CTL_ADD, in, &ev);
  int *out = malloc(sizeof(int) * fanout);
  for (int i = 0; i < fanout; i++) {
    out[i] = bound_socket(0);
    ev.data.fd = out[i];
    epoll_ctl(epoll, EPOLL_CTL_ADD, out[i], &ev);
  }
  struct sockaddr_in dest = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = htons(dest_port)};
  unsigned char buf[1500];
  struct epoll_event ready[64];
  for (;;) {
    int count = epoll_wait(epoll, ready, 64, -1);
    for (int r = 0; r < count; r++) {
      ssize_t n = recv(ready[r].data.fd, buf, sizeof buf, MSG_DONTWAIT);
      if (ready[r].data.fd != in || n < 12) continue;
      for (int i = 0; i < fanout; i++) {
        uint32_t ssrc = htonl(0x10000000u + (uint32_t)i);
        memcpy(buf + 8, &ssrc, 4);
        sendto(out[i], buf, (size_t)n, 0, (struct sockaddr *)&dest, sizeof dest);
      }
    }
  }
}
