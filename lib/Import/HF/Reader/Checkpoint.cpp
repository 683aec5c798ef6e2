//===- Checkpoint.cpp - Single-file and sharded checkpoints ---------------===//

#include "tfc/Import/HF/Reader/Safetensors.h"

#include "JsonUtil.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <sys/stat.h>

using json = nlohmann::json;

namespace tfc {
namespace hf {

namespace {
bool isDirectory(const std::string &p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool exists(const std::string &p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string joinPath(const std::string &dir, const std::string &name) {
  if (dir.empty())
    return name;
  if (dir.back() == '/')
    return dir + name;
  return dir + "/" + name;
}

std::string dirName(const std::string &p) {
  size_t slash = p.find_last_of('/');
  if (slash == std::string::npos)
    return "";
  if (slash == 0)
    return "/";
  return p.substr(0, slash);
}
} // namespace

Checkpoint::Checkpoint() = default;
Checkpoint::~Checkpoint() = default;
Checkpoint::Checkpoint(Checkpoint &&) noexcept = default;
Checkpoint &Checkpoint::operator=(Checkpoint &&) noexcept = default;

void Checkpoint::close() {
  index_.clear();
  files_.clear();
  indexPath_.clear();
}

const TensorInfo *Checkpoint::find(std::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : it->second;
}

std::vector<const TensorInfo *> Checkpoint::tensors() const {
  std::vector<const TensorInfo *> out;
  out.reserve(index_.size());
  for (const auto &kv : index_)
    out.push_back(kv.second);
  return out;
}

bool Checkpoint::open(const std::string &path, std::string &err) {
  close();
  try {
    std::string file = path;
    if (isDirectory(path)) {
      std::string idx = joinPath(path, "model.safetensors.index.json");
      std::string single = joinPath(path, "model.safetensors");
      if (exists(idx))
        file = idx;
      else if (exists(single))
        file = single;
      else {
        err = path +
              ": no model.safetensors or model.safetensors.index.json found";
        return false;
      }
    }

    if (!endsWith(file, ".index.json")) {
      auto f = std::make_unique<SafetensorsFile>();
      if (!f->open(file, err))
        return false;
      for (const TensorInfo &t : f->tensors())
        index_.emplace(t.name, &t);
      files_.push_back(std::move(f));
      return true;
    }

    // Sharded checkpoint.
    indexPath_ = file;
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      err = file + ": cannot open";
      close();
      return false;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (root.is_discarded()) {
      err = file + ": not valid JSON";
      close();
      return false;
    }
    if (!root.is_object()) {
      err = file + ": top level is " + detail::jsonTypeName(root) +
            ", expected an object";
      close();
      return false;
    }
    auto md = root.find("metadata");
    if (md != root.end() && !md->is_object() && !md->is_null()) {
      err = file + ": 'metadata' is " + detail::jsonTypeName(*md) +
            ", expected an object";
      close();
      return false;
    }
    auto wm = root.find("weight_map");
    if (wm == root.end()) {
      err = file + ": missing key 'weight_map'";
      close();
      return false;
    }
    if (!wm->is_object()) {
      err = file + ": 'weight_map' is " + detail::jsonTypeName(*wm) +
            ", expected an object";
      close();
      return false;
    }
    if (wm->empty()) {
      err = file + ": 'weight_map' is empty";
      close();
      return false;
    }

    // Shard names must be plain file names (no directories).
    std::string dir = dirName(file);
    std::vector<std::string> shardNames;
    std::map<std::string, size_t> shardIdx;
    std::vector<std::pair<std::string, size_t>> entries; // tensor -> shard
    for (auto it = wm->begin(); it != wm->end(); ++it) {
      if (!it.value().is_string()) {
        err = file + ": weight_map entry for tensor '" + it.key() + "' is " +
              detail::jsonTypeName(it.value()) + ", expected a file name";
        close();
        return false;
      }
      const std::string &shard = it.value().get_ref<const std::string &>();
      if (shard.empty() || shard == "." || shard == ".." ||
          shard.find('/') != std::string::npos ||
          shard.find('\\') != std::string::npos) {
        err = file + ": weight_map entry for tensor '" + it.key() +
              "' has invalid shard file name '" + shard + "'";
        close();
        return false;
      }
      shardIdx.emplace(shard, 0);
    }
    // Shards in file-name order (deterministic).
    for (auto &kv : shardIdx) {
      kv.second = shardNames.size();
      shardNames.push_back(kv.first);
    }
    for (auto it = wm->begin(); it != wm->end(); ++it)
      entries.emplace_back(it.key(), shardIdx[it.value().get<std::string>()]);
    for (const std::string &name : shardNames) {
      auto f = std::make_unique<SafetensorsFile>();
      if (!f->open(joinPath(dir, name), err)) {
        err += " (shard listed in " + file + ")";
        close();
        return false;
      }
      files_.push_back(std::move(f));
    }
    for (const auto &e : entries) {
      const SafetensorsFile &f = *files_[e.second];
      const TensorInfo *t = f.find(e.first);
      if (!t) {
        err = file + ": tensor '" + e.first + "' is mapped to '" +
              shardNames[e.second] + "' but not found in " + f.path();
        close();
        return false;
      }
      index_.emplace(e.first, t);
    }
    // Every tensor in a shard must be listed (and thus listed exactly once).
    for (const auto &f : files_) {
      for (const TensorInfo &t : f->tensors()) {
        auto it = index_.find(t.name);
        if (it == index_.end()) {
          err =
              f->path() + ": tensor '" + t.name + "' is not listed in " + file;
          close();
          return false;
        }
        if (it->second != &t) {
          err = f->path() + ": tensor '" + t.name + "' is also stored in " +
                it->second->file + " (the shard " + file + " maps it to)";
          close();
          return false;
        }
      }
    }
    return true;
  } catch (const std::exception &e) {
    err = path + ": " + e.what();
  } catch (...) {
    err = path + ": unexpected error while reading the checkpoint";
  }
  close();
  return false;
}

} // namespace hf
} // namespace tfc
