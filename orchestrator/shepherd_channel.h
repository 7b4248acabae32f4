#pragma once
/// The messages between labd and its shepherd (shepherd.h): one JSON object
/// per datagram of a SOCK_SEQPACKET socket pair, so a message is never torn
/// or merged, and a job lock's descriptor travels with the message that
/// hands its job over (SCM_RIGHTS): the lock is held by labd, then by the
/// message in flight, then by the shepherd, without a gap.

#include <nlohmann/json.hpp>
#include <optional>

namespace labq {

struct ChannelMessage {
  nlohmann::json body;
  int fd = -1;  ///< a descriptor that came with it (close-on-exec), or -1
};

/// Sends `body` (and a duplicate of `fd` when >= 0). False when the other
/// side has gone (no SIGPIPE is raised); throws labq::Error on other errors.
bool SendMessage(int socket, const nlohmann::json& body, int fd = -1);
/// The next message; nullopt at end of file (the other side closed or died).
/// Throws labq::Error on a read error or a message that is not JSON.
std::optional<ChannelMessage> ReceiveMessage(int socket);

}  // namespace labq
