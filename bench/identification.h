// Open-set 1:N identification the way NIST's face recognition vendor tests
// report it (FNIR at a fixed FPIR), over a labelled image set: the protocol
// that splits it into an enrolled gallery and mated / non-mated probes, and
// the rates. `portier eval identify` runs it through the service's own path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace portier {

struct IdentityImage {
  std::string path;  // relative to the data root
  std::string identity;
};

// A CSV `path,identity`, one image a line; a first line `path,identity` is a
// header. Throws std::invalid_argument naming the file and line of the first
// malformed one (a missing field, an empty path or identity, a duplicate path).
std::vector<IdentityImage> read_identity_labels(const std::filesystem::path& file);

struct IdentificationProtocol {
  size_t identities = 0;                // how many identities are enrolled
  std::vector<IdentityImage> enrolled;  // their enrolment images, identity by identity
  std::vector<IdentityImage> mated;     // the other images of the enrolled
  std::vector<IdentityImage> non_mated;  // every image of everyone else
};

// Deterministic: identities sorted by name (byte order); of those with at
// least two images every second one (the 1st, 3rd, 5th, ...) is enrolled with
// its first image in sorted path order, its other images being mated probes;
// every image of every other identity is a non-mated probe. With `gallery`,
// only that many of the enrolled identities (drawn with `seed`) stay
// enrolled, and every image of the others becomes a non-mated probe.
//
// `photos` asks what more enrolment photos buy: an enrolled identity is
// enrolled with its first `photos.enrol` images and probed with its images
// from the `photos.probe_from`-th on (0-based; those between are unused), so
// that runs with 1, 2, 3 photos share one set of probes; an identity needs
// probe_from + 1 images to be enrollable. The default {1, 1} is the protocol
// above, the fixed contract of `portier eval identify`.
struct EnrolmentPhotos {
  size_t enrol = 1;
  size_t probe_from = 1;
};
IdentificationProtocol make_identification_protocol(std::vector<IdentityImage> images,
                                                    std::optional<size_t> gallery = std::nullopt,
                                                    std::uint64_t seed = 1, EnrolmentPhotos photos = {});

// One probe searched against the gallery.
struct ProbeSearch {
  bool mated = false;
  bool detected = false;        // false: no face found (a miss if mated, a rejection if not)
  bool nearest_is_own = false;  // mated: the nearest enrolled identity is the probe's
  float nearest = 0.0f;         // distance to the nearest enrolled identity
  float runner_up = 0.0f;       // to the second nearest (infinity with one identity)
  std::int64_t nearest_user = 0;  // the gallery's id of the nearest identity
};

struct IdentificationReport {
  size_t enrolled = 0, mated = 0, non_mated = 0, not_detected = 0;
  double rank1 = 0.0;  // mated probes whose nearest identity is their own (undetected: not)
  double fnir_at_fpir_1e2 = 0.0, fnir_at_fpir_1e3 = 0.0;
  double threshold_at_fpir_1e2 = 0.0, threshold_at_fpir_1e3 = 0.0;
  double fnir_at_rule = 0.0, fpir_at_rule = 0.0;  // at the service's own acceptance rule
};

// `accepts` is the service's rule: does it take the nearest identity? The
// thresholds at a fixed FPIR are distances: a non-mated probe is a false
// positive when its nearest distance is below the threshold, a mated probe is
// found when its nearest identity is its own and below it.
IdentificationReport evaluate_identification(const std::vector<ProbeSearch>& probes, size_t enrolled,
                                             const std::function<bool(const ProbeSearch&)>& accepts);

}  // namespace portier
