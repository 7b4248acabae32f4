#include "common/file_util.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <random>
#include <utility>

#include "common/error.h"
#include "common/text.h"

namespace labq {
namespace {

[[noreturn]] void Fail(const std::filesystem::path& path, const char* what) {
  throw Error(path.string() + ": " + what + ": " + std::strerror(errno));
}

/// Closes the descriptor when the scope ends, whatever happens in between.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

}  // namespace

void WriteFileAtomically(const std::filesystem::path& path, std::string_view content,
                         Durability durability) {
  std::random_device rd;
  std::filesystem::path tmp = path;
  tmp += ".tmp" + std::to_string(rd());
  FileDescriptor fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0) Fail(tmp, "cannot create");
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd.get(), content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int saved = errno;
      ::unlink(tmp.c_str());
      errno = saved;
      Fail(path, "write failed");
    }
    written += static_cast<size_t>(n);
  }
  if ((durability == Durability::kFlushed && ::fsync(fd.get()) != 0) ||
      ::close(fd.release()) != 0) {
    const int saved = errno;
    ::unlink(tmp.c_str());
    errno = saved;
    Fail(path, "flush failed");
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(tmp.c_str());
    errno = saved;
    Fail(path, "rename failed");
  }
}

void WriteOutputFile(const std::filesystem::path& path, std::string_view content) {
  std::error_code ec;
  const auto link = std::filesystem::symlink_status(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    throw Error(path.string() + ": cannot inspect: " + ec.message());
  }
  if (!std::filesystem::exists(link)) {
    WriteFileAtomically(path, content);
    return;
  }
  const auto target = std::filesystem::status(path, ec);  // follows links
  if (std::filesystem::is_symlink(link) && !std::filesystem::exists(target)) {
    throw Error(path.string() +
                ": is a symbolic link to nothing; labq writes through links only "
                "to existing regular files");
  }
  if (!std::filesystem::is_regular_file(target)) {
    throw Error(path.string() +
                ": exists and is not a regular file (a device, directory or pipe); labq only "
                "replaces regular files");
  }
  WriteFileAtomically(std::filesystem::is_symlink(link) ? std::filesystem::canonical(path) : path,
                      content);
}

std::string ShellQuote(std::string_view arg) {
  if (!arg.empty() && arg.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                            "0123456789_-./=:+,@%") == std::string_view::npos) {
    return std::string(arg);
  }
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string ShellJoin(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    out += ShellQuote(a);
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw Error("SHA-256 failed");
  }
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += "0123456789abcdef"[digest[i] >> 4];
    hex += "0123456789abcdef"[digest[i] & 15];
  }
  return hex;
}

std::string Sha256OfFile(const std::filesystem::path& path) {
  return Sha256Hex(ReadFile(path.string()));
}

}  // namespace labq
