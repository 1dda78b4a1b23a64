// The config file's reading, by section (app/config.cpp calls them in the
// file's order). Private to app/: everything else sees config.h's Config.
#pragma once

#include <chrono>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>
#include <toml++/toml.h>

#include "app/config.h"

namespace portier::config_detail {

// Reads the keys of one table and remembers which it used, so that anything
// left over is reported as unknown (a typo must not silently fall back).
class Section {
 public:
  Section(const toml::table* table, std::string name, const std::string& file)
      : table_(table), name_(std::move(name)), file_(file) {}

  Section section(const std::string& key) {
    used_.insert(key);
    const toml::node* node = table_ ? table_->get(key) : nullptr;
    if (node && !node->is_table()) fail(key, "must be a table ([" + qualified(key) + "])");
    return Section(node ? node->as_table() : nullptr, qualified(key), file_);
  }

  void integer(const std::string& key, int& out, int lo, int hi) {
    const toml::node* node = find(key);
    if (!node) return;
    const auto* v = node->as_integer();
    if (!v) fail(key, "must be an integer");
    if (v->get() < lo || v->get() > hi)
      fail(key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", got " +
                    std::to_string(v->get()));
    out = static_cast<int>(v->get());
  }

  void number(const std::string& key, double& out, double lo, double hi) {
    const toml::node* node = find(key);
    if (!node) return;
    double value;
    if (const auto* f = node->as_floating_point()) value = f->get();
    else if (const auto* i = node->as_integer()) value = static_cast<double>(i->get());
    else fail(key, "must be a number");
    if (!(value >= lo && value <= hi))
      fail(key, "must be between " + trim(lo) + " and " + trim(hi) + ", got " + trim(value));
    out = value;
  }

  void boolean(const std::string& key, bool& out) {
    const toml::node* node = find(key);
    if (!node) return;
    const auto* v = node->as_boolean();
    if (!v) fail(key, "must be true or false");
    out = v->get();
  }

  bool has(const std::string& key) const { return table_ && table_->get(key); }

  void string(const std::string& key, std::string& out, bool allow_empty = false) {
    const toml::node* node = find(key);
    if (!node) return;
    const auto* v = node->as_string();
    if (!v) fail(key, "must be a string");
    if (!allow_empty && v->get().empty()) fail(key, "must not be empty");
    out = v->get();
  }

  void choice(const std::string& key, std::string& out, std::initializer_list<const char*> allowed) {
    string(key, out);
    std::string list;
    for (const char* a : allowed) {
      if (out == a) return;
      list += std::string(list.empty() ? "" : ", ") + a;
    }
    fail(key, "must be one of " + list + ", got \"" + out + "\"");
  }

  // A key that takes one of a fixed set of names, read into its enum.
  template <typename E>
  void one_of(const std::string& key, E& out, std::initializer_list<std::pair<const char*, E>> allowed) {
    if (!find(key)) return;
    std::string text;
    string(key, text);
    std::string list;
    for (const auto& [name, value] : allowed) {
      if (text == name) {
        out = value;
        return;
      }
      list += std::string(list.empty() ? "" : ", ") + name;
    }
    fail(key, "must be one of " + list + ", got \"" + text + "\"");
  }

  // Durations and paths, read as the integer or string the file holds.
  void milliseconds(const std::string& key, std::chrono::milliseconds& out, int lo, int hi) {
    int v = static_cast<int>(out.count());
    integer(key, v, lo, hi);
    out = std::chrono::milliseconds(v);
  }
  void seconds(const std::string& key, std::chrono::seconds& out, int lo, int hi) {
    int v = static_cast<int>(out.count());
    integer(key, v, lo, hi);
    out = std::chrono::seconds(v);
  }
  void path(const std::string& key, std::filesystem::path& out) {
    std::string v;
    string(key, v, true);
    out = v;
  }

  // Every key present must have been read.
  void finish() const {
    if (!table_) return;
    for (const auto& [key, node] : *table_)
      if (!used_.count(std::string(key.str()))) fail(std::string(key.str()), "is not a known setting");
  }

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw ConfigError("config " + file_ + ": key '" + qualified(key) + "' " + what);
  }

 private:
  const toml::node* find(const std::string& key) {
    used_.insert(key);
    return table_ ? table_->get(key) : nullptr;
  }
  std::string qualified(const std::string& key) const { return name_.empty() ? key : name_ + "." + key; }
  static std::string trim(double v) {
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (s.back() == '.') s.pop_back();
    return s;
  }

  const toml::table* table_;
  std::string name_;
  const std::string& file_;
  std::set<std::string> used_;
};

bool is_sha256_hex(const std::string& s);
// Where things are when the config leaves them empty (app/config.cpp).
std::filesystem::path default_models_dir();
std::filesystem::path default_gallery_path();
std::filesystem::path default_liveness_model();
std::filesystem::path default_recognition_curves();
// The door's GPIO lines by their [gpio] key, the relay first; an unwired one
// is empty. The [gpio] and Wiegand [reader] checks read this one list.
std::vector<std::pair<const char*, std::optional<unsigned>>> door_lines(const DoorWiring& door);

// One function a section (or a few that only make sense together), each
// reading its keys into `c` and refusing a bad one with its Section's fail().
// In the file's order; a later section may rely on what an earlier one read.
void read_models(Section& top, Config& c);
void read_camera(Section& top, Config& c);
void read_pipeline(Section& top, Config& c);
void read_decision(Section& top, Config& c);
void read_gallery(Section& top, Config& c);
void read_relay_and_gpio(Section& top, Config& c);
void read_enroll(Section& top, Config& c);
void read_liveness(Section& top, Config& c);
void read_backend(Section& top, Config& c);
void read_mqtt(Section& top, Config& c);
void read_home_assistant(Section& top, Config& c);
void read_outbox(Section& top, Config& c);
void read_access(Section& top, Config& c);  // [access], [reader], [keypad]: the mode needs the devices
void read_lockout(Section& top, Config& c);
void read_events(Section& top, Config& c);
void read_console(Section& top, Config& c);
void read_log(Section& top, Config& c);

}  // namespace portier::config_detail
