#include "bench/identification.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <stdexcept>

namespace portier {

std::vector<IdentityImage> read_identity_labels(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::invalid_argument("labels file " + file.string() + " cannot be read");
  std::vector<IdentityImage> out;
  std::set<std::string> seen;
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const auto where = file.string() + " line " + std::to_string(number);
    const auto comma = line.find(',');
    if (comma == std::string::npos) throw std::invalid_argument(where + ": expected 'path,identity', got '" + line + "'");
    IdentityImage image{line.substr(0, comma), line.substr(comma + 1)};
    if (number == 1 && image.path == "path" && image.identity == "identity") continue;
    if (image.path.empty()) throw std::invalid_argument(where + ": the path is empty");
    if (image.identity.empty()) throw std::invalid_argument(where + ": the identity of " + image.path + " is empty");
    if (image.identity.find(',') != std::string::npos)
      throw std::invalid_argument(where + ": expected two fields 'path,identity', got more");
    if (!seen.insert(image.path).second) throw std::invalid_argument(where + ": " + image.path + " is listed twice");
    out.push_back(std::move(image));
  }
  if (out.empty()) throw std::invalid_argument("labels file " + file.string() + " lists no image");
  return out;
}

IdentificationProtocol make_identification_protocol(std::vector<IdentityImage> images, std::optional<size_t> gallery,
                                                    std::uint64_t seed, EnrolmentPhotos photos) {
  if (photos.enrol < 1) throw std::invalid_argument("each identity must be enrolled with at least one photo");
  if (photos.enrol > photos.probe_from)
    throw std::invalid_argument("enrolling each identity with " + std::to_string(photos.enrol) +
                                " photos, the probes must come after them, not after the first " +
                                std::to_string(photos.probe_from));
  std::map<std::string, std::vector<std::string>> by_identity;  // sorted by name, byte order
  for (auto& image : images) by_identity[image.identity].push_back(std::move(image.path));
  std::vector<std::string> enrollable;
  bool take = true;
  for (auto& [identity, paths] : by_identity) {
    std::sort(paths.begin(), paths.end());
    if (paths.size() < photos.probe_from + 1) continue;
    if (take) enrollable.push_back(identity);
    take = !take;
  }
  std::set<std::string> enrolled(enrollable.begin(), enrollable.end());
  if (gallery && *gallery < enrollable.size()) {
    // A seeded draw, the same on every machine (mt19937_64's output is fixed
    // by the standard; the shuffle is written out rather than std::shuffle's).
    std::mt19937_64 random(seed);
    for (size_t i = enrollable.size() - 1; i > 0; --i) std::swap(enrollable[i], enrollable[random() % (i + 1)]);
    enrolled = std::set<std::string>(enrollable.begin(), enrollable.begin() + static_cast<std::ptrdiff_t>(*gallery));
  }
  IdentificationProtocol p;
  p.identities = enrolled.size();
  for (const auto& [identity, paths] : by_identity) {
    if (enrolled.count(identity)) {
      for (size_t i = 0; i < photos.enrol; ++i) p.enrolled.push_back({paths[i], identity});
      for (size_t i = photos.probe_from; i < paths.size(); ++i) p.mated.push_back({paths[i], identity});
    } else {
      for (const auto& path : paths) p.non_mated.push_back({path, identity});
    }
  }
  return p;
}

namespace {

// The distance below which a share `fpir` of the non-mated probes fall: the
// k-th smallest nearest distance, k = floor(fpir * N); undetected non-mated
// probes count in N (a correct rejection) but have no distance.
double threshold_at(const std::vector<ProbeSearch>& probes, double fpir) {
  std::vector<float> d;
  size_t n = 0;
  for (const auto& p : probes) {
    if (p.mated) continue;
    ++n;
    if (p.detected) d.push_back(p.nearest);
  }
  std::sort(d.begin(), d.end());
  const auto k = static_cast<size_t>(fpir * static_cast<double>(n));
  return k < d.size() ? d[k] : (d.empty() ? 0.0 : d.back() + 1e-3);
}

double fnir_below(const std::vector<ProbeSearch>& probes, double threshold) {
  size_t mated = 0, found = 0;
  for (const auto& p : probes) {
    if (!p.mated) continue;
    ++mated;
    if (p.detected && p.nearest_is_own && p.nearest < threshold) ++found;
  }
  return mated ? 1.0 - static_cast<double>(found) / static_cast<double>(mated) : 0.0;
}

}  // namespace

IdentificationReport evaluate_identification(const std::vector<ProbeSearch>& probes, size_t enrolled,
                                             const std::function<bool(const ProbeSearch&)>& accepts) {
  IdentificationReport r;
  r.enrolled = enrolled;
  size_t rank1 = 0, missed = 0, false_positive = 0;
  for (const auto& p : probes) {
    if (!p.detected) ++r.not_detected;
    if (p.mated) {
      ++r.mated;
      if (p.detected && p.nearest_is_own) ++rank1;
      if (!(p.detected && p.nearest_is_own && accepts(p))) ++missed;
    } else {
      ++r.non_mated;
      if (p.detected && accepts(p)) ++false_positive;
    }
  }
  const auto share = [](size_t a, size_t b) { return b ? static_cast<double>(a) / static_cast<double>(b) : 0.0; };
  r.rank1 = share(rank1, r.mated);
  r.threshold_at_fpir_1e2 = threshold_at(probes, 1e-2);
  r.threshold_at_fpir_1e3 = threshold_at(probes, 1e-3);
  r.fnir_at_fpir_1e2 = fnir_below(probes, r.threshold_at_fpir_1e2);
  r.fnir_at_fpir_1e3 = fnir_below(probes, r.threshold_at_fpir_1e3);
  r.fnir_at_rule = share(missed, r.mated);
  r.fpir_at_rule = share(false_positive, r.non_mated);
  return r;
}

}  // namespace portier
