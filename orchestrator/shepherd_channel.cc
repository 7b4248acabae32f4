#include "orchestrator/shepherd_channel.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace labq {
namespace {

/// A run message is a job id and a path; far below this.
constexpr size_t kMaxMessage = 16 * 1024;

}  // namespace

bool SendMessage(int socket, const nlohmann::json& body, int fd) {
  const std::string text = body.dump();
  iovec iov{const_cast<char*>(text.data()), text.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  if (fd >= 0) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
  }
  while (::sendmsg(socket, &msg, MSG_NOSIGNAL) < 0) {
    if (errno == EINTR) continue;
    if (errno == EPIPE || errno == ECONNRESET) return false;
    throw Error(std::string("shepherd channel: cannot send: ") + std::strerror(errno));
  }
  return true;
}

std::optional<ChannelMessage> ReceiveMessage(int socket) {
  std::string text(kMaxMessage, '\0');
  iovec iov{text.data(), text.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  while ((n = ::recvmsg(socket, &msg, MSG_CMSG_CLOEXEC)) < 0) {
    if (errno == EINTR) continue;
    if (errno == ECONNRESET) return std::nullopt;
    throw Error(std::string("shepherd channel: cannot receive: ") + std::strerror(errno));
  }
  if (n == 0) return std::nullopt;
  ChannelMessage message;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      std::memcpy(&message.fd, CMSG_DATA(c), sizeof(int));
    }
  }
  text.resize(static_cast<size_t>(n));
  try {
    message.body = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    if (message.fd >= 0) ::close(message.fd);
    throw Error(std::string("shepherd channel: a message is not JSON: ") + e.what());
  }
  return message;
}

}  // namespace labq
